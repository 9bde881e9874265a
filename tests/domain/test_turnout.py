"""Tests for ypb.domain.turnout: age bands and hiding small counts before publishing."""

from __future__ import annotations

from itertools import pairwise

import pytest

from ypb.domain.turnout import AGE_BANDS, SUPPRESS_BELOW, age_band, suppressed


@pytest.mark.parametrize(("age", "band"), [
    (12, "other"),
    (13, "13-15"),
    (15, "13-15"),
    (16, "16-18"),
    (18, "16-18"),
    (19, "19-22"),
    (22, "19-22"),
    (23, "23-29"),
    (29, "23-29"),
    (30, "other"),
    (0, "other"),
    (95, "other"),
])
def test_ages_fall_into_bands(age, band):
    assert age_band(age) == band


def test_bands_cover_13_to_29_without_gaps_or_overlaps():
    assert AGE_BANDS[0][0] == 13 and AGE_BANDS[-1][1] == 29
    for (_low, high), (next_low, _next_high) in pairwise(AGE_BANDS):
        assert next_low == high + 1
    assert all(low <= high for low, high in AGE_BANDS)


def test_small_counts_are_hidden():
    assert SUPPRESS_BELOW == 5
    assert suppressed({"13-15": 4, "16-18": 5, "19-22": 1, "23-29": 120, "other": 0}) == {
        "13-15": None, "16-18": 5, "19-22": None, "23-29": 120, "other": None}


def test_suppression_keeps_every_band_and_changes_no_large_count():
    counts = {"13-15": 7, "16-18": 3}
    result = suppressed(counts)

    assert list(result) == list(counts)
    assert counts == {"13-15": 7, "16-18": 3}, "the input is left alone"
    assert suppressed({}) == {}
