"""Results: draft tally when voting closes, reasons, ratification after the feedback window, the .pb file."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from tests.conftest import PASSWORD
from tests.services import codes, refused, user
from ypb.domain import tally
from ypb.domain.cycle import Phase
from ypb.domain.pabulib import parse_pabulib
from ypb.extensions import db
from ypb.models import Cycle, Proposal, TallyResult
from ypb.services import accounts, cycles, results, voting

SECOND = timedelta(seconds=1)


@pytest.fixture
def w(app, world):
    with app.app_context():
        yield dict(world, app=app)


def close_voting(w, picks: list[tuple[int, ...]]):
    """Cast one ballot per pick (indexes into the ballot's projects), then close the vote."""
    cycle = db.session.get(Cycle, w["cycle_voting"])
    projects = w["ballot_projects"]
    for i, pick in enumerate(picks):
        voter = voting.Voter(user=accounts.create_account(
            username=f"voter{i}", display_name=f"Voter {i}", password=PASSWORD, birth_year=2008, resident=True))
        voting.cast(voter, cycle.id, None, {projects[j]: 1 for j in pick})
    cycles.advance(user(w["secretary"]), cycle.id, Phase.RESULTS, now=cycle.voting_end + SECOND)
    return db.session.get(Cycle, cycle.id)


def test_closing_the_vote_stores_draft_results_with_reasons(w):
    # Projects: bike racks 300,000; outdoor gym 2,500,000; book swap shelf 50,000; budget 5,000,000.
    cycle = close_voting(w, [(0, 1), (0,), (1, 2), (0, 2)])
    [found] = results.results_of(cycle)
    result = found.result
    bikes, gym, books = w["ballot_projects"]
    assert result.rule == "greedy" and result.voters == 4
    assert result.selected == [bikes, gym, books] and result.spent == 2_850_000
    by_id = {row["proposal_id"]: row for row in result.rows}
    assert by_id[bikes]["votes"] == 3 and by_id[bikes]["reason"] == "greedy.funded"
    assert by_id[bikes]["params"] == {"place": 1, "remaining": 5_000_000}
    assert not cycle.results_ratified


def test_a_project_that_no_longer_fits_says_how_much_was_left(w):
    bikes, gym, books = w["ballot_projects"]
    db.session.get(Proposal, gym).final_cost = 4_800_000
    db.session.commit()
    cycle = close_voting(w, [(1,), (1, 0), (0,), (0,)])
    [found] = results.results_of(cycle)
    rows = {row["proposal_id"]: row for row in found.result.rows}
    assert rows[gym]["reason"] == "greedy.too_dear"
    assert rows[gym]["params"] == {"cost": 4_800_000, "remaining": 4_700_000}
    # As in pabutools, money left over still funds a project nobody chose.
    assert rows[books]["votes"] == 0 and rows[books]["funded"]


def test_mes_rule_explains_shares(w):
    cycle = db.session.get(Cycle, w["cycle_voting"])
    cycle.tally_rule = "mes-add1"
    db.session.commit()
    cycle = close_voting(w, [(0,)] * 3 + [(1,)])
    [found] = results.results_of(cycle)
    rows = {row["proposal_id"]: row for row in found.result.rows}
    bikes, gym, books = w["ballot_projects"]
    assert rows[bikes]["reason"] == "mes.funded" and rows[bikes]["params"] == {"supporters": 3}
    assert found.result.what_if["rule"] == "greedy"


def test_ratify_waits_for_the_feedback_window_then_confirms_once(w):
    cycle = close_voting(w, [(0,)])
    secretary = user(w["secretary"])
    early = cycle.results_end - SECOND
    assert codes(refused(results.ratify, secretary, cycle.id, now=early)) == ["results.feedback_open"]
    results.ratify(secretary, cycle.id, now=cycle.results_end)
    cycle = db.session.get(Cycle, cycle.id)
    assert cycle.results_ratified and cycle.results_ratified_by_id == secretary.id
    assert codes(refused(results.ratify, secretary, cycle.id, now=cycle.results_end)) == ["results.already_ratified"]


def test_ratify_is_refused_outside_the_results_phase(w):
    secretary = user(w["secretary"])
    assert codes(refused(results.ratify, secretary, w["cycle_voting"])) == ["results.wrong_phase"]


def test_the_published_pb_file_recounts_to_the_same_result_and_matches_its_digest(w):
    cycle = close_voting(w, [(0, 1), (0,), (1, 2), (0, 2), (2,)])
    [found] = results.results_of(cycle)
    text = results.pb_file(cycle, found.budget)
    assert hashlib.sha256(text.encode()).hexdigest() == found.result.pb_sha256
    instance, ballots = parse_pabulib(text)
    assert len(ballots) == 5 and "voter0" not in text
    # Whole amounts are written in currency units (5,000,000 cents), the unit add1 steps by.
    assert instance.budget == 50_000 and "budget;50000" in text
    assert sorted(tally.greedy(instance, ballots).selected) == sorted(str(p) for p in found.result.selected)
    # Recomputing never changes a stored result.
    results.compute(cycle, cycle.voting_end)
    assert db.session.query(TallyResult).count() == 1


def test_no_results_before_voting_closes(w):
    cycle = db.session.get(Cycle, w["cycle_voting"])
    assert results.results_of(cycle) == []


def test_a_vote_nobody_cast_closes_with_an_empty_result(w):
    cycle = db.session.get(Cycle, w["cycle_voting"])
    cycles.advance(user(w["secretary"]), cycle.id, Phase.RESULTS, now=cycle.voting_end + SECOND)
    [found] = results.results_of(db.session.get(Cycle, cycle.id))
    assert found.result.voters == 0
