"""Idempotent casting: a ballot sent again with the same idempotency key (a retry after a
timeout, a double tap, a worker that died before answering) gets the first answer and
changes nothing — even when the voter has voted again since, or voting has closed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.services import codes, count, refused, user
from tests.services.test_voting_concurrency import run_together, unexpected
from tests.services.test_voting_service import ballots_of, code_voter, set_phase, youth
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import Ballot, Cycle, User
from ypb.models.voting import VoteReceipt
from ypb.services import voting
from ypb.services.voting import Voter

KEY = "k" * 24
OTHER = "o" * 24


@pytest.fixture
def w(app, world):
    with app.app_context():
        yield world


def stored(w) -> list[dict[int, int]]:
    return [{c.proposal_id: c.points for c in b.choices} for b in ballots_of(w["cycle_voting"], youth(w))]


def test_the_same_key_twice_gives_the_same_receipt_and_changes_nothing(w):
    cycle_id, (a, b, _c) = w["cycle_voting"], w["ballot_projects"]
    first = voting.cast(youth(w), cycle_id, None, {a: 1}, idempotency_key=KEY)
    changed = voting.cast(youth(w), cycle_id, None, {b: 1}, idempotency_key=OTHER)
    again = voting.cast(youth(w), cycle_id, None, {a: 1}, idempotency_key=KEY)

    assert again == first and changed.version == first.version + 1
    assert stored(w) == [{b: 1}]  # the retried older ballot did not undo the newer one
    assert count(Ballot) == 1


def test_the_same_key_with_other_choices_is_a_new_ballot(w):
    # The back button or "Change" can send a new choice from a page with the same key.
    cycle_id, (a, b, _c) = w["cycle_voting"], w["ballot_projects"]
    voting.cast(youth(w), cycle_id, None, {a: 1}, idempotency_key=KEY)
    receipt = voting.cast(youth(w), cycle_id, None, {a: 1, b: 1}, idempotency_key=KEY)
    assert receipt.version == 2 and stored(w) == [{a: 1, b: 1}]


def test_keys_are_per_voter(w):
    cycle_id, (a, _b, _c) = w["cycle_voting"], w["ballot_projects"]
    voting.cast(youth(w), cycle_id, None, {a: 1}, idempotency_key=KEY)
    voting.cast(code_voter(w), cycle_id, None, {a: 1}, idempotency_key=KEY)
    assert count(Ballot) == 2


def test_a_refused_ballot_does_not_use_up_its_key(w):
    cycle_id, projects = w["cycle_voting"], w["ballot_projects"]
    too_many = dict.fromkeys(projects, 1)
    assert codes(refused(voting.cast, youth(w), cycle_id, None, too_many, idempotency_key=KEY))
    assert codes(refused(voting.cast, youth(w), cycle_id, None, too_many, idempotency_key=KEY))
    assert count(VoteReceipt) == 0 and count(Ballot) == 0


def test_a_retry_after_the_close_gets_its_receipt_but_nothing_new_is_taken(w):
    cycle_id, (a, b, _c) = w["cycle_voting"], w["ballot_projects"]
    first = voting.cast(youth(w), cycle_id, None, {a: 1}, idempotency_key=KEY)
    set_phase(cycle_id, Phase.RESULTS)
    assert voting.cast(youth(w), cycle_id, None, {a: 1}, idempotency_key=KEY) == first
    assert codes(refused(voting.cast, youth(w), cycle_id, None, {b: 1}, idempotency_key=OTHER)) == ["vote.closed"]
    assert stored(w) == [{a: 1}]


def test_sealing_deletes_the_receipts_with_the_key(w):
    cycle_id, (a, _b, _c) = w["cycle_voting"], w["ballot_projects"]
    voting.cast(youth(w), cycle_id, None, {a: 1}, idempotency_key=KEY)
    voting.cast(code_voter(w), cycle_id, None, {a: 1}, idempotency_key=OTHER)
    assert count(VoteReceipt) == 2
    set_phase(cycle_id, Phase.RESULTS)

    voting.destroy_key(user(w["secretary"]), cycle_id)

    assert count(VoteReceipt) == 0 and count(Ballot) == 2
    assert codes(refused(voting.cast, youth(w), cycle_id, None, {a: 1}, idempotency_key=KEY)) == ["vote.sealed"]


def test_the_key_is_stored_only_as_a_keyed_hash(w):
    cycle_id, (a, _b, _c) = w["cycle_voting"], w["ballot_projects"]
    voting.cast(youth(w), cycle_id, None, {a: 1}, idempotency_key=KEY)
    row = db.session.scalars(select(VoteReceipt)).one()
    assert KEY not in row.key_hash and len(row.key_hash) == 64 and int(row.key_hash, 16) >= 0


def test_only_keys_that_look_like_ours_are_used():
    assert voting.valid_idempotency_key("A" * 16) == "A" * 16
    for bad in (None, "", "short", "x" * 65, "has space in it!!", "é" * 20, 12345678901234567):
        assert voting.valid_idempotency_key(bad) is None


def test_five_sends_of_one_key_at_once_change_the_ballot_once(app, world):
    cycle_id, (a, b, _c), voter_id = world["cycle_voting"], world["ballot_projects"], world["youth"]
    with app.app_context():
        voting.cast(Voter(user=db.session.get(User, voter_id)), cycle_id, None, {a: 1})

    def job():
        return voting.cast(Voter(user=db.session.get(User, voter_id)), cycle_id, None, {b: 1},
                           idempotency_key=KEY)

    results = run_together(app, [job] * 5)
    assert unexpected(results) == [] and {kind for kind, _ in results} == {"ok"}
    receipts = {value for _, value in results}
    assert len(receipts) == 1 and receipts.pop().version == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
        assert db.session.scalar(select(Ballot.version)) == 2
        assert db.session.get(Cycle, cycle_id) is not None
