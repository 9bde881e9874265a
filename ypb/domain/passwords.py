"""Password rules: long enough, not a well-known password, not the user's own name.

No composition rules (digits, symbols): they push people towards predictable patterns
and do little for strength; length and a block list do more.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ypb.domain.messages import N_, Refusal

MIN_LENGTH = 10
MAX_LENGTH = 256  # hashing cost grows with length; keep it bounded
COMMON_LIST = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def password_refusals(password: str, *, username: str = "", display_name: str = "") -> list[Refusal]:
    if len(password) < MIN_LENGTH:
        return [Refusal("too_short", N_("Use at least %(min)s characters."), {"min": MIN_LENGTH})]
    if len(password) > MAX_LENGTH:
        return [Refusal("too_long", N_("Use at most %(max)s characters."), {"max": MAX_LENGTH})]
    folded = password.casefold()
    if folded in common_passwords() or len(set(folded)) <= 2:
        return [Refusal("common", N_("This password is too easy to guess. Try a few random words."))]
    for name in (username, display_name):
        name = name.casefold().strip()
        if len(name) >= 3 and name in folded:
            return [Refusal("contains_name", N_("Your password must not contain your name."))]
    return []
