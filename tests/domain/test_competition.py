"""Competition ranking: jury mean and public vote combined with a fixed weight, then funded down
the ranking within the budget; and the rules for the jury's criteria and scores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from ypb.domain.competition import (
    MAX_CRITERIA,
    REASONS,
    Jury,
    Score,
    criterion_refusals,
    hundredths,
    rank,
    score_refusals,
    scoring_refusals,
)
from ypb.domain.cycle import Phase
from ypb.domain.explain import RULE_DESCRIPTIONS, RULE_NAMES, RULES, explain
from ypb.domain.pabulib import Ballot, Instance, Project

NOW = datetime(2030, 5, 1, 12, 0, tzinfo=UTC)


def scores(table: dict[str, list[list[int]]]) -> tuple[Score, ...]:
    """{project: one list of criterion scores per juror} → Score rows."""
    found = []
    for project, by_juror in table.items():
        for juror, values in enumerate(by_juror):
            found += [Score(juror, criterion, project, v) for criterion, v in enumerate(values)]
    return tuple(found)


def rows_by_id(ranking):
    return {r.id: r for r in ranking.rows}


def test_combined_score_mixes_jury_mean_and_votes_with_the_weight():
    # a: jury 4 (of 5), 100 votes (the most); b: jury 5, 50 votes.
    ranking = rank({"a": 10, "b": 10}, {"a": 100, "b": 50},
                   Jury(40, scores({"a": [[4, 4]], "b": [[5, 5]]})), budget=100)
    rows = rows_by_id(ranking)
    # a: 40% × 4/5 + 60% × 1 = 0.92; b: 40% × 1 + 60% × 1/2 = 0.70 (out of 100 points).
    assert rows["a"].score == 92 and rows["b"].score == 70
    assert rows["a"].jury_mean == 4 and rows["b"].jury_mean == 5
    assert [r.id for r in ranking.rows] == ["a", "b"]
    assert ranking.selected == ("a", "b") and ranking.spent == 20


def test_jury_mean_is_over_every_criterion_and_juror_who_scored_exactly():
    # Two jurors, three criteria: (5 + 4 + 4) + (3 + 4 + 5) = 25 over 6 scores.
    ranking = rank({"a": 1}, {"a": 3}, Jury(50, scores({"a": [[5, 4, 4], [3, 4, 5]]})), budget=1)
    [row] = ranking.rows
    assert row.jury_mean == Fraction(25, 6) and row.jurors == 2
    assert row.params["jury_hundredths"] == 417  # 4.1666… shown as 4.17
    assert row.score == 50 * Fraction(25, 6) / 5 + 50  # exact, no float


def test_a_project_nobody_scored_gets_no_jury_points_and_says_so():
    ranking = rank({"scored": 10, "unscored": 10}, {"scored": 5, "unscored": 5},
                   Jury(50, scores({"scored": [[1]]})), budget=15)
    rows = rows_by_id(ranking)
    assert rows["unscored"].jury_mean is None and rows["unscored"].jurors == 0
    assert rows["unscored"].score == 50  # only the votes count
    assert rows["scored"].score == 60  # 50% × 1/5 + 50%
    assert rows["scored"].reason == "competition.funded"
    assert rows["unscored"].reason == "competition.too_dear_unscored"
    assert "jury_hundredths" not in rows["unscored"].params
    assert "no juror scored it" in REASONS[rows["unscored"].reason]


def test_nobody_voted_then_only_the_jury_counts():
    ranking = rank({"a": 1, "b": 1}, {}, Jury(30, scores({"a": [[2]], "b": [[3]]})), budget=5)
    rows = rows_by_id(ranking)
    assert rows["a"].votes == 0 and rows["a"].score == 30 * Fraction(2, 5)
    assert rows["b"].score == 30 * Fraction(3, 5)
    assert [r.id for r in ranking.rows] == ["b", "a"]


def test_weight_100_ranks_by_the_jury_alone_and_votes_break_ties():
    ranking = rank({"a": 1, "b": 1, "c": 1}, {"a": 900, "b": 1, "c": 2},
                   Jury(100, scores({"a": [[3]], "b": [[5]], "c": [[5]]})), budget=10)
    assert [r.id for r in ranking.rows] == ["c", "b", "a"]  # b and c tie at 100: c has more votes
    assert rows_by_id(ranking)["a"].score == 60


def test_weight_0_ranks_by_votes_alone_and_the_jury_changes_nothing():
    ranking = rank({"a": 1, "b": 1}, {"a": 10, "b": 20}, Jury(0, scores({"a": [[5]], "b": [[1]]})), budget=10)
    assert [r.id for r in ranking.rows] == ["b", "a"]
    assert rows_by_id(ranking)["b"].score == 100 and rows_by_id(ranking)["a"].score == 50


def test_full_ties_go_to_the_id_compared_as_a_string():
    # Same jury mean, same votes: "10" comes before "9", as in the greedy rule.
    ranking = rank({"9": 1, "10": 1}, {"9": 4, "10": 4}, Jury(50, scores({"9": [[3]], "10": [[3]]})), budget=1)
    assert [r.id for r in ranking.rows] == ["10", "9"]
    assert ranking.selected == ("10",)
    assert rows_by_id(ranking)["9"].reason == "competition.too_dear"


def test_a_project_dearer_than_what_is_left_is_skipped_and_the_walk_goes_on():
    ranking = rank({"top": 60, "big": 50, "small": 30}, {"top": 30, "big": 20, "small": 10},
                   Jury(0), budget=100)
    rows = rows_by_id(ranking)
    assert ranking.selected == ("top", "small") and ranking.spent == 90
    assert rows["top"].params == {"place": 1, "votes": 30, "remaining": 100}
    assert rows["big"].funded is False and rows["big"].reason == "competition.too_dear_unscored"
    assert rows["big"].params == {"place": 2, "votes": 20, "remaining": 40, "cost": 50}
    assert rows["small"].params["remaining"] == 40 and rows["small"].funded


def test_a_project_dearer_than_the_whole_budget_is_never_funded():
    ranking = rank({"huge": 1_000, "a": 10}, {"huge": 50, "a": 1}, Jury(50, scores({"huge": [[5]]})), budget=999)
    rows = rows_by_id(ranking)
    assert rows["huge"].rank == 1 and not rows["huge"].funded
    assert rows["huge"].params == {"place": 1, "votes": 50, "remaining": 999, "cost": 1_000, "jury_hundredths": 500}
    assert ranking.selected == ("a",)


def test_an_exact_fit_is_funded_and_leaves_nothing():
    ranking = rank({"a": 70, "b": 30, "c": 1}, {"a": 3, "b": 2, "c": 1}, Jury(0), budget=100)
    assert ranking.selected == ("a", "b") and ranking.spent == 100
    assert rows_by_id(ranking)["b"].params["remaining"] == 30
    assert rows_by_id(ranking)["c"].params == {"place": 3, "votes": 1, "remaining": 0, "cost": 1}


def test_no_projects_and_no_budget():
    assert rank({}, {}, Jury(50), budget=0).rows == ()
    ranking = rank({"free": 0, "paid": 1}, {}, Jury(50), budget=0)
    assert ranking.selected == ("free",)  # costs nothing, so it always fits


def test_every_reason_sentence_takes_its_parameters():
    ranking = rank({"a": 5, "b": 50, "c": 5, "d": 50}, {"a": 9, "b": 8, "c": 1, "d": 0},
                   Jury(50, scores({"a": [[4]], "b": [[4]]})), budget=20)
    codes = {r.reason for r in ranking.rows}
    assert codes == set(REASONS)
    for row in ranking.rows:
        assert "%(" not in REASONS[row.reason] % dict.fromkeys(row.params, 0)


@pytest.mark.parametrize(("weight", "bad"), [
    (101, {}), (-1, {}), (50.0, {}), (True, {}),
    (50, {"score": Score(1, 1, "a", 6)}), (50, {"score": Score(1, 1, "a", 0)}),
    (50, {"score": Score(1, 1, "nope", 3)}),
])
def test_impossible_input_is_a_programming_error(weight, bad):
    given = (bad["score"],) if bad else ()
    with pytest.raises(ValueError):
        rank({"a": 1}, {"a": 1}, Jury(weight, given), budget=1)


def test_a_score_given_twice_is_a_programming_error():
    with pytest.raises(ValueError):
        rank({"a": 1}, {}, Jury(50, (Score(1, 1, "a", 3), Score(1, 1, "a", 4))), budget=1)


def test_hundredths_round_half_up():
    assert hundredths(Fraction(25, 6)) == 417
    assert hundredths(Fraction(1, 200)) == 1
    assert hundredths(Fraction(21, 5)) == 420


# --- wired into explain -------------------------------------------------------------------


def make(costs, budget, votes, vote_type="approval"):
    projects = {p: Project(p, c) for p, c in costs.items()}
    ballots = [Ballot(str(i), v if isinstance(v, dict) else dict.fromkeys(v, 1)) for i, v in enumerate(votes)]
    return Instance({}, projects, budget, vote_type), ballots


def test_explain_dispatches_to_the_competition_and_compares_with_most_votes_first():
    instance, ballots = make({"a": 60, "b": 50, "c": 40}, 100, [["a"], ["a"], ["a", "b"], ["b"], ["c"]])
    jury = Jury(70, scores({"c": [[5, 5], [5, 4]], "a": [[2, 2]], "b": [[5, 5]]}))
    result = explain(instance, ballots, "competition", jury=jury)
    assert result.rule == "competition" and result.voters == 5
    # b: 70% × 1 + 30% × 2/3 = 90; c: 70% × 4.75/5 + 30% × 1/3 = 76.5; a: 70% × 2/5 + 30% = 58.
    assert [(r.id, r.score) for r in result.rows] == [("b", 90), ("c", Fraction(153, 2)), ("a", 58)]
    assert result.selected == ("b", "c") and result.spent == 90
    c = result.rows[1]
    assert c.rank == 2 and c.jury_mean == Fraction(19, 4) and c.jurors == 2 and c.votes == 1
    assert c.reason.code == "competition.funded" and c.reason.params == {
        "place": 2, "votes": 1, "remaining": 50, "jury_hundredths": 475}
    assert result.rows[2].reason.code == "competition.too_dear"
    assert result.rows[2].reason.params["remaining"] == 10
    assert result.what_if == {"rule": "greedy", "selected": ["a", "c"], "spent": 100}  # most votes first


def test_explain_uses_points_as_the_public_part_on_cumulative_ballots():
    instance, ballots = make({"a": 1, "b": 1}, 1, [{"a": 1, "b": 4}, {"a": 2}], "cumulative")
    result = explain(instance, ballots, "competition", jury=Jury(0))
    assert result.selected == ("b",)  # 4 points against 3, although a has more voters
    rows = {r.id: r for r in result.rows}
    assert rows["a"].votes == 2 and rows["a"].points == 3 and rows["a"].reason.params["votes"] == 3


def test_explain_needs_the_jury_for_a_competition():
    instance, ballots = make({"a": 1}, 1, [["a"]])
    with pytest.raises(ValueError):
        explain(instance, ballots, "competition")


def test_the_rule_has_a_name_and_a_plain_description():
    assert "competition" in RULES and RULE_NAMES["competition"] and "jury" in RULE_DESCRIPTIONS["competition"]


# --- criteria and scoring rules ------------------------------------------------------------


def test_criteria_need_a_distinct_short_title_and_lock_when_voting_opens():
    assert criterion_refusals(Phase.REVIEW, "Innovation", "New for our town", ["Impact"], adding=True) == []
    codes = lambda *a, **k: [r.code for r in criterion_refusals(*a, **k)]  # noqa: E731
    assert codes(Phase.REVIEW, "  ", "", [], adding=True) == ["criterion.title"]
    assert codes(Phase.REVIEW, "x" * 121, "", [], adding=True) == ["criterion.title_long"]
    assert codes(Phase.REVIEW, " impact ", "", ["Impact"], adding=True) == ["criterion.title_taken"]
    assert codes(Phase.REVIEW, "Cost", "y" * 301, [], adding=False) == ["criterion.description_long"]
    assert codes(Phase.REVIEW, "Seventh", "", [f"c{i}" for i in range(MAX_CRITERIA)], adding=True) == [
        "criterion.too_many"]
    assert codes(Phase.REVIEW, "Seventh", "", [f"c{i}" for i in range(MAX_CRITERIA - 1)], adding=False) == []
    assert codes(Phase.VOTING, "Innovation", "", [], adding=True) == ["criterion.locked"]


def test_scoring_is_open_from_review_until_voting_closes():
    end = NOW + timedelta(days=3)
    ok = lambda phase, now=NOW: scoring_refusals(phase, "competition", end, now, 2)  # noqa: E731
    assert ok(Phase.REVIEW) == [] and ok(Phase.VOTING) == []
    assert [r.code for r in ok(Phase.VOTING, end)] == ["jury.closed"]  # at the end itself voting is over
    assert [r.code for r in ok(Phase.RESULTS)] == ["jury.closed"]
    assert [r.code for r in ok(Phase.FEEDBACK)] == ["jury.too_early"]
    assert [r.code for r in scoring_refusals(Phase.REVIEW, "greedy", end, NOW, 2)] == ["jury.not_competition"]
    assert [r.code for r in scoring_refusals(Phase.REVIEW, "competition", end, NOW, 0)] == ["jury.no_criteria"]


@pytest.mark.parametrize(("values", "code"), [
    ({1: 3, 2: 5}, None),
    ({1: 0, 2: 5}, "jury.score_range"),
    ({1: 6, 2: 5}, "jury.score_range"),
    ({1: "4", 2: 5}, "jury.score_range"),
    ({1: 3}, "jury.score_missing"),
    ({1: 3, 2: 3, 9: 3}, "jury.unknown_criterion"),
])
def test_one_score_per_criterion_from_1_to_5(values, code):
    found = [r.code for r in score_refusals(values, [1, 2])]
    assert found == ([code] if code else [])
