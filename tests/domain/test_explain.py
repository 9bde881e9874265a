"""Reasons per project: the sentence a visitor reads must match what the rule did."""

from __future__ import annotations

from ypb.domain.explain import REASONS, explain
from ypb.domain.pabulib import Ballot, Instance, Project
from ypb.domain.tally import greedy, mes_completed


def make(costs, budget, votes):
    projects = {p: Project(p, c) for p, c in costs.items()}
    ballots = [Ballot(str(i), dict.fromkeys(v, 1)) for i, v in enumerate(votes)]
    return Instance({}, projects, budget, "approval"), ballots


VOTES = [["a", "b"], ["a"], ["a", "c"], ["b"], ["c"], ["c", "a"]]
COSTS = {"a": 60, "b": 30, "c": 50, "d": 10}


def test_greedy_reasons_follow_the_walk_down_the_ranking():
    instance, ballots = make(COSTS, 100, VOTES)
    result = explain(instance, ballots, "greedy")
    rows = {r.id: r for r in result.rows}
    assert set(result.selected) == set(greedy(instance, ballots).selected) == {"a", "b", "d"}
    assert rows["a"].reason.code == "greedy.funded" and rows["a"].reason.params == {"place": 1, "remaining": 100}
    assert rows["c"].reason.code == "greedy.too_dear" and rows["c"].reason.params == {"cost": 50, "remaining": 40}
    assert rows["b"].reason.params == {"place": 3, "remaining": 40}
    assert rows["d"].votes == 0 and rows["d"].funded  # as pabutools: leftover money funds it
    assert [r.funded for r in result.rows] == [True, True, True, False]  # funded first


def test_threshold_reason_names_the_numbers():
    instance, ballots = make(COSTS, 100, VOTES)
    rows = {r.id: r for r in explain(instance, ballots, "greedy", threshold=3).rows}
    assert rows["b"].reason.code == "greedy.below_threshold"
    assert rows["b"].reason.params == {"supporters": 2, "threshold": 3}


def test_mes_reasons_say_who_paid_and_how_much_was_missing():
    instance, ballots = make(COSTS, 100, VOTES)
    result = explain(instance, ballots, "mes-add1")
    assert set(result.selected) == set(mes_completed(instance, ballots, completion="add1").selected)
    rows = {r.id: r for r in result.rows}
    for row in rows.values():
        if row.funded:
            assert row.reason.code == "mes.funded" and row.reason.params == {"supporters": row.votes}
        elif row.votes:
            assert row.reason.code == "mes.short" and 0 <= row.reason.params["percent"] < 100
        else:
            assert row.reason.code == "no_votes"
    assert result.what_if["rule"] == "greedy"


def test_comparison_reports_both_counts():
    instance, ballots = make({"big": 100, "small": 50}, 100, [["big"]] * 6 + [["small"]] * 5)
    result = explain(instance, ballots, "mes-add1-compare")
    assert result.comparison == {"prefer_mes": 5, "prefer_greedy": 6, "kept": "greedy"}
    assert result.selected == ("big",)
    assert result.selected == mes_completed(instance, ballots, completion="add1", compare_greedy=True).selected


def test_every_reason_has_its_parameters_in_the_sentence():
    instance, ballots = make(COSTS, 100, VOTES)
    for rule in ("greedy", "mes-add1"):
        for row in explain(instance, ballots, rule).rows:
            assert REASONS[row.reason.code] % {k: 0 for k in row.reason.params} is not None
