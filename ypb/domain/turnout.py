"""Turnout figures that can be published without singling anyone out."""

from __future__ import annotations

from collections.abc import Mapping

# Bands wide enough that a cell rarely holds one person; published cells under
# SUPPRESS_BELOW are shown as "fewer than 5".
AGE_BANDS = ((13, 15), (16, 18), (19, 22), (23, 29))
SUPPRESS_BELOW = 5


def age_band(age: int) -> str:
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}"
    return "other"


def suppressed(counts: Mapping[str, int]) -> dict[str, int | None]:
    """Each count, or None where it is small enough to point at a few people."""
    return {band: (n if n >= SUPPRESS_BELOW else None) for band, n in counts.items()}
