"""Competition cycles through the services: the jury's criteria, the jury weight in the ballot
settings, council members' scores (from review until voting closes) and the combined ranking
stored with the results."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, cycle_input
from tests.services import audit_entries, codes, count, refused, user
from ypb.domain.ballot import BallotType
from ypb.domain.cycle import Phase
from ypb.domain.pabulib import parse_pabulib
from ypb.domain.roles import Role
from ypb.extensions import db
from ypb.models import Cycle, JuryCriterion, JuryScore, Proposal
from ypb.models.base import utcnow
from ypb.services import accounts, competition, cycles, proposals, results, review, voting
from ypb.services.proposals import ProposalInput

DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
PROJECTS = (("Repair café", 1_000_000), ("Climbing wall", 3_000_000), ("Podcast studio", 2_000_000))


def competition_settings(weight: int = 60) -> voting.BallotSettings:
    return voting.BallotSettings(BallotType.APPROVAL, min_choices=1, max_choices=2, tally_rule="competition",
                                 jury_weight=weight)


def build_competition(secretary_id: int, *, now, weight: int = 60, criteria=("Innovation", "Impact"),
                      projects=PROJECTS, budget: int = 5_000_000, title: str = "Innovation prize") -> dict:
    """A cycle in review with its projects approved, run as a competition with these criteria.
    Planned so that review runs until now + 10 days (the page visits do not move it on) and voting
    until now + 20 days; `open_voting` opens it early, at now - 5 days."""
    secretary = user(secretary_id)
    start = now - 40 * DAY
    cycle_id = cycles.create(secretary, cycle_input(secretary.id, start, title=title, budget_total=budget),
                             now=start).id
    author = accounts.create_account(username=f"author{cycle_id}", display_name="Author", password=PASSWORD,
                                     birth_year=2007, resident=True)
    cycles.advance(secretary, cycle_id, Phase.PROPOSALS, now=start)
    ids = [proposals.create(author, cycle_id, ProposalInput(title=name, summary=f"{name} for all.",
                                                             estimated_cost=cost), submit=True, now=start + DAY).id
           for name, cost in projects]
    cycles.advance(secretary, cycle_id, Phase.FEEDBACK, now=start + 2 * DAY)
    cycles.advance(secretary, cycle_id, Phase.REVIEW, now=now - 9 * DAY)
    for pid, (_, cost) in zip(ids, projects, strict=True):
        review.decide(secretary, pid, review.Decision.APPROVE, final_cost=cost, now=now - 8 * DAY)
    voting.save_settings(secretary, cycle_id, competition_settings(weight))
    found = [competition.add_criterion(secretary, cycle_id, name, f"What {name.lower()} means here.").id
             for name in criteria]
    return {"cycle": cycle_id, "projects": ids, "criteria": found, "now": now, "author": author.id}


def open_voting(secretary_id: int, made: dict) -> None:
    cycles.advance(user(secretary_id), made["cycle"], Phase.VOTING, now=made["now"] - 5 * DAY)


def vote(made: dict, picks: list[tuple[int, ...]]) -> None:
    for pick in picks:
        n = count(accounts.User) + 1
        voter = voting.Voter(user=accounts.create_account(
            username=f"voter{n}", display_name=f"Voter {n}", password=PASSWORD, birth_year=2008, resident=True))
        voting.cast(voter, made["cycle"], None, {made["projects"][i]: 1 for i in pick}, now=made["now"] - DAY)


def close(secretary_id: int, made: dict) -> Cycle:
    cycle = db.session.get(Cycle, made["cycle"])
    cycles.advance(user(secretary_id), cycle.id, Phase.RESULTS, now=cycle.voting_end + SECOND)
    return db.session.get(Cycle, made["cycle"])


def juror(name: str) -> accounts.User:
    return accounts.create_account(username=f"juror-{name}", display_name=name.title(), password=PASSWORD,
                                   birth_year=1980, resident=True, role=Role.COUNCIL, actor="test")


def score(made: dict, who, project: int, values: tuple[int, ...], now=None) -> None:
    competition.save_scores(who, made["cycle"], made["projects"][project],
                            dict(zip(made["criteria"], values, strict=True)), now=now or made["now"] - 7 * DAY)


def stored_scores(made: dict) -> list[tuple[int, int, int, int]]:
    return sorted(db.session.execute(select(JuryScore.juror_id, JuryScore.proposal_id, JuryScore.criterion_id,
                                            JuryScore.score).where(JuryScore.cycle_id == made["cycle"])).all())


@pytest.fixture
def w(app, world):
    with app.app_context():
        yield dict(world, app=app)


@pytest.fixture
def made(w):
    return build_competition(w["secretary"], now=utcnow())


# --- criteria ----------------------------------------------------------------------------------


def test_staff_add_change_and_remove_criteria_with_an_audit_entry(w, made):
    secretary = user(w["secretary"])
    cycle = db.session.get(Cycle, made["cycle"])
    assert [c.title for c in competition.criteria_of(cycle)] == ["Innovation", "Impact"]
    first, second = made["criteria"]
    competition.edit_criterion(secretary, cycle.id, first, "  Originality ", "Is it new for our town?")
    jury = juror("jo")
    score(made, jury, 0, (4, 5))
    assert competition.remove_criterion(secretary, cycle.id, second) == 1  # the score given on it goes too
    db.session.expire_all()
    assert [(c.title, c.description) for c in competition.criteria_of(db.session.get(Cycle, cycle.id))] == [
        ("Originality", "Is it new for our town?")]
    assert [s[2:] for s in stored_scores(made)] == [(first, 4)]
    assert [e.action for e in audit_entries(subject=f"cycle:{cycle.id}") if e.action.startswith("jury.")] == [
        "jury.criterion_add", "jury.criterion_add", "jury.criterion_edit", "jury.criterion_remove"]


@pytest.mark.parametrize(("title", "description", "code"), [
    ("   ", "", "criterion.title"),
    ("x" * 121, "", "criterion.title_long"),
    ("INNOVATION", "", "criterion.title_taken"),
    ("Cost", "y" * 301, "criterion.description_long"),
])
def test_a_bad_criterion_is_refused_and_nothing_changes(w, made, title, description, code):
    before = count(JuryCriterion)
    assert codes(refused(competition.add_criterion, user(w["secretary"]), made["cycle"], title, description)) == [
        code]
    assert count(JuryCriterion) == before


def test_at_most_six_criteria(w, made):
    secretary = user(w["secretary"])
    for name in ("Cost", "Reach", "Fun", "Care"):
        competition.add_criterion(secretary, made["cycle"], name)
    assert codes(refused(competition.add_criterion, secretary, made["cycle"], "Seventh")) == ["criterion.too_many"]
    assert count(JuryCriterion, JuryCriterion.cycle_id == made["cycle"]) == 6


def test_criteria_lock_when_voting_opens(w, made):
    secretary = user(w["secretary"])
    open_voting(w["secretary"], made)
    first = made["criteria"][0]
    assert codes(refused(competition.add_criterion, secretary, made["cycle"], "Late one")) == ["criterion.locked"]
    assert codes(refused(competition.edit_criterion, secretary, made["cycle"], first, "Other")) == [
        "criterion.locked"]
    assert codes(refused(competition.remove_criterion, secretary, made["cycle"], first)) == ["criterion.locked"]
    assert db.session.get(JuryCriterion, first).title == "Innovation"


def test_a_criterion_of_another_cycle_is_not_found(w, made):
    other = build_competition(w["secretary"], now=utcnow(), title="Other prize")
    assert codes(refused(competition.edit_criterion, user(w["secretary"]), made["cycle"], other["criteria"][0],
                         "Hijack")) == ["criterion.missing"]


# --- the ballot settings ----------------------------------------------------------------------


def test_the_jury_weight_is_a_ballot_setting_and_is_audited(w, made):
    cycle = db.session.get(Cycle, made["cycle"])
    assert (cycle.tally_rule, cycle.jury_weight) == ("competition", 60)
    assert audit_entries("cycle.ballot_settings")[-1].data.count('"jury_weight":60') == 1
    voting.save_settings(user(w["secretary"]), cycle.id, competition_settings(100))
    assert db.session.get(Cycle, cycle.id).jury_weight == 100
    exc = refused(voting.save_settings, user(w["secretary"]), cycle.id, competition_settings(101))
    assert codes(exc) == ["ballot.jury_weight"] and exc.field == "jury_weight"
    assert db.session.get(Cycle, cycle.id).jury_weight == 100


def test_a_competition_without_criteria_is_not_ready_for_voting(w):
    made = build_competition(w["secretary"], now=utcnow(), criteria=())
    cycle = db.session.get(Cycle, made["cycle"])
    assert not voting.ballot_ready(cycle)
    exc = refused(cycles.advance, user(w["secretary"]), cycle.id, Phase.VOTING, now=made["now"] - 5 * DAY)
    assert "ballot.not_ready" in codes(exc)
    competition.add_criterion(user(w["secretary"]), cycle.id, "Innovation")
    assert voting.ballot_ready(db.session.get(Cycle, cycle.id))


def test_the_weight_locks_with_the_other_settings(w, made):
    open_voting(w["secretary"], made)
    assert codes(refused(voting.save_settings, user(w["secretary"]), made["cycle"], competition_settings(10))) == [
        "ballot.locked"]
    assert db.session.get(Cycle, made["cycle"]).jury_weight == 60


# --- scoring ------------------------------------------------------------------------------------


def test_a_juror_scores_in_review_and_changes_the_scores_during_voting(w, made):
    jury = juror("jo")
    score(made, jury, 0, (4, 5))
    first, second = made["criteria"]
    bike = made["projects"][0]
    assert stored_scores(made) == [(jury.id, bike, first, 4), (jury.id, bike, second, 5)]
    open_voting(w["secretary"], made)
    score(made, jury, 0, (2, 5), now=made["now"])
    assert stored_scores(made) == [(jury.id, bike, first, 2), (jury.id, bike, second, 5)]  # replaced, not added
    assert competition.scores_of(jury.id, db.session.get(Cycle, made["cycle"])) == {bike: {first: 2, second: 5}}
    entry = audit_entries("jury.score")[-1]
    assert entry.actor == f"user:{jury.id}" and entry.subject == f"proposal:{bike}"


@pytest.mark.parametrize(("values", "code"), [
    ((0, 3), "jury.score_range"),
    ((6, 3), "jury.score_range"),
    ((3,), "jury.score_missing"),
])
def test_bad_scores_are_refused_and_nothing_changes(w, made, values, code):
    jury = juror("jo")
    score(made, jury, 0, (3, 3))
    first, second = made["criteria"]
    exc = refused(competition.save_scores, jury, made["cycle"], made["projects"][0],
                  dict(zip(made["criteria"], values, strict=False)), now=made["now"] - 7 * DAY)
    assert codes(exc) == [code]
    assert [s[3] for s in stored_scores(made)] == [3, 3]


def test_scores_for_a_criterion_of_another_cycle_are_refused(w, made):
    other = build_competition(w["secretary"], now=utcnow(), title="Other prize")
    values = {made["criteria"][0]: 3, made["criteria"][1]: 3, other["criteria"][0]: 5}
    exc = refused(competition.save_scores, juror("jo"), made["cycle"], made["projects"][0], values,
                  now=made["now"] - 7 * DAY)
    assert codes(exc) == ["jury.unknown_criterion"] and stored_scores(made) == []


def test_only_approved_proposals_of_this_cycle_are_scored(w, made):
    jury = juror("jo")
    db.session.get(Proposal, made["projects"][2]).status = "rejected"
    db.session.get(Proposal, made["projects"][2]).decision_reason = "Not feasible."
    db.session.commit()
    values = dict.fromkeys(made["criteria"], 3)
    for proposal_id in (made["projects"][2], w["review_proposal"], 999_999):
        exc = refused(competition.save_scores, jury, made["cycle"], proposal_id, values, now=made["now"] - 7 * DAY)
        assert codes(exc) == ["jury.not_approved"]
    assert stored_scores(made) == []


def test_scoring_closes_with_the_vote(w, made):
    jury = juror("jo")
    open_voting(w["secretary"], made)
    voting_end = db.session.get(Cycle, made["cycle"]).voting_end
    values = dict.fromkeys(made["criteria"], 3)
    # At the planned end voting is over, even before the cycle has moved on.
    exc = refused(competition.save_scores, jury, made["cycle"], made["projects"][0], values, now=voting_end)
    assert codes(exc) == ["jury.closed"]
    close(w["secretary"], made)
    exc = refused(competition.save_scores, jury, made["cycle"], made["projects"][0], values, now=voting_end + DAY)
    assert codes(exc) == ["jury.closed"]
    assert stored_scores(made) == []


def test_no_scoring_before_review_or_without_a_competition(w, made):
    jury = juror("jo")
    exc = refused(competition.save_scores, jury, w["cycle_feedback"], w["proposal"], {1: 3})
    assert codes(exc) == ["jury.not_competition"]  # most votes first: no jury at all
    feedback = db.session.get(Cycle, w["cycle_feedback"])
    feedback.tally_rule = "competition"
    db.session.commit()
    assert codes(refused(competition.save_scores, jury, feedback.id, w["proposal"], {1: 3})) == ["jury.too_early"]


def test_a_juror_cannot_score_their_own_proposal(w, made):
    author = db.session.get(accounts.User, made["author"])
    author.role = "council"
    db.session.commit()
    exc = refused(score, made, author, 0, (5, 5))
    assert codes(exc) == ["jury.own_proposal"] and stored_scores(made) == []


def test_progress_counts_jurors_without_showing_scores(w, made):
    score(made, juror("jo"), 0, (4, 4))
    score(made, juror("kim"), 0, (2, 3))
    score(made, juror("lee"), 1, (5, 5))
    found = competition.progress(db.session.get(Cycle, made["cycle"]))
    assert found.jurors == 3 and found.scored == {made["projects"][0]: 2, made["projects"][1]: 1}


# --- results ------------------------------------------------------------------------------------


def test_closing_a_competition_stores_the_combined_ranking(w, made):
    # Budget 5,000,000: repair café 1,000,000; climbing wall 3,000,000; podcast studio 2,000,000. Jury 60%.
    cafe, wall, studio = made["projects"]
    jo, kim = juror("jo"), juror("kim")
    score(made, jo, 0, (3, 3))
    score(made, kim, 0, (3, 4))
    score(made, jo, 1, (5, 5))
    open_voting(w["secretary"], made)
    vote(made, [(0,), (0,), (0, 2), (2,), (1,)])  # café 3, wall 1, studio 2 votes; nobody scored the studio
    cycle = close(w["secretary"], made)
    [found] = results.results_of(cycle)
    result = found.result
    assert result.rule == "competition" and result.voters == 5
    rows = {row["proposal_id"]: row for row in result.rows}
    # café: 60% × 3.25/5 + 40% × 3/3 = 79; wall: 60% × 5/5 + 40% × 1/3 = 73.33; studio: 40% × 2/3 = 26.67.
    assert [row["proposal_id"] for row in result.rows] == [cafe, wall, studio]
    assert (rows[cafe]["rank"], rows[cafe]["jury_mean"], rows[cafe]["jurors"], rows[cafe]["score"]) == (
        1, 325, 2, 7900)
    assert (rows[wall]["jury_mean"], rows[wall]["jurors"], rows[wall]["score"]) == (500, 1, 7333)
    assert rows[studio]["jury_mean"] is None and rows[studio]["score"] == 2667
    assert rows[cafe]["reason"] == "competition.funded"
    assert rows[cafe]["params"] == {"place": 1, "votes": 3, "remaining": 5_000_000, "jury_hundredths": 325}
    assert rows[wall]["params"]["remaining"] == 4_000_000
    # 1,000,000 left for the studio (2,000,000): it no longer fits, and it had no jury points.
    assert rows[studio]["reason"] == "competition.too_dear_unscored"
    assert rows[studio]["params"] == {"place": 3, "votes": 2, "remaining": 1_000_000, "cost": 2_000_000}
    assert result.selected == [cafe, wall] and result.spent == 4_000_000
    # Most votes first would have funded café and studio, then the wall no longer fits.
    assert result.what_if == {"rule": "greedy", "selected": sorted([cafe, studio]), "spent": 3_000_000}


def test_the_ballots_file_of_a_competition_says_what_it_cannot_recount(w, made):
    score(made, juror("jo"), 1, (5, 5))
    open_voting(w["secretary"], made)
    vote(made, [(0,), (0, 2)])
    cycle = close(w["secretary"], made)
    [found] = results.results_of(cycle)
    text = results.pb_file(cycle, found.budget)
    instance, _ = parse_pabulib(text)
    assert instance.meta["rule"] == "competition"
    assert "the jury's scores are not in this file" in instance.meta["comment"]
    # The file's "selected" column is the competition's choice, not most votes first.
    chosen = {pid for pid, p in instance.projects.items() if p.extra["selected"] == "1"}
    assert chosen == {str(p) for p in found.result.selected}
