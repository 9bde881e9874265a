"""Table tests for ypb.domain.renewals: who may propose a renewal, where and of what; the
cycle's limit of years; how the money is split over the years. No app."""

from __future__ import annotations

import pytest

from tests.domain.source_checks import (
    assert_filled,
    assert_marked_for_translation,
    imports_outside_stdlib,
    refusal_calls,
)
from ypb.domain import renewals
from ypb.domain.renewals import (
    MAX_YEARS,
    RENEWAL_TITLE,
    Funding,
    equal_split,
    funding_of,
    funding_refusals,
    limit_refusals,
    renewal_refusals,
    renewal_title,
    yearly,
)


def codes(refusals) -> tuple[str, ...]:
    return tuple(r.code for r in refusals)


def fields(refusals) -> tuple[str, ...]:
    return tuple(r.params.get("field", "") for r in refusals)


# --- who, what, where -----------------------------------------------------------------------

WHO_CASES = [
    # (is_author, is_staff, project status, cycle phase, already renewed, expected codes)
    pytest.param(True, False, "delivered", "proposals", False, (), id="the-author"),
    pytest.param(False, True, "delivered", "proposals", False, (), id="staff-on-behalf"),
    pytest.param(True, True, "delivered", "proposals", False, (), id="staff-author"),
    pytest.param(False, False, "delivered", "proposals", False, ("renewals.not_team",), id="someone-else"),
    pytest.param(True, False, "in_progress", "proposals", False, ("renewals.not_delivered",), id="still-running"),
    pytest.param(True, False, "not_started", "proposals", False, ("renewals.not_delivered",), id="not-started"),
    pytest.param(True, False, "cancelled", "proposals", False, ("renewals.not_delivered",), id="cancelled"),
    pytest.param(True, False, "delivered", "feedback", False, ("renewals.phase",), id="feedback-phase"),
    pytest.param(True, False, "delivered", "draft", False, ("renewals.phase",), id="draft-cycle"),
    pytest.param(True, False, "delivered", "voting", False, ("renewals.phase",), id="voting-phase"),
    pytest.param(True, False, "delivered", "proposals", True, ("renewals.already",), id="one-per-cycle"),
    pytest.param(False, False, "cancelled", "closed", True,
                 ("renewals.not_team", "renewals.not_delivered", "renewals.phase", "renewals.already"),
                 id="every-reason"),
]


@pytest.mark.parametrize(("author", "staff", "status", "phase", "already", "expected"), WHO_CASES)
def test_who_may_propose_a_renewal_of_what_and_where(author, staff, status, phase, already, expected):
    found = renewal_refusals(is_author=author, is_staff=staff, project_status=status, cycle_phase=phase,
                             already_renewed=already)
    assert codes(found) == expected
    for refusal in found:
        assert_filled(refusal)


@pytest.mark.parametrize(("title", "expected"), [
    ("Bike repair station", "Bike repair station (renewal)"),
    ("  Seed library ", "Seed library (renewal)"),
])
def test_the_renewal_title_says_it_is_a_renewal(title, expected):
    assert renewal_title(title) == expected


def test_a_long_title_is_shortened_to_fit_and_keeps_the_word_renewal():
    title = renewal_title("x" * 140)
    assert len(title) == 140 and title.endswith("… (renewal)")


def test_the_title_follows_the_translated_pattern_and_survives_a_broken_one():
    assert renewal_title("Cykelstation", "%(title)s (förnyelse)") == "Cykelstation (förnyelse)"
    assert renewal_title("Cykelstation", "förnyelse") == "Cykelstation"


# --- the cycle's limit ------------------------------------------------------------------------

LIMIT_CASES = [
    pytest.param(1, 1, (), id="one-year-at-a-time"),
    pytest.param(MAX_YEARS, 1, (), id="the-most"),
    pytest.param(0, 1, ("renewals.limit_range",), id="zero"),
    pytest.param(MAX_YEARS + 1, 1, ("renewals.limit_range",), id="too-many"),
    pytest.param("3", 1, ("renewals.limit_range",), id="not-a-number"),
    pytest.param(True, 1, ("renewals.limit_range",), id="a-boolean"),
    pytest.param(3, 3, (), id="as-long-as-the-longest-asked"),
    pytest.param(2, 3, ("renewals.limit_below_asked",), id="below-what-a-renewal-asks"),
]


@pytest.mark.parametrize(("value", "longest", "expected"), LIMIT_CASES)
def test_the_cycle_limit(value, longest, expected):
    found = limit_refusals(value, longest)
    assert codes(found) == expected
    assert all(f == "renewal_max_years" for f in fields(found))
    for refusal in found:
        assert_filled(refusal)


# --- the money, year by year --------------------------------------------------------------------

N = None
FUNDING_CASES = [
    # (is_renewal, max_years, years, amounts, cost, expected codes, expected field)
    pytest.param(False, 1, 1, [N], 1000, (), "", id="ordinary-one-year"),
    pytest.param(True, 3, 2, [N, N, N], 1000, (), "", id="equal-shares"),
    pytest.param(True, 3, 2, [600, 400, N], 1000, (), "", id="own-amounts"),
    pytest.param(True, 3, 3, [400, 300, 300], 1000, (), "", id="three-years"),
    pytest.param(True, 3, 2, [600, 400], None, ("renewals.split_without_cost",), "year_1", id="no-cost-yet"),
    pytest.param(True, 3, 2, [N, N], None, (), "", id="no-cost-equal-shares"),
    pytest.param(True, 3, 1, [1000, N, N], 1000, (), "", id="one-year-its-cost"),
    pytest.param(True, 3, 2, [600, 300, N], 1000, ("renewals.split_sum",), "year_1", id="a-cent-short"),
    pytest.param(True, 3, 2, [600, 401, N], 1000, ("renewals.split_sum",), "year_1", id="a-cent-over"),
    pytest.param(True, 3, 2, [600, N, N], 1000, ("renewals.split_incomplete",), "year_2", id="half-filled"),
    pytest.param(True, 3, 2, [600, 400, 5], 1000, ("renewals.later_years",), "year_3", id="a-later-year"),
    pytest.param(True, 3, 2, [1000, 0, N], 1000, ("renewals.amount_zero",), "year_2", id="an-empty-year"),
    pytest.param(True, 3, 2, [1200, -200, N], 1000, ("renewals.amount_invalid",), "year_2", id="negative"),
    pytest.param(False, 3, 2, [N, N], 1000, ("renewals.multi_year_not_renewal",), "funding_years",
                 id="not-a-renewal"),
    pytest.param(True, 1, 2, [N, N], 1000, ("renewals.one_year",), "funding_years", id="cycle-funds-one-year"),
    pytest.param(True, 2, 3, [N, N, N], 1000, ("renewals.too_many_years",), "funding_years", id="over-the-limit"),
    pytest.param(True, 5, 0, [], 1000, ("renewals.years_range",), "funding_years", id="zero-years"),
    pytest.param(True, 5, MAX_YEARS + 1, [], 1000, ("renewals.years_range",), "funding_years", id="too-many"),
    pytest.param(True, 5, "2", [], 1000, ("renewals.years_range",), "funding_years", id="years-as-text"),
]


@pytest.mark.parametrize(("renewal", "max_years", "years", "amounts", "cost", "expected", "field"), FUNDING_CASES)
def test_funding_over_years(renewal, max_years, years, amounts, cost, expected, field):
    found = funding_refusals(is_renewal=renewal, max_years=max_years, years=years, amounts=amounts, cost=cost)
    assert codes(found) == expected
    if expected:
        assert fields(found) == (field,)
    for refusal in found:
        assert_filled(refusal)


@pytest.mark.parametrize(("years", "amounts", "expected"), [
    (1, [1000, N], Funding(1, None)),
    (2, [N, N, N], Funding(2, None)),
    (2, [600, 400, N], Funding(2, (600, 400))),
    (3, [400, 300, 300], Funding(3, (400, 300, 300))),
])
def test_what_is_stored(years, amounts, expected):
    assert funding_of(years, amounts) == expected


@pytest.mark.parametrize(("total", "years", "expected"), [
    (100_001, 2, [50_001, 50_000]),
    (100_000, 3, [33_334, 33_333, 33_333]),
    (2, 3, [2, 0, 0]),
    (0, 2, [0, 0]),
    (5000, 1, [5000]),
])
def test_equal_shares_put_the_leftover_cents_in_year_one(total, years, expected):
    assert equal_split(total, years) == expected
    assert sum(expected) == total


@pytest.mark.parametrize(("total", "years", "split", "expected"), [
    pytest.param(140_000, 2, (80_000, 60_000), [80_000, 60_000], id="as-asked"),
    pytest.param(140_000, 2, None, [70_000, 70_000], id="equal-shares"),
    pytest.param(70_000, 2, (80_000, 60_000), [40_000, 30_000], id="funded-half-scaled"),
    pytest.param(100_001, 3, (1, 1, 1), [33_335, 33_333, 33_333], id="scaled-rest-in-year-one"),
    pytest.param(1000, 2, (500, 500, 0), [500, 500], id="split-of-another-length-ignored"),
    pytest.param(1000, 1, (600, 400), [1000], id="one-year"),
])
def test_the_money_per_year_always_adds_up_to_the_amount_funded(total, years, split, expected):
    found = yearly(total, years, split)
    assert found == expected and sum(found) == total


def test_messages_are_marked_for_translation_and_the_module_is_pure():
    calls = refusal_calls(renewals)
    assert calls
    for call in calls:
        assert_marked_for_translation(call)
    assert all(m.startswith("ypb.domain.") for m in imports_outside_stdlib(renewals))
    assert "%(title)s" in RENEWAL_TITLE
