"""Money as integer minor units (cents): parsing what people type, never a float."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

MAX_AMOUNT = 10**13  # minor units; far above any municipal budget, far below 64-bit limits

_SEPARATORS = re.compile(r"[\s\u00a0\u202f'_]")


def parse_amount(text: str, minor_digits: int = 2) -> int | None:
    """'1 500,50' or '1500.50' or '1500' → 150050; None when it is not an amount.

    A single comma or dot followed by at most `minor_digits` digits is the decimal
    separator (Europe writes commas); spaces, apostrophes and underscores group thousands.
    """
    cleaned = _SEPARATORS.sub("", text.strip())
    if not cleaned:
        return None
    match = re.fullmatch(rf"(\d+)(?:[.,](\d{{1,{minor_digits}}}))?", cleaned)
    if not match:
        # Thousands grouped with dots or commas: 1.500.000 or 1,500,000 (no decimals).
        if re.fullmatch(r"\d{1,3}([.,])\d{3}(\1\d{3})*", cleaned):
            cleaned = re.sub(r"[.,]", "", cleaned)
            match = re.fullmatch(r"(\d+)", cleaned)
        else:
            return None
    try:
        value = Decimal(match.group(0).replace(",", ".")) * (10**minor_digits)
    except InvalidOperation:
        return None
    amount = int(value)
    return amount if amount <= MAX_AMOUNT else None


def split_amount(minor: int, minor_digits: int = 2) -> Decimal:
    """Minor units back to a Decimal of major units, for display with Babel."""
    return Decimal(minor) / (10**minor_digits)
