"""The youth council's composition: its settings, seats, people and memberships.

The rules (who sits when, parity, what is off) are `ypb.domain.council`'s; this module loads
and saves, and records every change in the audit trail. Contact details of people are kept
for the secretary and never returned by the public functions (`public_person`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ypb.database import begin_write
from ypb.domain import council as rules
from ypb.domain.messages import N_
from ypb.extensions import db
from ypb.models.council import Affiliation, Council, Membership, Person, Seat
from ypb.services import Refused, audit, refuse, use_case

MAX_NAME = 120
MAX_LABEL = 80
MAX_BODY = 160
MAX_REASON = 200


@dataclass(frozen=True)
class HistoryRow:
    """One membership as the public history shows it."""

    membership: Membership
    person: Person
    seat: Seat


# --- reading -----------------------------------------------------------------------------


def get_council() -> Council | None:
    """The municipality's youth council, or None before the secretary has set it up."""
    return db.session.scalars(select(Council).order_by(Council.id).limit(1)).first()


def seats(council: Council) -> list[Seat]:
    return list(db.session.scalars(select(Seat).where(Seat.council_id == council.id)
                                   .order_by(Seat.position, Seat.id)))


def people() -> list[Person]:
    return list(db.session.scalars(select(Person).order_by(Person.name, Person.id)))


def memberships(council: Council) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).join(Seat).where(Seat.council_id == council.id)
        .options(selectinload(Membership.person), selectinload(Membership.seat))
        .order_by(Membership.start_date.desc(), Membership.id.desc())
    ))


def _seat_info(seat: Seat) -> rules.SeatInfo:
    return rules.SeatInfo(seat.id, seat.label, seat.constituency, seat.role)


def _membership_info(m: Membership) -> rules.MembershipInfo:
    return rules.MembershipInfo(m.seat_id, m.person_id, m.start_date, m.end_date, m.person.name, m.id,
                                m.end_reason, m.on_behalf_of)


def composition(council: Council, day: date) -> rules.Composition:
    """Who sits on the council on `day`, what is vacant and what is off."""
    return rules.composition_on(day, [_seat_info(s) for s in seats(council)],
                                [_membership_info(m) for m in memberships(council)],
                                rules.Parity(council.parity_municipal, council.parity_youth))


def history(council: Council) -> list[HistoryRow]:
    """Every membership, newest first: who sat when."""
    return [HistoryRow(m, m.person, m.seat) for m in memberships(council)]


def public_person(person_id: int) -> Person | None:
    """A person as the public may see them: a council member (present or past) only."""
    person = db.session.get(Person, person_id)
    if person is None or not person.memberships:
        return None
    return person


# --- the secretary -------------------------------------------------------------------------


def _text(value: str | None, limit: int, code: str, field: str, *, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise refuse(f"council.{code}_missing", N_("This can't be empty."), field)
    if len(value) > limit:
        raise refuse(f"council.{code}_too_long", N_("Use at most %(max)s characters."), field, max=limit)
    return value


@use_case
def save_settings(actor, name: str, parity_municipal: int, parity_youth: int, quorum_rule: str) -> Council:
    """Create the council or change its name, parity rule and quorum rule."""
    begin_write()
    name = _text(name, MAX_BODY, "name", "name")
    refusals = rules.parity_refusals(parity_municipal, parity_youth)
    if refusals:
        # Each message names its side; the form shows the first on that side's field.
        first = refusals[0]
        raise Refused(first, field=f"parity_{first.params['side']}")
    if quorum_rule not in set(rules.QuorumRule):
        raise refuse("council.quorum_rule", N_("Choose one of the quorum rules."), "quorum_rule")
    council = get_council()
    created = council is None
    if created:
        council = Council()
        db.session.add(council)
    council.name = name
    council.parity_municipal = parity_municipal
    council.parity_youth = parity_youth
    council.quorum_rule = quorum_rule
    db.session.flush()
    audit.record(actor, "council.create" if created else "council.settings", f"council:{council.id}",
                 {"parity": [parity_municipal, parity_youth], "quorum_rule": quorum_rule})
    db.session.commit()
    return council


def _require_council() -> Council:
    council = get_council()
    if council is None:
        raise refuse("council.not_set_up", N_("Set up the council first: its name and parity rule."))
    return council


@use_case
def add_seat(actor, label: str, constituency: str | None, role: str) -> Seat:
    begin_write()
    council = _require_council()
    label = _text(label, MAX_LABEL, "label", "label")
    if role not in set(rules.SeatRole):
        raise refuse("council.seat_role", N_("Choose the seat's role."), "role")
    if role == rules.SeatRole.SECRETARY:
        constituency = None
    elif constituency not in set(rules.Constituency):
        raise refuse("council.seat_side", N_("Choose the side the seat belongs to: municipal or youth."),
                     "constituency")
    if db.session.scalar(select(Seat.id).where(Seat.council_id == council.id, Seat.label == label)):
        raise refuse("council.seat_label_taken", N_("Another seat already has this name."), "label")
    position = (db.session.scalar(select(func.max(Seat.position)).where(Seat.council_id == council.id))
                or 0) + 1
    seat = Seat(council_id=council.id, label=label, constituency=constituency, role=role, position=position)
    db.session.add(seat)
    db.session.flush()
    audit.record(actor, "council.seat_add", f"seat:{seat.id}",
                 {"label": label, "constituency": constituency, "role": role})
    db.session.commit()
    return seat


@use_case
def add_person(actor, name: str, email: str | None = None, phone: str | None = None) -> Person:
    """A person who can hold a seat; an account is not needed. Contact details stay private."""
    begin_write()
    name = _text(name, MAX_NAME, "person_name", "name")
    email = _text(email, 254, "email", "email", required=False) or None
    phone = _text(phone, 40, "phone", "phone", required=False) or None
    if email is not None and "@" not in email:
        raise refuse("council.email", N_("Enter an email address like name@example.org, or leave it empty."),
                     "email")
    person = Person(name=name, email=email, phone=phone)
    db.session.add(person)
    db.session.flush()
    # The trail names the person (members are public) but not their contact details.
    audit.record(actor, "council.person_add", f"person:{person.id}", {"name": name})
    db.session.commit()
    return person


@use_case
def add_affiliation(actor, person_id: int, body: str, role: str = "", start: date | None = None,
                    end: date | None = None) -> Affiliation:
    """A seat the person holds in another body, shown on their public page."""
    begin_write()
    person = db.session.get(Person, person_id)
    if person is None:
        raise refuse("council.no_person", N_("Choose a person from the list."), "person_id")
    body = _text(body, MAX_BODY, "body", "body")
    role = _text(role, 80, "affiliation_role", "role", required=False)
    if start is not None and end is not None and end < start:
        raise refuse("council.affiliation_dates", N_("The end date can't be before the start date."), "end")
    affiliation = Affiliation(person_id=person.id, body=body, role=role, start_date=start, end_date=end)
    db.session.add(affiliation)
    db.session.flush()
    audit.record(actor, "council.affiliation_add", f"person:{person.id}", {"body": body, "role": role})
    db.session.commit()
    return affiliation


def _locked_seat(seat_id: int) -> Seat | None:
    # The row lock makes two secretaries' appointments to one seat queue on PostgreSQL, so the
    # overlap check below sees the other's membership (SQLite's write lock already does).
    return db.session.scalars(select(Seat).where(Seat.id == seat_id).with_for_update()).first()


def _check_membership(candidate: rules.MembershipInfo, seat: Seat, field: str) -> None:
    existing = [_membership_info(m) for m in seat.memberships]
    refusals = rules.membership_refusals(candidate, existing)
    if refusals:
        raise Refused(*refusals, field=field)


@use_case
def appoint(actor, seat_id: int, person_id: int, start: date, on_behalf_of: str = "",
            end: date | None = None) -> Membership:
    """Seat a person from `start` (inclusive) until `end` (inclusive; open while serving)."""
    begin_write()
    council = _require_council()
    seat = _locked_seat(seat_id)
    if seat is None or seat.council_id != council.id:
        raise refuse("council.no_seat", N_("Choose a seat from the list."), "seat_id")
    person = db.session.get(Person, person_id)
    if person is None:
        raise refuse("council.no_person", N_("Choose a person from the list."), "person_id")
    on_behalf_of = _text(on_behalf_of, MAX_BODY, "on_behalf_of", "on_behalf_of", required=False)
    _check_membership(rules.MembershipInfo(seat.id, person.id, start, end, person.name), seat,
                      "end" if end is not None and end < start else "start")
    membership = Membership(seat_id=seat.id, person_id=person.id, start_date=start, end_date=end,
                            on_behalf_of=on_behalf_of)
    db.session.add(membership)
    db.session.flush()
    audit.record(actor, "council.appoint", f"membership:{membership.id}",
                 {"seat": seat.id, "person": person.id, "start": start.isoformat(),
                  "end": end.isoformat() if end else None, "on_behalf_of": on_behalf_of})
    db.session.commit()
    return membership


@use_case
def end_membership(actor, membership_id: int, end: date, reason: str) -> Membership:
    """Close a membership on its last day, with the reason (term over, resigned, ...); a fixed
    term may be cut short this way too."""
    begin_write()
    membership = db.session.get(Membership, membership_id)
    if membership is None:
        raise refuse("council.no_membership", N_("That membership does not exist."))
    seat = _locked_seat(membership.seat_id)
    if membership.end_date is not None and end >= membership.end_date:
        # A fixed term may end early (a resignation); it can't be stretched past its planned end here.
        raise refuse("council.already_ended", N_("This membership already ends on %(end)s. To end it early, "
                                                 "choose an earlier day."), "end", end=membership.end_date)
    reason = _text(reason, MAX_REASON, "end_reason", "reason")
    candidate = rules.MembershipInfo(membership.seat_id, membership.person_id, membership.start_date, end,
                                     membership.person.name, membership.id)
    _check_membership(candidate, seat, "end")
    membership.end_date = end
    membership.end_reason = reason
    audit.record(actor, "council.membership_end", f"membership:{membership.id}",
                 {"end": end.isoformat(), "reason": reason})
    db.session.commit()
    return membership
