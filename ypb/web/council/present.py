"""The council's facts in the reader's words: sides, roles, dates and the parity status.

The domain hands over stored strings, `date`s and `Refusal`s; this module translates them
and formats their parameters for people, so templates only place the words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _

from ypb.domain.council import (
    CONSTITUENCY_LABELS,
    ROLE_LABELS,
    Composition,
    Constituency,
    SeatHolding,
    SeatRole,
)
from ypb.web.i18n import format_when


def side_label(constituency: str | None) -> str:
    """"municipal" or "youth" in the reader's language; the secretary's seat has no side."""
    if constituency is None:
        return _("no side (non-voting)")
    return _(CONSTITUENCY_LABELS[Constituency(constituency)])


def role_label(role: str) -> str:
    return _(ROLE_LABELS[SeatRole(role)])


def seat_choice(seat) -> str:
    """A seat as a line of the appointment form's list: its name, side and role."""
    if seat.role == SeatRole.SECRETARY:
        return _("%(seat)s (%(role)s)", seat=seat.label, role=role_label(seat.role))
    if seat.role == SeatRole.MEMBER:
        return _("%(seat)s (%(side)s)", seat=seat.label, side=side_label(seat.constituency))
    return _("%(seat)s (%(side)s, %(role)s)", seat=seat.label, side=side_label(seat.constituency),
             role=role_label(seat.role))


def _param(key: str, value):
    if key == "side" and value is not None:
        return side_label(value)
    if isinstance(value, datetime):  # before date: a datetime is also a date
        return format_when(value)
    if isinstance(value, date):
        return format_date(value, "long")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value


def council_text(refusal) -> str:
    """A refusal or a composition finding in the reader's language, dates and sides in words."""
    return _(refusal.message, **{key: _param(key, value) for key, value in refusal.params.items()})


@dataclass(frozen=True)
class SideGroup:
    heading: str
    holdings: tuple[SeatHolding, ...]


def groups(composition: Composition) -> tuple[list[SideGroup], list[SeatHolding]]:
    """The voting seats by side, in the council's order, and the secretary's seat apart."""
    sides = [
        SideGroup(_("Municipal seats") if side is Constituency.MUNICIPAL else _("Youth seats"),
                  tuple(h for h in composition.holdings if h.seat.constituency is side))
        for side in (Constituency.MUNICIPAL, Constituency.YOUTH)
    ]
    secretary = [h for h in composition.holdings if not h.seat.voting]
    return sides, secretary


@dataclass(frozen=True)
class ParityStatus:
    balanced: bool
    summary: str
    issues: list[str]


def parity_status(composition: Composition, parity_municipal: int, parity_youth: int) -> ParityStatus:
    """All is well in one sentence, or what the rule says followed by everything off."""
    municipal = composition.sides[Constituency.MUNICIPAL].members
    youth = composition.sides[Constituency.YOUTH].members
    if not composition.issues:
        return ParityStatus(True, _(
            "Balanced: %(municipal)s municipal and %(youth)s youth members, as the parity rule says.",
            municipal=municipal, youth=youth), [])
    return ParityStatus(False, _(
        "The parity rule says %(expected_municipal)s municipal and %(expected_youth)s youth members; "
        "on this day there are %(municipal)s municipal and %(youth)s youth members.",
        expected_municipal=parity_municipal, expected_youth=parity_youth, municipal=municipal, youth=youth),
        [council_text(issue) for issue in composition.issues])
