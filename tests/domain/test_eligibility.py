"""Tests for ypb.domain.eligibility: age from the birth year on the closing date's year,
inclusive bounds, and the residency declaration when a cycle asks for it."""

from __future__ import annotations

from datetime import date

import pytest

from ypb.domain.eligibility import Rules, age_in_year, eligibility_refusals

TEENS_TO_29 = Rules(min_age=13, max_age=29, residency_required=True)
OPEN_TO_ALL = Rules(min_age=13, max_age=29, residency_required=False)


@pytest.mark.parametrize(("birth_year", "on", "age"), [
    (2010, date(2026, 1, 1), 16),
    (2010, date(2026, 12, 31), 16),   # the whole year counts the same: only the year is known
    (2010, date(2027, 1, 1), 17),
    (2000, date(2000, 6, 1), 0),
])
def test_age_is_reached_during_the_closing_year(birth_year, on, age):
    assert age_in_year(birth_year, on) == age


def codes(refusals):
    return [r.code for r in refusals]


@pytest.mark.parametrize(("birth_year", "on", "eligible"), [
    (2013, date(2026, 1, 1), True),     # 13 on New Year's Day: counts as 13 all year
    (2013, date(2026, 12, 31), True),
    (2014, date(2026, 12, 31), False),  # 12: one year too young, even on the last day
    (1997, date(2026, 6, 1), True),     # 29: the upper bound is inclusive
    (1996, date(2026, 1, 1), False),    # 30
    (2005, date(2026, 6, 1), True),
    (2030, date(2026, 6, 1), False),    # not born yet: negative age
])
def test_age_bounds_are_inclusive(birth_year, on, eligible):
    refusals = eligibility_refusals(OPEN_TO_ALL, birth_year=birth_year, resident=False, on=on)
    assert codes(refusals) == ([] if eligible else ["eligibility.age"])


def test_age_refusal_names_the_range():
    (refusal,) = eligibility_refusals(TEENS_TO_29, birth_year=1990, resident=True, on=date(2026, 5, 1))
    assert refusal.params == {"min": 13, "max": 29}
    assert refusal.message % refusal.params == "This budget is for people aged 13 to 29."


def test_the_closing_date_not_today_decides():
    # Born 2013: 12 in 2025 but 13 in 2026, when the cycle closes.
    assert eligibility_refusals(OPEN_TO_ALL, birth_year=2013, resident=False, on=date(2026, 1, 15)) == []
    assert codes(eligibility_refusals(OPEN_TO_ALL, birth_year=2013, resident=False,
                                      on=date(2025, 12, 31))) == ["eligibility.age"]


@pytest.mark.parametrize(("required", "resident", "expected"), [
    (True, True, []),
    (True, False, ["eligibility.residency"]),
    (False, False, []),
    (False, True, []),
])
def test_residency_only_when_required(required, resident, expected):
    rules = Rules(min_age=13, max_age=29, residency_required=required)
    assert codes(eligibility_refusals(rules, birth_year=2008, resident=resident, on=date(2026, 3, 1))) == expected


def test_every_reason_is_given_at_once():
    refusals = eligibility_refusals(TEENS_TO_29, birth_year=1980, resident=False, on=date(2026, 3, 1))
    assert codes(refusals) == ["eligibility.age", "eligibility.residency"]


@pytest.mark.parametrize(("min_age", "max_age", "birth_year", "eligible"), [
    (16, 16, 2010, True),   # a one-year range
    (16, 16, 2011, False),
    (16, 16, 2009, False),
    (0, 120, 1906, True),
])
def test_narrow_and_wide_ranges(min_age, max_age, birth_year, eligible):
    rules = Rules(min_age=min_age, max_age=max_age, residency_required=False)
    refusals = eligibility_refusals(rules, birth_year=birth_year, resident=False, on=date(2026, 7, 1))
    assert (refusals == []) is eligible
