"""Table tests for ypb.domain.ballot: the settings, valid and invalid ballots of each type,
and the running total the voter sees.

No app: one ballot of six projects (COSTS) under a budget of €500.00 (BUDGET).
"""

from __future__ import annotations

import ast

import pytest

from tests.domain.source_checks import (
    assert_filled,
    assert_marked_for_translation,
    declared_codes,
    imports_outside_stdlib,
    refusal_calls,
    tree,
)
from ypb.domain import ballot
from ypb.domain.ballot import (
    BALLOT_TYPE_LABELS,
    MONEY_PARAMS,
    BallotRules,
    BallotType,
    ballot_refusals,
    rules_refusals,
    running_total,
)

BUDGET = 500_00
COSTS = {
    1: 100_00,
    2: 150_00,
    3: 250_00,  # 1 + 2 + 3 is exactly the budget
    4: 0,  # a free project (e.g. volunteers and donated material)
    5: 250_01,  # 1 + 2 + 5 is one cent over the budget
    6: 149_99,  # 1 + 6 is one cent under half the budget
}
UNKNOWN = 99

APPROVAL = BallotType.APPROVAL
KNAPSACK = BallotType.KNAPSACK
CUMULATIVE = BallotType.CUMULATIVE


def rules(kind: BallotType, **settings) -> BallotRules:
    return BallotRules(kind, settings.pop("budget", BUDGET), **settings)


def pick(*ids: int) -> dict[int, int]:
    """An approval or knapsack choice: one point on each project."""
    return dict.fromkeys(ids, 1)


def codes(refusals) -> list[str]:
    return [r.code for r in refusals]


def only(refusals, code):
    (refusal,) = [r for r in refusals if r.code == code]
    return refusal


A_2_3 = rules(APPROVAL, min_choices=2, max_choices=3)
K = rules(KNAPSACK)
K_BLANK = rules(KNAPSACK, min_choices=0)
K_HALF = rules(KNAPSACK, min_share_percent=50)
C_10_4 = rules(CUMULATIVE, points_total=10, max_points_per_project=4)
C_ALL = rules(CUMULATIVE, points_total=10, max_points_per_project=4, use_all_points=True)

# --- the settings -------------------------------------------------------------------------

# fmt: off
RULES_CASES = [
    ("approval defaults", rules(APPROVAL), []),
    ("approval blank allowed, max 1", rules(APPROVAL, min_choices=0, max_choices=1), []),
    ("min equals max", rules(APPROVAL, min_choices=3, max_choices=3), []),
    ("budget one cent", rules(APPROVAL, budget=1), []),
    ("budget zero", rules(APPROVAL, budget=0), ["rules.budget"]),
    ("budget negative", rules(KNAPSACK, budget=-1), ["rules.budget"]),
    ("min negative", rules(APPROVAL, min_choices=-1), ["rules.min_choices"]),
    ("max zero", rules(APPROVAL, min_choices=0, max_choices=0), ["rules.max_choices"]),
    ("min above max", rules(APPROVAL, min_choices=3, max_choices=2), ["rules.min_above_max"]),
    ("every problem at once", rules(APPROVAL, budget=0, min_choices=-1, max_choices=0),
     ["rules.budget", "rules.min_choices", "rules.max_choices"]),
    ("share 0", rules(KNAPSACK, min_share_percent=0), []),
    ("share 100", rules(KNAPSACK, min_share_percent=100), []),
    ("share -1", rules(KNAPSACK, min_share_percent=-1), ["rules.min_share"]),
    ("share 101", rules(KNAPSACK, min_share_percent=101), ["rules.min_share"]),
    ("share ignored on approval", rules(APPROVAL, min_share_percent=101), []),
    ("points ignored on approval", rules(APPROVAL, points_total=0, max_points_per_project=-1), []),
    ("one point, one per project", rules(CUMULATIVE, points_total=1, max_points_per_project=1), []),
    ("M equals N", rules(CUMULATIVE, points_total=10, max_points_per_project=10), []),
    ("M unset means up to N", rules(CUMULATIVE, points_total=10), []),
    ("cumulative without N", rules(CUMULATIVE), ["rules.points_total"]),
    ("N zero", rules(CUMULATIVE, points_total=0, max_points_per_project=1), ["rules.points_total"]),
    ("M zero", rules(CUMULATIVE, points_total=10, max_points_per_project=0),
     ["rules.max_points_too_small"]),
    ("M above N", rules(CUMULATIVE, points_total=10, max_points_per_project=11),
     ["rules.max_points_above_total"]),
    ("no N and M zero", rules(CUMULATIVE, max_points_per_project=0),
     ["rules.points_total", "rules.max_points_too_small"]),
    ("min choices equal N", rules(CUMULATIVE, points_total=3, min_choices=3), []),
    ("min choices above N", rules(CUMULATIVE, points_total=3, min_choices=4), ["rules.min_above_points"]),
    ("use all: reachable exactly", rules(CUMULATIVE, points_total=10, max_points_per_project=5,
                                         max_choices=2, use_all_points=True), []),
    ("use all: one point unreachable", rules(CUMULATIVE, points_total=10, max_points_per_project=3,
                                             min_choices=1, max_choices=3, use_all_points=True),
     ["rules.points_unreachable"]),
    ("use all: no choice limit", rules(CUMULATIVE, points_total=10, max_points_per_project=1,
                                       use_all_points=True), []),
    ("not using all: limit is fine", rules(CUMULATIVE, points_total=10, max_points_per_project=3,
                                           max_choices=3), []),
]
# fmt: on


@pytest.mark.parametrize(
    ("settings", "expected"), [c[1:] for c in RULES_CASES], ids=[c[0] for c in RULES_CASES]
)
def test_rules_refusals(settings, expected):
    assert codes(rules_refusals(settings)) == expected


def test_rules_refusals_carry_what_the_message_needs():
    assert rules_refusals(rules(APPROVAL, min_choices=3, max_choices=2))[0].params == {"min": 3, "max": 2}
    assert rules_refusals(rules(CUMULATIVE, points_total=10, max_points_per_project=11))[0].params == {
        "max_points": 11,
        "points": 10,
    }
    unreachable = rules(CUMULATIVE, points_total=10, max_points_per_project=3, max_choices=3, use_all_points=True)
    assert rules_refusals(unreachable)[0].params == {"points": 10, "max": 3, "max_points": 3}


@pytest.mark.parametrize(
    ("budget", "percent", "expected"),
    [
        (1000, 50, 500),
        (999, 50, 500),  # 499.5 rounds up: half the budget is never missed by a fraction
        (3, 33, 1),  # 0.99 rounds up
        (100, 0, 0),
        (100, 100, 100),
        (BUDGET, 50, 250_00),
    ],
)
def test_minimum_cost_is_the_share_rounded_up(budget, percent, expected):
    assert rules(KNAPSACK, budget=budget, min_share_percent=percent).minimum_cost == expected


def test_minimum_cost_only_applies_to_knapsack():
    assert rules(APPROVAL, min_share_percent=50).minimum_cost == 0


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (rules(CUMULATIVE, points_total=10, max_points_per_project=4), 4),
        (rules(CUMULATIVE, points_total=10), 10),
        (rules(APPROVAL, points_total=10, max_points_per_project=4), None),
    ],
)
def test_points_limit(settings, expected):
    assert settings.points_limit == expected


# --- approval -----------------------------------------------------------------------------

# fmt: off
APPROVAL_CASES = [
    ("nothing chosen, min 2", A_2_3, {}, ["ballot.empty"]),
    ("one below min", A_2_3, pick(1), ["ballot.too_few"]),
    ("exactly min", A_2_3, pick(1, 2), []),
    ("exactly max", A_2_3, pick(1, 2, 3), []),
    ("one above max", A_2_3, pick(1, 2, 3, 4), ["ballot.too_many"]),
    ("max 1, one chosen", rules(APPROVAL, max_choices=1), pick(5), []),
    ("max 1, two chosen", rules(APPROVAL, max_choices=1), pick(1, 2), ["ballot.too_many"]),
    ("no upper limit", rules(APPROVAL), pick(*COSTS), []),
    ("cost does not matter", A_2_3, pick(3, 5), []),
    ("zero-cost project", A_2_3, pick(4, 1), []),
    ("share ignored", rules(APPROVAL, min_share_percent=100), pick(4), []),
    ("blank allowed with min 0", rules(APPROVAL, min_choices=0, max_choices=3), {}, []),
    ("blank refused by default", rules(APPROVAL), {}, ["ballot.empty"]),
    ("unknown id", A_2_3, pick(1, 2, UNKNOWN), ["ballot.unknown_project"]),
    ("unknown id counts for nothing", A_2_3, pick(1, UNKNOWN), ["ballot.unknown_project", "ballot.too_few"]),
    ("only unknown ids", A_2_3, pick(98, UNKNOWN), ["ballot.unknown_project", "ballot.empty"]),
    ("chosen twice (2 points)", A_2_3, {1: 2, 2: 1}, ["ballot.points_not_one"]),
    ("zero points is not a pick", A_2_3, {1: 0, 2: 1, 3: 1}, ["ballot.points_not_one"]),
    ("negative points", A_2_3, {1: -1, 2: 1}, ["ballot.points_not_one", "ballot.too_few"]),
]

# --- knapsack -----------------------------------------------------------------------------

KNAPSACK_CASES = [
    ("exactly the budget", K, pick(1, 2, 3), []),
    ("one cent over", K, pick(1, 2, 5), ["ballot.over_budget"]),
    ("one project over on its own", rules(KNAPSACK, budget=250_00), pick(5), ["ballot.over_budget"]),
    ("zero-cost project at the limit", K, pick(1, 2, 3, 4), []),
    ("only a zero-cost project", K, pick(4), []),
    ("nothing chosen", K, {}, ["ballot.empty"]),
    ("blank with min 0", K_BLANK, {}, []),
    ("blank with min 0 ignores the share", rules(KNAPSACK, min_choices=0, min_share_percent=50), {}, []),
    ("min share exactly met", K_HALF, pick(3), []),
    ("min share met by two", K_HALF, pick(1, 2), []),
    ("min share one cent short", K_HALF, pick(1, 6), ["ballot.under_share"]),
    ("zero-cost adds nothing to the share", K_HALF, pick(4), ["ballot.under_share"]),
    ("min 0 does not excuse a partial choice", rules(KNAPSACK, min_choices=0, min_share_percent=50),
     pick(1), ["ballot.under_share"]),
    ("share 100, budget filled", rules(KNAPSACK, min_share_percent=100), pick(1, 2, 3), []),
    ("share 100, not filled", rules(KNAPSACK, min_share_percent=100), pick(1, 6, 3),
     ["ballot.under_share"]),
    ("share 100, over", rules(KNAPSACK, min_share_percent=100), pick(1, 2, 5), ["ballot.over_budget"]),
    ("chosen twice (2 points)", K, {1: 2}, ["ballot.points_not_one"]),
    ("unknown id", K, pick(1, UNKNOWN), ["ballot.unknown_project"]),
    ("unknown id costs nothing", rules(KNAPSACK, budget=100_00), pick(1, UNKNOWN), ["ballot.unknown_project"]),
    ("only an unknown id", K, pick(UNKNOWN), ["ballot.unknown_project", "ballot.empty"]),
    ("min choices apply", rules(KNAPSACK, min_choices=2), pick(3), ["ballot.too_few"]),
    ("max choices apply", rules(KNAPSACK, max_choices=2), pick(1, 2, 4), ["ballot.too_many"]),
    ("too many and over budget", rules(KNAPSACK, max_choices=2), pick(1, 3, 5),
     ["ballot.too_many", "ballot.over_budget"]),
]

# --- cumulative ---------------------------------------------------------------------------

CUMULATIVE_CASES = [
    ("all points, each at most M", C_10_4, {1: 4, 2: 4, 3: 2}, []),
    ("some points are enough", C_10_4, {1: 1}, []),
    ("one point over the total", C_10_4, {1: 4, 2: 4, 3: 3}, ["ballot.too_many_points"]),
    ("exactly M on one project", C_10_4, {1: 4}, []),
    ("one over M on one project", C_10_4, {1: 5}, ["ballot.project_points"]),
    ("over the total and over M", C_10_4, {1: 5, 2: 4, 3: 4}, ["ballot.too_many_points", "ballot.project_points"]),
    ("M unset: all on one project", rules(CUMULATIVE, points_total=10), {1: 10}, []),
    ("M unset: one over", rules(CUMULATIVE, points_total=10), {1: 11},
     ["ballot.too_many_points", "ballot.project_points"]),
    ("zero points", C_10_4, {1: 0, 2: 3}, ["ballot.points_not_positive"]),
    ("negative points", C_10_4, {1: -3, 2: 4}, ["ballot.points_not_positive"]),
    ("negative points do not make room", C_10_4, {1: -3, 2: 4, 3: 4, 5: 4},
     ["ballot.points_not_positive", "ballot.too_many_points"]),
    ("zero points is not a pick", rules(CUMULATIVE, points_total=10, min_choices=2), {1: 3, 2: 0},
     ["ballot.points_not_positive", "ballot.too_few"]),
    ("nothing chosen", C_10_4, {}, ["ballot.empty"]),
    ("blank with min 0 and use all", rules(CUMULATIVE, points_total=10, min_choices=0, use_all_points=True),
     {}, []),
    ("use all: exactly all", C_ALL, {1: 4, 2: 4, 3: 2}, []),
    ("use all: one short", C_ALL, {1: 4, 2: 4, 3: 1}, ["ballot.points_left"]),
    ("use all: one over", C_ALL, {1: 4, 2: 4, 3: 3}, ["ballot.too_many_points"]),
    ("cost does not matter", C_10_4, {1: 1, 2: 1, 3: 1, 5: 1}, []),
    ("unknown id", C_10_4, {1: 2, UNKNOWN: 2}, ["ballot.unknown_project"]),
    ("unknown id's points do not count", C_ALL, {1: 4, 2: 4, UNKNOWN: 2},
     ["ballot.unknown_project", "ballot.points_left"]),
    ("max choices apply", rules(CUMULATIVE, points_total=10, max_choices=2), {1: 1, 2: 1, 3: 1},
     ["ballot.too_many"]),
]
# fmt: on

BALLOT_CASES = APPROVAL_CASES + KNAPSACK_CASES + CUMULATIVE_CASES


def _params(cases):
    return pytest.mark.parametrize(
        ("settings", "choices", "expected"),
        [c[1:] for c in cases],
        ids=[f"{c[1].ballot_type}: {c[0]}" for c in cases],
    )


@_params(BALLOT_CASES)
def test_ballot_refusals(settings, choices, expected):
    assert codes(ballot_refusals(settings, choices, COSTS)) == expected


@_params(BALLOT_CASES)
def test_the_running_total_gives_the_same_verdict(settings, choices, expected):
    tally = running_total(settings, choices, COSTS)
    assert codes(tally.refusals) == expected
    assert tally.fits is (expected == [])


@_params(BALLOT_CASES)
def test_order_of_choices_and_costs_does_not_matter(settings, choices, expected):
    reverse_choices = dict(reversed(list(choices.items())))
    reverse_costs = dict(reversed(list(COSTS.items())))
    assert running_total(settings, reverse_choices, reverse_costs) == running_total(settings, choices, COSTS)


def test_the_case_tables_cover_every_type():
    kinds = {kind: [c[1].ballot_type for c in cases] for kind, cases in
             [(APPROVAL, APPROVAL_CASES), (KNAPSACK, KNAPSACK_CASES), (CUMULATIVE, CUMULATIVE_CASES)]}
    assert all(set(found) == {kind} for kind, found in kinds.items())


# --- what each refusal tells the voter -----------------------------------------------------


def test_over_budget_says_by_how_much():
    refusal = only(ballot_refusals(K, pick(1, 2, 5), COSTS), "ballot.over_budget")
    assert refusal.params == {"over": 1, "used": 500_01, "budget": BUDGET}


def test_under_share_says_the_minimum():
    refusal = only(ballot_refusals(K_HALF, pick(1, 6), COSTS), "ballot.under_share")
    assert refusal.params == {"minimum": 250_00, "used": 249_99, "percent": 50}


@pytest.mark.parametrize(("cost", "expected"), [(499, ["ballot.under_share"]), (500, []), (999, [])])
def test_min_share_of_an_odd_budget_rounds_up(cost, expected):
    half = rules(KNAPSACK, budget=999, min_share_percent=50)
    assert codes(ballot_refusals(half, pick(1), {1: cost})) == expected


def test_count_refusals_carry_the_counts():
    assert only(ballot_refusals(A_2_3, {}, COSTS), "ballot.empty").params == {"min": 2, "chosen": 0}
    assert only(ballot_refusals(A_2_3, pick(1), COSTS), "ballot.too_few").params == {"min": 2, "chosen": 1}
    too_many = only(ballot_refusals(A_2_3, pick(1, 2, 3, 4, 5), COSTS), "ballot.too_many")
    assert too_many.params == {"max": 3, "chosen": 5}


def test_project_refusals_list_the_projects_in_order():
    unknown = only(ballot_refusals(A_2_3, pick(1, UNKNOWN, 2, 98), COSTS), "ballot.unknown_project")
    assert unknown.params == {"projects": (98, UNKNOWN)}
    twice = only(ballot_refusals(A_2_3, {3: 2, 1: 1, 2: 0}, COSTS), "ballot.points_not_one")
    assert twice.params == {"projects": (2, 3)}
    zero = only(ballot_refusals(C_10_4, {3: 0, 1: -1, 2: 1}, COSTS), "ballot.points_not_positive")
    assert zero.params == {"projects": (1, 3)}
    over_m = only(ballot_refusals(C_10_4, {3: 5, 1: 1, 2: 6}, COSTS), "ballot.project_points")
    assert over_m.params == {"max_points": 4, "projects": (2, 3)}


def test_points_refusals_carry_the_points():
    over = only(ballot_refusals(C_10_4, {1: 4, 2: 4, 3: 4}, COSTS), "ballot.too_many_points")
    assert over.params == {"used_points": 12, "points": 10, "over_points": 2}
    short = only(ballot_refusals(C_ALL, {1: 4, 2: 3}, COSTS), "ballot.points_left")
    assert short.params == {"left_points": 3, "used_points": 7, "points": 10}


def test_money_params_are_named_apart_from_counts():
    # The web layer formats exactly MONEY_PARAMS as money; a point count must never be one.
    money = [only(ballot_refusals(K, pick(1, 2, 5), COSTS), "ballot.over_budget"),
             only(ballot_refusals(K_HALF, pick(1), COSTS), "ballot.under_share")]
    assert {"over", "used", "budget", "minimum"} <= set().union(*(r.params for r in money)) <= MONEY_PARAMS | {
        "percent"
    }
    for refusal in ALL_REFUSALS:
        if refusal.code not in {"ballot.over_budget", "ballot.under_share", "rules.budget"}:
            assert not set(refusal.params) & MONEY_PARAMS, refusal


# --- the running total --------------------------------------------------------------------

# fmt: off
TALLY_CASES = [
    # name, rules, choices, (picks, cost_used, budget_left, points_used, points_left, fits, blank)
    ("approval", A_2_3, pick(1, 2), (2, 250_00, None, None, None, True, False)),
    ("approval too few", A_2_3, pick(3), (1, 250_00, None, None, None, False, False)),
    ("knapsack exactly the budget", K, pick(1, 2, 3, 4), (4, 500_00, 0, None, None, True, False)),
    ("knapsack one cent over", K, pick(1, 2, 5), (3, 500_01, -1, None, None, False, False)),
    ("knapsack with money left", K, pick(2), (1, 150_00, 350_00, None, None, True, False)),
    ("knapsack fresh ballot", K, {}, (0, 0, BUDGET, None, None, False, False)),
    ("knapsack blank vote", K_BLANK, {}, (0, 0, BUDGET, None, None, True, True)),
    ("knapsack unknown id left out", K, pick(1, UNKNOWN), (1, 100_00, 400_00, None, None, False, False)),
    ("cumulative some points", C_10_4, {1: 4, 2: 3}, (2, 250_00, None, 7, 3, True, False)),
    ("cumulative all points", C_ALL, {1: 4, 2: 4, 3: 2}, (3, 500_00, None, 10, 0, True, False)),
    ("cumulative too many points", C_10_4, {1: 4, 2: 4, 3: 4}, (3, 500_00, None, 12, -2, False, False)),
    ("cumulative bad entries left out", C_10_4, {1: 2, 2: 0, 3: -1, UNKNOWN: 5},
     (1, 100_00, None, 2, 8, False, False)),
    ("cumulative blank vote", rules(CUMULATIVE, points_total=10, min_choices=0), {},
     (0, 0, None, 0, 10, True, True)),
]
# fmt: on


@pytest.mark.parametrize(
    ("settings", "choices", "expected"), [c[1:] for c in TALLY_CASES], ids=[c[0] for c in TALLY_CASES]
)
def test_running_total_figures(settings, choices, expected):
    t = running_total(settings, choices, COSTS)
    assert (t.picks, t.cost_used, t.budget_left, t.points_used, t.points_left, t.fits, t.blank) == expected


def test_running_total_is_frozen():
    tally = running_total(K, pick(1), COSTS)
    with pytest.raises(AttributeError):
        tally.picks = 5  # type: ignore[misc]
    assert isinstance(tally.refusals, tuple)


# --- inputs are checked, not trusted ------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        rules(APPROVAL, budget=0),
        rules(APPROVAL, min_choices=3, max_choices=2),
        rules(KNAPSACK, min_share_percent=101),
        rules(CUMULATIVE),
        rules(CUMULATIVE, points_total=3, min_choices=4),
    ],
    ids=lambda r: codes(rules_refusals(r))[0],
)
def test_a_ballot_is_never_checked_against_refused_rules(settings):
    with pytest.raises(ValueError, match="ballot rules are not valid"):
        ballot_refusals(settings, pick(1), COSTS)
    with pytest.raises(ValueError, match="ballot rules are not valid"):
        running_total(settings, pick(1), COSTS)


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: BallotRules("plurality", BUDGET), ValueError),
        (lambda: BallotRules(APPROVAL, 1.5), TypeError),
        (lambda: BallotRules(APPROVAL, BUDGET, min_choices=True), TypeError),
        (lambda: BallotRules(APPROVAL, BUDGET, max_choices="3"), TypeError),
        (lambda: BallotRules(KNAPSACK, BUDGET, min_share_percent=50.0), TypeError),
        (lambda: BallotRules(CUMULATIVE, BUDGET, points_total="10"), TypeError),
        (lambda: BallotRules(CUMULATIVE, BUDGET, points_total=10, max_points_per_project=2.5), TypeError),
        (lambda: BallotRules(CUMULATIVE, BUDGET, points_total=10, use_all_points=1), TypeError),
        (lambda: ballot_refusals(K, {"1": 1}, COSTS), TypeError),
        (lambda: ballot_refusals(K, {1: 1.0}, COSTS), TypeError),
        (lambda: ballot_refusals(K, {1: True}, COSTS), TypeError),
        (lambda: ballot_refusals(K, pick(1), {1: 100.0}), TypeError),
        (lambda: ballot_refusals(K, pick(1), {"1": 100}), TypeError),
        (lambda: ballot_refusals(K, pick(1), {1: 100, 2: -1}), ValueError),
        (lambda: running_total(K, pick(1), {1: -100}), ValueError),
    ],
)
def test_bad_inputs_raise(build, error):
    with pytest.raises(error):
        build()


def test_stored_string_type_is_accepted():
    loaded = BallotRules("knapsack", BUDGET, min_choices=0)
    assert loaded.ballot_type is BallotType.KNAPSACK
    assert running_total(loaded, {}, COSTS).blank


def test_ballot_type_values_are_the_stored_strings():
    assert [t.value for t in BallotType] == ["approval", "knapsack", "cumulative"]


def test_every_ballot_type_has_a_label():
    assert set(BALLOT_TYPE_LABELS) == set(BallotType)
    assert all(BALLOT_TYPE_LABELS.values())


# --- messages -----------------------------------------------------------------------------


def _all_refusals():
    """Every refusal the tables above produce, to check each message can be filled in."""
    for _, settings, _ in RULES_CASES:
        yield from rules_refusals(settings)
    for _, settings, choices, _ in BALLOT_CASES:
        yield from ballot_refusals(settings, choices, COSTS)


ALL_REFUSALS = list(_all_refusals())
CODE_PATTERN = r'"((?:ballot|rules)\.[a-z_]+)"'


def test_every_refusal_code_is_exercised():
    declared = declared_codes(ballot, CODE_PATTERN)
    assert len(declared) >= 20
    assert declared == {r.code for r in ALL_REFUSALS}


@pytest.mark.parametrize("refusal", ALL_REFUSALS, ids=lambda r: r.code)
def test_message_placeholders_are_filled_by_params(refusal):
    assert_filled(refusal)


def test_every_refusal_message_is_marked_for_translation():
    calls = refusal_calls(ballot)
    assert len(calls) >= 20
    for call in calls:
        assert_marked_for_translation(call)


def test_every_label_is_marked_for_translation():
    labels = next(
        node.value
        for node in ast.walk(tree(ballot))
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "BALLOT_TYPE_LABELS"
    )
    values = labels.args[0].values
    assert len(values) == len(BallotType)
    assert all(isinstance(v, ast.Call) and v.func.id == "N_" for v in values)


def test_module_is_pure():
    outside = imports_outside_stdlib(ballot)
    assert outside and all(m.startswith("ypb.domain.") for m in outside), outside
