from __future__ import annotations

import random

import pytest

from tests.domain.test_tally import random_pb
from ypb.domain.pabulib import Ballot, Instance, Project, parse_pabulib
from ypb.domain.tally import Outcome, mes, mes_completed

COMPLETIONS = ["none", "greedy", "add1", "add1-exhaustive", "add1-greedy"]
# The real files are compared with pabutools (live or recorded) in test_tally_golden.py.


def make(costs: dict[str, int], budget: int, votes: list[list[str]]) -> tuple[Instance, list[Ballot]]:
    projects = {p: Project(p, c) for p, c in costs.items()}
    instance = Instance({}, projects, budget, "approval")
    return instance, [Ballot(str(i), dict.fromkeys(v, 1)) for i, v in enumerate(votes)]


def test_add1_funds_more_than_plain_mes():
    # 3 voters with 10 each. y wins first (ρ = 1/3 per unit of cost against 1/2 for x) and
    # leaves everyone 5, so x's two supporters (10) cannot pay 12. With 11 each they keep 6
    # each after y and can: x and y cost 27 <= 30, and that stays so for every larger share.
    instance, ballots = make({"x": 12, "y": 15}, 30, [["x", "y"], ["x", "y"], ["y"]])
    assert mes_completed(instance, ballots) == mes(instance, ballots) == Outcome(("y",), 15)
    assert mes_completed(instance, ballots, completion="add1") == Outcome(("x", "y"), 27)
    assert mes_completed(instance, ballots, completion="add1-exhaustive") == Outcome(("x", "y"), 27)
    assert mes_completed(instance, ballots, completion="greedy") == Outcome(("x", "y"), 27)


def test_add1_stops_before_the_first_outcome_that_no_longer_fits():
    # Shares of 22: a (cost 30, one supporter) is out of reach; b and c are bought. From a share
    # of 30, a is affordable too and a, b, c cost 50 > 44, so the search stops at a share of 29.
    instance, ballots = make({"a": 30, "b": 10, "c": 10, "d": 5}, 44, [["a"], ["b", "c"]])
    assert mes(instance, ballots) == Outcome(("b", "c"), 20)
    assert mes_completed(instance, ballots, completion="add1") == Outcome(("b", "c"), 20)
    # The greedy fill then has 24 left: a does not fit, d (nobody's choice) does.
    assert mes_completed(instance, ballots, completion="add1-greedy") == Outcome(("b", "c", "d"), 25)


def test_greedy_fill_keeps_mes_picks_and_takes_unsupported_projects():
    instance, ballots = make({"x": 12, "y": 15, "z": 3}, 30, [["x", "y"], ["x", "y"], ["y"]])
    assert mes_completed(instance, ballots, completion="greedy") == Outcome(("x", "y", "z"), 30)


def test_no_ballots_and_unknown_arguments():
    instance, ballots = make({"a": 60}, 100, [])
    for completion in ("none", "add1", "add1-exhaustive"):
        assert mes_completed(instance, ballots, completion=completion) == Outcome((), 0)
    assert mes_completed(instance, ballots, completion="greedy") == Outcome(("a",), 60)
    with pytest.raises(ValueError, match="completion must be one of"):
        mes_completed(instance, ballots, completion="add2")
    with pytest.raises(ValueError, match="sat must be one of"):
        mes_completed(instance, ballots, sat="utility")


# --- comparisons with pabutools --------------------------------------------------------------


def pabutools_completed(pabutools_args, sat: str, completion: str) -> tuple[str, ...]:
    from pabutools.election import Cardinality_Sat, Cost_Sat
    from pabutools.rules import (
        completion_by_rule_combination,
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    instance, profile = pabutools_args
    sat_class = Cost_Sat if sat == "cost" else Cardinality_Sat
    add1 = {
        "rule": method_of_equal_shares,
        "rule_params": {"sat_class": sat_class},
        "exhaustive_stop": False,
        "budget_step": profile.num_ballots(),
    }
    if completion == "none":
        result = method_of_equal_shares(instance, profile, sat_class=sat_class)
    elif completion == "greedy":
        rules = [method_of_equal_shares, greedy_utilitarian_welfare]
        params = [{"sat_class": sat_class}, {"sat_class": Cost_Sat}]
        result = completion_by_rule_combination(instance, profile, rules, params)
    elif completion == "add1":
        result = exhaustion_by_budget_increase(instance, profile, **add1)
    elif completion == "add1-exhaustive":
        result = method_of_equal_shares(instance, profile, sat_class=sat_class, voter_budget_increment=1)
    else:
        rules = [exhaustion_by_budget_increase, greedy_utilitarian_welfare]
        result = completion_by_rule_combination(instance, profile, rules, [add1, {"sat_class": Cost_Sat}])
    return tuple(sorted(p.name for p in result))


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("completion", COMPLETIONS)
@pytest.mark.parametrize("sat", ["cost", "cardinality"])
def test_random_small_instances_match_pabutools(seed, completion, sat):
    pytest.importorskip("pabutools")
    from pabutools.election.pabulib import parse_pabulib_from_string

    text = random_pb(random.Random(seed))
    instance, ballots = parse_pabulib(text)
    outcome = mes_completed(instance, ballots, sat=sat, completion=completion)
    assert outcome.selected == pabutools_completed(parse_pabulib_from_string(text), sat, completion), text
    assert outcome.cost <= instance.budget
