"""ypb.services.council: the council's settings, seats, people and memberships, with the
composition on any day computed from what was saved."""

from __future__ import annotations

from datetime import date

import pytest

from tests.services import audit_entries, codes, count, refused, user
from ypb.domain.council import Constituency
from ypb.models import Affiliation, Council, Membership, Person, Seat
from ypb.services import council

D = date(2030, 1, 1)


@pytest.fixture
def staff(app, users):
    with app.app_context():
        yield user(users["secretary"])


def five_and_five(staff, start: date = D) -> dict[str, int]:
    """A 5 + 5 council with a chair and a secretary seat, everyone seated on `start`."""
    council.save_settings(staff, "Youth Affairs Council", 5, 5, "majority")
    ids = {}
    for side in ("municipal", "youth"):
        for n in range(1, 6):
            role = "chair" if (side, n) == ("youth", 1) else "member"
            seat = council.add_seat(staff, f"{side.title()} seat {n}", side, role)
            person = council.add_person(staff, f"{side.title()} member {n}", email=f"{side}{n}@example.org")
            council.appoint(staff, seat.id, person.id, start, on_behalf_of="Municipal council" if side == "municipal"
                            else "Youth organisations' union")
            ids[f"{side}{n}"] = seat.id
            ids[f"{side}{n}-person"] = person.id
    ids["secretary"] = council.add_seat(staff, "Secretary", None, "secretary").id
    return ids


def test_a_full_five_and_five_council_is_balanced(staff):
    five_and_five(staff)
    found = council.get_council()
    today = council.composition(found, date(2030, 6, 1))
    assert today.balanced and today.issues == ()
    assert {side: c.members for side, c in today.sides.items()} == {Constituency.MUNICIPAL: 5,
                                                                      Constituency.YOUTH: 5}
    assert [s.label for s in today.vacant] == ["Secretary"]  # non-voting: not a parity problem
    # The day before anyone was seated, every seat is vacant and parity is off.
    before = council.composition(found, date(2029, 12, 31))
    assert not before.balanced and before.issues


def test_ending_a_membership_opens_a_vacancy_the_day_after(staff):
    ids = five_and_five(staff)
    [membership] = council.seats(council.get_council())[5].memberships  # youth seat 1, the chair
    council.end_membership(staff, membership.id, date(2030, 3, 31), "Moved to another town")
    found = council.get_council()
    assert council.composition(found, date(2030, 3, 31)).balanced  # the last day still counts
    after = council.composition(found, date(2030, 4, 1))
    assert not after.balanced
    assert [s.id for s in after.vacant if s.constituency == "youth"] == [ids["youth1"]]
    [entry] = audit_entries("council.membership_end")
    assert "Moved to another town" in entry.data


def test_a_successor_may_start_the_day_after_but_not_on_the_last_day(staff):
    ids = five_and_five(staff)
    membership = council.seats(council.get_council())[0].memberships[0]
    council.end_membership(staff, membership.id, date(2030, 3, 31), "Term over")
    successor = council.add_person(staff, "New member")
    exc = refused(council.appoint, staff, ids["municipal1"], successor.id, date(2030, 3, 31))
    assert exc.field == "start" and codes(exc)
    council.appoint(staff, ids["municipal1"], successor.id, date(2030, 4, 1), on_behalf_of="Municipal council")
    assert council.composition(council.get_council(), date(2030, 4, 1)).balanced


def test_an_overlapping_appointment_changes_nothing(staff):
    ids = five_and_five(staff)
    other = council.add_person(staff, "Someone else")
    before = count(Membership)
    exc = refused(council.appoint, staff, ids["youth2"], other.id, date(2030, 2, 1))
    assert exc.field == "start"
    assert count(Membership) == before
    assert not audit_entries("council.appoint", f"membership:{before + 1}")


def test_a_membership_cannot_end_before_it_starts_or_end_twice(staff):
    five_and_five(staff)
    membership = council.seats(council.get_council())[0].memberships[0]
    exc = refused(council.end_membership, staff, membership.id, date(2029, 12, 31), "Oops")
    assert exc.field == "end"
    council.end_membership(staff, membership.id, date(2030, 5, 1), "Resigned")
    exc = refused(council.end_membership, staff, membership.id, date(2030, 6, 1), "Again")
    assert codes(exc) == ["council.already_ended"]
    assert council.seats(council.get_council())[0].memberships[0].end_date == date(2030, 5, 1)


def test_a_fixed_term_can_be_cut_short(staff):
    council.save_settings(staff, "Council", 1, 1, "majority")
    seat = council.add_seat(staff, "Youth seat", "youth", "member")
    person = council.add_person(staff, "Ona")
    term = council.appoint(staff, seat.id, person.id, date(2030, 1, 1), end=date(2031, 12, 31))
    council.end_membership(staff, term.id, date(2030, 8, 31), "Resigned: moved abroad")
    assert (term.end_date, term.end_reason) == (date(2030, 8, 31), "Resigned: moved abroad")


def test_an_end_reason_is_required(staff):
    five_and_five(staff)
    membership = council.seats(council.get_council())[0].memberships[0]
    exc = refused(council.end_membership, staff, membership.id, date(2030, 5, 1), "  ")
    assert exc.field == "reason"
    assert council.seats(council.get_council())[0].memberships[0].end_date is None


@pytest.mark.parametrize(("municipal", "youth", "field"), [(0, 5, "parity_municipal"), (5, 0, "parity_youth"),
                                                          (0, 0, "parity_municipal")])
def test_parity_needs_a_seat_on_each_side(staff, municipal, youth, field):
    exc = refused(council.save_settings, staff, "Council", municipal, youth, "majority")
    assert codes(exc) == ["council.parity_too_small"] and exc.field == field
    assert count(Council) == 0


def test_settings_change_and_are_audited(staff):
    council.save_settings(staff, "Council", 5, 5, "majority")
    council.save_settings(staff, "Youth Affairs Council", 4, 6, "majority_each_side")
    found = council.get_council()
    assert (found.name, found.parity_municipal, found.parity_youth, found.quorum_rule) == (
        "Youth Affairs Council", 4, 6, "majority_each_side")
    assert count(Council) == 1
    assert [e.action for e in audit_entries() if e.action.startswith("council.")] == [
        "council.create", "council.settings"]
    assert codes(refused(council.save_settings, staff, "Council", 5, 5, "anyone")) == ["council.quorum_rule"]


def test_seats_need_a_council_a_side_and_a_unique_name(staff):
    assert codes(refused(council.add_seat, staff, "Seat 1", "youth", "member")) == ["council.not_set_up"]
    council.save_settings(staff, "Council", 5, 5, "majority")
    assert refused(council.add_seat, staff, "Seat 1", None, "member").field == "constituency"
    assert refused(council.add_seat, staff, "Seat 1", "youth", "mayor").field == "role"
    council.add_seat(staff, "Seat 1", "youth", "member")
    assert codes(refused(council.add_seat, staff, "Seat 1", "municipal", "member")) == ["council.seat_label_taken"]
    # The secretary's seat belongs to no side, whatever the form sent.
    secretary = council.add_seat(staff, "Secretary", "youth", "secretary")
    assert secretary.constituency is None
    assert count(Seat) == 2


def test_people_keep_contact_details_private_in_the_trail(staff):
    person = council.add_person(staff, "  Ona   Petraitė ", email="ona@example.org", phone="+370 600 00000")
    assert person.name == "Ona Petraitė"
    [entry] = audit_entries("council.person_add")
    assert "Ona" in entry.data and "example.org" not in entry.data and "600" not in entry.data
    assert refused(council.add_person, staff, "Jonas", email="not an address").field == "email"
    assert refused(council.add_person, staff, "").field == "name"
    assert count(Person) == 1


def test_only_people_who_sat_on_the_council_are_public(staff):
    ids = five_and_five(staff)
    never = council.add_person(staff, "Applicant")
    assert council.public_person(never.id) is None
    assert council.public_person(ids["youth1-person"]).name == "Youth member 1"
    assert council.public_person(999_999) is None


def test_affiliations_in_other_bodies(staff):
    ids = five_and_five(staff)
    council.add_affiliation(staff, ids["youth1-person"], "Municipal board", "Member", date(2030, 1, 1))
    assert refused(council.add_affiliation, staff, ids["youth1-person"], "Board", "", date(2030, 2, 1),
                   date(2030, 1, 1)).field == "end"
    assert refused(council.add_affiliation, staff, 999_999, "Board").field == "person_id"
    assert [a.body for a in council.public_person(ids["youth1-person"]).affiliations] == ["Municipal board"]
    assert count(Affiliation) == 1


def test_history_lists_who_sat_when_newest_first(staff):
    ids = five_and_five(staff)
    membership = council.seats(council.get_council())[0].memberships[0]
    council.end_membership(staff, membership.id, date(2030, 3, 31), "Term over")
    successor = council.add_person(staff, "Successor")
    council.appoint(staff, ids["municipal1"], successor.id, date(2030, 4, 1))
    rows = council.history(council.get_council())
    assert len(rows) == 11
    assert rows[0].person.name == "Successor"
    ended = [r for r in rows if r.membership.end_date is not None]
    assert [(r.person.name, r.membership.end_reason) for r in ended] == [("Municipal member 1", "Term over")]
