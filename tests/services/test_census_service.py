"""ypb.services.census: the secretary's list of identifiers, kept only as keyed hashes,
and a voter claiming theirs once to be on the list."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.conftest import make_user
from tests.services import audit_entries, codes, count, refused, user
from ypb.extensions import db
from ypb.models import AuditEntry, CensusEntry, Cycle, VotingKey
from ypb.services import census, voting

SCHOOL_LIST = "S-1001\n s-1001 \nS-1002\n\nS-1003\nS-1002\n"  # three numbers, two repeated


@pytest.fixture
def w(app, world):
    with app.app_context():
        yield world


def staff(w):
    return user(w["secretary"])


def youth(w):
    return user(w["youth"])


def test_the_list_stores_no_plain_identifier(w):
    result = census.upload(staff(w), w["cycle_voting"], SCHOOL_LIST)
    assert (result.added, result.already) == (3, 2)
    assert census.counts(w["cycle_voting"]) == {"listed": 3, "claimed": 0}

    rows = db.session.execute(select(CensusEntry.__table__)).all()
    assert len(rows) == 3
    stored = " ".join(str(value) for row in rows for value in row).casefold()
    # "s-1001" (the normalised form) has a dash and an "s", so a hex digest can't contain it
    # by chance, as it can "1001".
    for plain in ("s-1001", "s-1002", "s-1003"):
        assert plain not in stored
    # Nor in the audit trail, which records only how many.
    trail = " ".join(e.data for e in db.session.scalars(select(AuditEntry)))
    assert "s-1001" not in trail.casefold()
    [entry] = audit_entries("census.upload")
    assert json.loads(entry.data) == {"added": 3, "listed": 3}


def test_a_second_upload_adds_only_new_numbers(w):
    census.upload(staff(w), w["cycle_voting"], "S-1001\nS-1002")
    result = census.upload(staff(w), w["cycle_voting"], "s-1002\nS-1004\n")
    assert (result.added, result.already) == (1, 1)
    assert census.counts(w["cycle_voting"])["listed"] == 3


def test_the_first_column_of_a_spreadsheet_is_read(w):
    sheet = "\ufeffStudent number;Name;Class\nS-1001;Anna;9B\nS-1002;Jonas;9B\n"
    result = census.upload(staff(w), w["cycle_voting"], sheet, skip_header=True)
    assert result.added == 2
    census.claim(youth(w), w["cycle_voting"], "s-1002")
    assert census.is_listed(w["cycle_voting"], w["youth"])


def test_an_empty_list_is_refused(w):
    exc = refused(census.upload, staff(w), w["cycle_voting"], "\n  \n")
    assert codes(exc) == ["census.empty"]
    assert count(CensusEntry) == 0


def test_a_voter_claims_their_number_once(w):
    census.upload(staff(w), w["cycle_voting"], SCHOOL_LIST)
    assert not census.is_listed(w["cycle_voting"], w["youth"])

    census.claim(youth(w), w["cycle_voting"], "  s-1002 ")
    assert census.is_listed(w["cycle_voting"], w["youth"])
    assert census.counts(w["cycle_voting"]) == {"listed": 3, "claimed": 1}
    [entry] = audit_entries("census.claim")
    assert entry.actor == f"user:{w['youth']}" and entry.data == "{}"

    census.claim(youth(w), w["cycle_voting"], "S-1002")  # the same number again changes nothing
    assert codes(refused(census.claim, youth(w), w["cycle_voting"], "S-1003")) == ["census.already"]
    assert census.counts(w["cycle_voting"])["claimed"] == 1


def test_a_number_claimed_by_someone_else_is_refused_without_saying_whose(w, app):
    census.upload(staff(w), w["cycle_voting"], SCHOOL_LIST)
    census.claim(youth(w), w["cycle_voting"], "S-1001")
    other = user(make_user(app, "mara"))
    exc = refused(census.claim, other, w["cycle_voting"], "S-1001")
    assert codes(exc) == ["census.taken"]
    assert exc.refusals[0].params == {}
    assert "youth" not in exc.refusals[0].message.casefold()
    assert not census.is_listed(w["cycle_voting"], other.id)
    census.claim(other, w["cycle_voting"], "S-1003")
    assert census.is_listed(w["cycle_voting"], other.id)


@pytest.mark.parametrize(("typed", "code"), [("S-9999", "census.unknown"), ("   ", "census.blank")])
def test_a_wrong_number_is_refused(w, typed, code):
    census.upload(staff(w), w["cycle_voting"], SCHOOL_LIST)
    exc = refused(census.claim, youth(w), w["cycle_voting"], typed)
    assert codes(exc) == [code]
    assert exc.field == "identifier"
    assert census.counts(w["cycle_voting"])["claimed"] == 0


def test_the_list_of_one_cycle_does_not_count_in_another(w):
    census.upload(staff(w), w["cycle_voting"], SCHOOL_LIST)
    assert codes(refused(census.claim, youth(w), w["cycle_review"], "S-1001")) == ["census.unknown"]


def test_the_list_becomes_required_before_voting_opens(w):
    cycle_id = w["cycle_review"]
    assert codes(refused(census.set_required, staff(w), cycle_id, True)) == ["census.no_list"]
    census.upload(staff(w), cycle_id, SCHOOL_LIST)
    census.set_required(staff(w), cycle_id, True)
    assert db.session.get(Cycle, cycle_id).census_required is True
    assert json.loads(audit_entries("census.required")[0].data) == {"required": True}

    cycle = db.session.get(Cycle, cycle_id)
    assert [r.code for r in census.refusals(cycle, youth(w))] == ["eligibility.census"]
    census.claim(youth(w), cycle_id, "S-1003")
    assert census.refusals(cycle, youth(w)) == []


def test_the_requirement_locks_when_voting_opens(w):
    census.upload(staff(w), w["cycle_voting"], SCHOOL_LIST)
    exc = refused(census.set_required, staff(w), w["cycle_voting"], True)
    assert codes(exc) == ["census.locked"]
    assert db.session.get(Cycle, w["cycle_voting"]).census_required is False
    # Nobody is refused by a list the cycle does not require.
    assert census.refusals(db.session.get(Cycle, w["cycle_voting"]), youth(w)) == []


def test_nothing_changes_once_voting_is_over(w):
    census.upload(staff(w), w["cycle_voting"], SCHOOL_LIST)
    cycle = db.session.get(Cycle, w["cycle_voting"])
    cycle.phase = "results"
    db.session.commit()
    assert codes(refused(census.claim, youth(w), w["cycle_voting"], "S-1001")) == ["census.closed"]
    assert codes(refused(census.upload, staff(w), w["cycle_voting"], "S-2000")) == ["census.closed"]


def test_the_hashes_use_the_voting_key_so_destroying_it_seals_the_list(w):
    census.upload(staff(w), w["cycle_voting"], "S-1001")
    key = db.session.get(VotingKey, w["cycle_voting"]).key
    assert db.session.scalar(select(CensusEntry.id_hash)) == voting._hmac(key, "census:s-1001")

    cycle = db.session.get(Cycle, w["cycle_voting"])
    cycle.phase = "results"
    db.session.commit()
    voting.destroy_key(staff(w), w["cycle_voting"])
    db.session.expire_all()
    # Without the key nobody can test a number against the stored hashes any more.
    assert db.session.get(VotingKey, w["cycle_voting"]).key is None
    assert codes(refused(census.claim, youth(w), w["cycle_voting"], "S-1001")) == ["census.closed"]
    assert census.counts(w["cycle_voting"]) == {"listed": 1, "claimed": 0}
