"""Money as integer minor units (cents): parsing what people type, never a float."""

from __future__ import annotations

import re
from decimal import Decimal

MAX_AMOUNT = 10**13  # minor units; far above any municipal budget, far below 64-bit limits

_SEPARATORS = re.compile(r"[\s\u00a0\u202f'_]")
# Digits only, with at most one decimal separator: 1500, 1500.5, 1500,50.
_PLAIN = re.compile(r"(\d+)(?:[.,](\d+))?")
# Thousands grouped with dots or commas (1.500.000, 1,500,000), optionally followed by
# decimals after the OTHER mark (1.500,50 as in Portugal or Greece, 1,500.50 as in English).
_GROUPED = re.compile(r"(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})*)(?:(?!\2)[.,](\d+))?")
# Integer arithmetic only: a longer whole part is over MAX_AMOUNT anyway, and refusing it
# before int() keeps a pasted wall of digits from costing time or raising.
_MAX_WHOLE_DIGITS = len(str(MAX_AMOUNT))


def parse_amount(text: str, minor_digits: int = 2) -> int | None:
    """'1 500,50' or '1500.50' or '1500' → 150050; None when it is not an amount.

    A single comma or dot followed by at most `minor_digits` digits is the decimal
    separator (Europe writes commas); spaces, apostrophes and underscores group thousands,
    and so do dots or commas in groups of three (1.500.000, 1,500,000, 1.500,50). Signs,
    letters and currency symbols are not amounts.
    """
    cleaned = _SEPARATORS.sub("", text.strip())
    if not cleaned:
        return None
    match = _PLAIN.fullmatch(cleaned)
    if match and len(match.group(2) or "") <= minor_digits:
        whole, fraction = match.group(1), match.group(2) or ""
    elif match := _GROUPED.fullmatch(cleaned):
        whole, fraction = re.sub(r"[.,]", "", match.group(1)), match.group(3) or ""
        if len(fraction) > minor_digits:
            return None
    else:
        return None
    whole = whole.lstrip("0") or "0"
    if len(whole) > _MAX_WHOLE_DIGITS:
        return None
    amount = int(whole) * 10**minor_digits + (int(fraction.ljust(minor_digits, "0")) if fraction else 0)
    return amount if amount <= MAX_AMOUNT else None


def split_amount(minor: int, minor_digits: int = 2) -> Decimal:
    """Minor units back to a Decimal of major units, for display with Babel."""
    return Decimal(minor) / (10**minor_digits)


def too_large(text: str) -> bool:
    """True when `text` is written like an amount but is beyond what we store, so the
    message can say "too large" rather than "not an amount"."""
    cleaned = _SEPARATORS.sub("", text.strip())
    return bool(re.fullmatch(r"[\d.,]+", cleaned)) and parse_amount(text) is None \
        and len(re.sub(r"\D", "", cleaned)) > _MAX_WHOLE_DIGITS - 2
