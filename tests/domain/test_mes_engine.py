"""The fast MES engine: close calls are settled exactly, points and comparison with greedy."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from ypb.domain import mes_engine
from ypb.domain.pabulib import Ballot, Instance, Project
from ypb.domain.tally import greedy, mes_completed, tally_run


def make(costs: dict[str, int], budget: int, votes: list[dict[str, int]], vote_type="approval"):
    projects = {p: Project(p, c) for p, c in costs.items()}
    return Instance({}, projects, budget, vote_type), [Ballot(str(i), dict(v)) for i, v in enumerate(votes)]


def test_a_difference_floats_cannot_see_is_decided_exactly():
    # ρ of "a" and "b" differ by one part in 10**13: below the float screen's margin.
    big = 10**13
    instance, ballots = make({"a": big + 1, "b": big}, big + 1, [{"a": 1, "b": 1}] * 3)
    profile = mes_engine.profile_of(instance, ballots, "cardinality")
    result = mes_engine.run(profile, Fraction(instance.budget, 3))
    assert [profile.ids[p] for p in result.order] == ["b"]
    assert result.exact_calls >= 1


def test_an_exact_tie_goes_to_the_smaller_id_as_a_string():
    instance, ballots = make({"9": 50, "10": 50}, 50, [{"9": 1, "10": 1}] * 4)
    tally = tally_run(instance, ballots, "cost")
    assert tally.outcome.selected == ("10",)
    assert tally.run.exact_calls >= 1


def test_close_calls_between_plain_prices_need_no_replay():
    # Everyone can pay both with money to spare, so each ρ is exactly cost / supporters: the
    # difference of one part in 10**13 and the exact tie are settled from those fractions.
    big = 10**13
    instance, ballots = make({"a": big + 1, "b": big, "9": big, "10": big}, 20 * big, [{"a": 1, "b": 1}] * 3
                             + [{"9": 1, "10": 1}] * 3)
    profile = mes_engine.profile_of(instance, ballots, "cardinality")
    result = mes_engine.run(profile, Fraction(instance.budget, 6))
    assert [profile.ids[p] for p in result.order] == ["10", "9", "b", "a"]
    assert result.exact_calls == 0


def test_supporters_who_cannot_quite_pay_are_found_exactly():
    # Two voters hold exactly 50 each; "a" costs 100: affordable only to the last cent.
    instance, ballots = make({"a": 100, "b": 101}, 100, [{"a": 1, "b": 1}, {"a": 1, "b": 1}])
    assert mes_completed(instance, ballots).selected == ("a",)


def test_points_satisfaction_weights_by_points_and_cardinality_counts_projects():
    # Voter 0 gives all 10 points to "a"; voters 1 and 2 give 1 point each to "b" and 9 to "c".
    votes = [{"a": 10}, {"b": 1, "c": 9}, {"b": 1, "c": 9}]
    instance, ballots = make({"a": 30, "b": 20, "c": 40}, 60, votes, "cumulative")
    assert mes_completed(instance, ballots, "points").selected == ("c",)
    # Counting projects, "b" is as good as "c" for voters 1 and 2 and cheaper.
    assert mes_completed(instance, ballots, "cardinality").selected == ("b",)


def test_comparison_keeps_mes_unless_more_voters_prefer_greedy():
    # Greedy funds the big project 6 voters like; MES splits the money between two groups.
    votes = [{"big": 1}] * 6 + [{"small": 1}] * 5
    instance, ballots = make({"big": 100, "small": 50}, 100, votes)
    assert greedy(instance, ballots).selected == ("big",)
    plain = tally_run(instance, ballots, "cost", "add1")
    assert plain.outcome.selected == ("small",)
    compared = tally_run(instance, ballots, "cost", "add1", compare_greedy=True)
    assert compared.outcome.selected == ("big",) and compared.replaced_by_greedy
    # With 7 voters for "small", more voters prefer the MES outcome: it stays.
    instance, ballots = make({"big": 100, "small": 50}, 100, [{"big": 1}] * 6 + [{"small": 1}] * 7)
    kept = tally_run(instance, ballots, "cost", "add1", compare_greedy=True)
    assert kept.outcome.selected == ("small",) and not kept.replaced_by_greedy


def test_identical_votes_are_grouped_into_one_type():
    shared = {"a": 1}
    instance, _ = make({"a": 10}, 10, [])
    ballots = [Ballot(str(i), shared) for i in range(1000)] + [Ballot("x", {"a": 1})]
    profile = mes_engine.profile_of(instance, ballots)
    assert profile.voters == 1001 and profile.type_count == 2
    assert mes_completed(instance, ballots).selected == ("a",)


def _add1_step_by_step(instance, ballots):
    """add1 as defined: every step run, no skipping (the reference for the horizon skips)."""
    profile = mes_engine.profile_of(instance, ballots, "cost")
    share = Fraction(instance.budget, len(ballots))
    kept: tuple[str, ...] = ()
    for step in range(instance.budget + 1):
        order = mes_engine.run(profile, share + step).order
        if sum(profile.costs[p] for p in order) > instance.budget:
            break
        kept = tuple(sorted(profile.ids[p] for p in order))
        if len(order) == sum(1 for t in profile.total_utility if t):
            break
    return kept


@pytest.mark.parametrize("seed", range(60))
def test_skipping_steps_inside_a_runs_horizon_changes_nothing(seed):
    rng = random.Random(seed)
    costs = {str(i): rng.choice([0, 1, 2, 5]) * 100 + rng.randint(1, 400) for i in range(rng.randint(2, 8))}
    votes = [{p: 1 for p in rng.sample(sorted(costs), rng.randint(1, len(costs)))} for _ in range(rng.randint(1, 25))]
    instance, ballots = make(costs, rng.randint(100, 1500), votes)
    tally = tally_run(instance, ballots, "cost", "add1")
    assert tally.outcome.selected == _add1_step_by_step(instance, ballots)


def test_a_run_stopped_at_its_fit_verdict_agrees_with_the_whole_run():
    stopped_early = 0
    for seed in range(40):
        rng = random.Random(seed)
        costs = {str(i): rng.randint(1, 600) for i in range(rng.randint(3, 10))}
        votes = [{p: 1 for p in rng.sample(sorted(costs), rng.randint(1, len(costs)))}
                 for _ in range(rng.randint(2, 30))]
        budget = rng.randint(200, 1500)
        instance, ballots = make(costs, budget, votes)
        profile = mes_engine.profile_of(instance, ballots, "cost")
        for step in range(0, 400, 7):
            share = Fraction(budget, len(ballots)) + step
            whole = mes_engine.run(profile, share)
            quick = mes_engine.run(profile, share, fit_budget=budget)
            assert whole.complete
            assert quick.order == whole.order[:len(quick.order)], seed
            fits = sum(profile.costs[p] for p in whole.order) <= budget
            assert (sum(profile.costs[p] for p in quick.order) <= budget) == fits, seed
            stopped_early += not quick.complete
    assert stopped_early > 1000  # of 2,320 runs: the verdict does cut runs short


@pytest.mark.parametrize("sat", ["cost", "points"])
def test_astronomical_amounts_give_the_same_outcome_as_small_ones(sat):
    # Scaling every cost and the budget changes nothing under MES; at this scale the satisfaction
    # totals no longer fit in 64 bits, so exact Python integers must take over.
    rng = random.Random(5)
    costs = {str(i): rng.randint(1, 9) for i in range(6)}
    votes = [{p: rng.randint(1, 3) for p in rng.sample(sorted(costs), 3)} for _ in range(60)]
    small, ballots = make(costs, 20, votes, "cumulative")
    scale = 10**17
    huge, _ = make({p: c * scale for p, c in costs.items()}, 20 * scale, votes, "cumulative")
    expected = mes_completed(small, ballots, sat, "greedy").selected
    assert mes_completed(huge, ballots, sat, "greedy").selected == expected
    assert mes_engine.profile_of(huge, ballots, sat).exact_utilities[0].dtype == object
