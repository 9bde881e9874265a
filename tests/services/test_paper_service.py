"""ypb.services.paper: batches of paper ballots saved, corrected and deleted with an audit
trail, checked by the ballot rules, counted in turnout, and frozen once results are final.

The world's voting cycle has three approved projects (legend 1 Bike racks, 2 Outdoor gym,
3 Book swap shelf) on an approval ballot of 1 to 2 picks.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.services import audit_entries, codes, count, refused, user
from ypb.extensions import db
from ypb.models import Ballot, BallotChoice, Cycle, PaperBatch
from ypb.services import audit, paper, voting


@pytest.fixture
def w(app, world):
    with app.app_context():
        yield world


def staff(w):
    return user(w["secretary"])


def projects(w):
    return w["ballot_projects"]  # ids in legend order


def stored(cycle_id: int, number: int) -> list[dict[int, int]]:
    db.session.expire_all()
    batch = paper.get_batch(cycle_id, number)
    return [{c.proposal_id: c.points for c in b.choices} for b in batch.ballots] if batch else []


def test_a_batch_is_stored_as_paper_ballots_with_an_audit_entry(w):
    bike, gym, books = projects(w)
    ballots = [{bike: 1, books: 1}, {gym: 1}, {books: 1}]
    batch = paper.save_batch(staff(w), w["cycle_voting"], 4, " School 5,  box 2 ", None, ballots)

    assert stored(w["cycle_voting"], 4) == ballots
    rows = db.session.scalars(select(Ballot).where(Ballot.paper_batch_id == batch.id).order_by(Ballot.id)).all()
    assert {r.channel for r in rows} == {"paper"}
    assert [r.pseudonym for r in rows] == [f"paper:{batch.id}:{n}" for n in (1, 2, 3)]
    assert batch.label == "School 5, box 2"

    [entry] = audit_entries("paper.batch_saved")
    data = json.loads(entry.data)
    assert entry.subject == f"cycle:{w['cycle_voting']}"
    assert entry.actor == f"user:{w['secretary']}"
    assert data["number"] == 4 and data["count"] == 3 and data["replaced"] is None
    assert data["sha256"] == paper.digest(batch.budget_id, ballots)
    assert audit.verify() is None


def test_paper_ballots_count_in_turnout_and_totals(w):
    bike, gym, _ = projects(w)
    before = voting.turnout(w["cycle_voting"])
    paper.save_batch(staff(w), w["cycle_voting"], 1, None, None, [{bike: 1}, {bike: 1, gym: 1}])
    after = voting.turnout(w["cycle_voting"])
    assert after["paper"] == before["paper"] + 2
    assert after["total"] == before["total"] + 2


def test_a_bad_ballot_is_refused_by_its_position_and_nothing_is_stored(w):
    bike, gym, books = projects(w)
    audit_before = len(audit_entries())
    exc = refused(paper.save_batch, staff(w), w["cycle_voting"], 1, None, None,
                  [{bike: 1}, {bike: 1}, {bike: 1, gym: 1, books: 1}, {gym: 1}])
    assert codes(exc) == ["ballot.too_many"]
    assert exc.field == "ballots"
    [refusal] = exc.refusals
    assert refusal.params["n"] == 3
    assert refusal.message == "Ballot %(n)s: %(problem)s"
    assert refusal.params["problem"].refusal.params == {"max": 2, "chosen": 3}

    assert count(PaperBatch) == 0
    assert count(Ballot, Ballot.channel == "paper") == 0
    assert len(audit_entries()) == audit_before


def test_a_blank_ballot_is_refused_when_the_rules_want_a_pick(w):
    exc = refused(paper.save_batch, staff(w), w["cycle_voting"], 1, None, None, [{projects(w)[0]: 1}, {}])
    assert codes(exc) == ["ballot.empty"]
    assert exc.refusals[0].params["n"] == 2


def test_typed_lines_are_read_against_the_legend(w):
    bike, gym, books = projects(w)
    batch = paper.save_batch_text(staff(w), w["cycle_voting"], 2, None, None, "1 3\n\n2\n3,1\n")
    assert stored(w["cycle_voting"], 2) == [{bike: 1, books: 1}, {gym: 1}, {bike: 1, books: 1}]
    assert paper.batch_text(db.session.get(Cycle, w["cycle_voting"]), batch) == "1 3\n2\n1 3"


def test_a_wrong_line_is_refused_with_its_number_and_nothing_is_stored(w):
    exc = refused(paper.save_batch_text, staff(w), w["cycle_voting"], 2, None, None, "1\n2 7\n1 2 3\n1 1\n3")
    # Lines not understood and ballots against the rules, all at once and in order.
    assert [(r.code, r.params["n"]) for r in exc.refusals] == [
        ("paper.unknown_number", 2), ("ballot.too_many", 3), ("paper.repeated", 4)]
    assert count(PaperBatch) == 0
    assert audit_entries("paper.batch_saved") == []


def test_a_correction_replaces_the_ballots_and_keeps_both_digests(w):
    bike, gym, books = projects(w)
    first = [{bike: 1}, {gym: 1}, {books: 1}]
    batch = paper.save_batch(staff(w), w["cycle_voting"], 1, "Box 1", None, first)
    corrected = [{bike: 1, gym: 1}, {books: 1}]
    paper.save_batch(staff(w), w["cycle_voting"], 1, "Box 1", None, corrected)

    assert stored(w["cycle_voting"], 1) == corrected
    assert count(PaperBatch) == 1
    assert count(Ballot, Ballot.channel == "paper") == 2
    assert voting.turnout(w["cycle_voting"])["paper"] == 2
    # The replaced ballots' choices are gone, not left behind without a ballot.
    assert count(BallotChoice) == 3
    [entry] = audit_entries("paper.batch_corrected")
    data = json.loads(entry.data)
    assert data["count"] == 2
    assert data["sha256"] == paper.digest(batch.budget_id, corrected)
    assert data["replaced"] == {"count": 3, "sha256": paper.digest(batch.budget_id, first)}


def test_a_new_batch_does_not_overwrite_one_with_the_same_number(w):
    bike = projects(w)[0]
    paper.save_batch(staff(w), w["cycle_voting"], 1, None, None, [{bike: 1}])
    exc = refused(paper.save_batch, staff(w), w["cycle_voting"], 1, None, None, [{bike: 1}, {bike: 1}], new=True)
    assert codes(exc) == ["paper.exists"]
    assert exc.field == "number"
    # Said first, before the lines are checked: fixing them would not help.
    exc = refused(paper.save_batch_text, staff(w), w["cycle_voting"], 1, None, None, "1 2 3\n9", new=True)
    assert codes(exc) == ["paper.exists"]
    assert len(stored(w["cycle_voting"], 1)) == 1


@pytest.mark.parametrize("number", [0, -1, 100_000])
def test_the_batch_number_must_be_sensible(w, number):
    exc = refused(paper.save_batch, staff(w), w["cycle_voting"], number, None, None, [{projects(w)[0]: 1}])
    assert codes(exc) == ["paper.number"]


def test_an_empty_batch_is_refused(w):
    assert codes(refused(paper.save_batch_text, staff(w), w["cycle_voting"], 1, None, None, "\n \n")) == \
        ["paper.empty"]


def test_batches_lists_numbers_with_their_sizes(w):
    bike = projects(w)[0]
    paper.save_batch(staff(w), w["cycle_voting"], 7, "Late box", None, [{bike: 1}])
    paper.save_batch(staff(w), w["cycle_voting"], 2, None, None, [{bike: 1}, {bike: 1}])
    rows = paper.batches(w["cycle_voting"])
    assert [(r.number, r.label, r.count) for r in rows] == [(2, None, 2), (7, "Late box", 1)]
    assert paper.next_number(w["cycle_voting"]) == 8


def test_deleting_a_batch_removes_its_ballots_with_an_audit_entry(w):
    bike = projects(w)[0]
    paper.save_batch(staff(w), w["cycle_voting"], 1, None, None, [{bike: 1}, {bike: 1}])
    paper.delete_batch(staff(w), w["cycle_voting"], 1)
    assert count(PaperBatch) == 0
    assert count(Ballot, Ballot.channel == "paper") == 0
    assert voting.turnout(w["cycle_voting"])["paper"] == 0
    [entry] = audit_entries("paper.batch_deleted")
    assert json.loads(entry.data)["count"] == 2
    assert codes(refused(paper.delete_batch, staff(w), w["cycle_voting"], 1)) == ["paper.missing"]


def test_batches_can_be_corrected_in_the_results_phase(w):
    bike = projects(w)[0]
    cycle = db.session.get(Cycle, w["cycle_voting"])
    cycle.phase = "results"
    db.session.commit()
    paper.save_batch(staff(w), w["cycle_voting"], 1, None, None, [{bike: 1}])
    assert len(stored(w["cycle_voting"], 1)) == 1


def test_nothing_changes_once_the_results_are_ratified(w):
    bike = projects(w)[0]
    paper.save_batch(staff(w), w["cycle_voting"], 1, None, None, [{bike: 1}])
    cycle = db.session.get(Cycle, w["cycle_voting"])
    cycle.phase, cycle.results_ratified = "results", True
    db.session.commit()

    assert codes(refused(paper.save_batch, staff(w), w["cycle_voting"], 1, None, None, [{bike: 1}] * 2)) == \
        ["paper.final"]
    assert codes(refused(paper.save_batch, staff(w), w["cycle_voting"], 2, None, None, [{bike: 1}])) == \
        ["paper.final"]
    assert codes(refused(paper.delete_batch, staff(w), w["cycle_voting"], 1)) == ["paper.final"]
    assert len(stored(w["cycle_voting"], 1)) == 1


def test_paper_ballots_wait_for_voting_to_open(w):
    exc = refused(paper.save_batch, staff(w), w["cycle_review"], 1, None, None, [{w["review_proposal"]: 1}])
    assert codes(exc) == ["paper.not_yet"]
    assert count(PaperBatch) == 0


def test_a_budget_of_another_cycle_is_refused(w):
    exc = refused(paper.save_batch, staff(w), w["cycle_voting"], 1, None, 987_654, [{projects(w)[0]: 1}])
    assert codes(exc) == ["paper.budget"]
