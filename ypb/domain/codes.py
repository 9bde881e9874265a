"""Voting codes people can read off paper and type on a phone.

The alphabet leaves out both sides of every look-alike pair (0/O, 1/I/L, 2/Z, 5/S, 8/B,
U/V), so a code copied by hand cannot be misread; 14 symbols from 23 give 63 bits.
"""

from __future__ import annotations

import math
import re
import secrets

ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
LENGTH = 14
GROUP = 4
BITS = LENGTH * math.log2(len(ALPHABET))

def new_code() -> str:
    """A fresh code from the OS's secure random source, without separators."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def grouped(code: str) -> str:
    """'ACDE-FGHJ-KMNP-QR' — easier to read out and to type."""
    return "-".join(code[i:i + GROUP] for i in range(0, len(code), GROUP))


def normalise(typed: str) -> str | None:
    """The code as stored, or None when it cannot be one of ours."""
    # People type lower case, spaces and dashes; none of that matters.
    cleaned = re.sub(r"[\s\-_.]", "", typed.upper())
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned
