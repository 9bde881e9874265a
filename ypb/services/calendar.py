"""The public calendar: the secretary's events (add, edit, cancel, each with its audit row
in the same transaction), every public date of a period, and the iCalendar feed.

The dates themselves come from where they are kept: the phase ends of public cycles (never
drafts), the council's meetings and the events; `ypb.domain.calendar` merges and sorts them.
Events are typed and shown in the municipality's time zone (YPB_TIMEZONE).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from icalendar import Calendar, Event
from sqlalchemy import select

from ypb.database import begin_write
from ypb.domain import calendar as rules
from ypb.domain.calendar import CycleDates, Entry, EventDates, EventInput, MeetingDates, Source
from ypb.domain.cycle import Phase
from ypb.domain.messages import N_, Refusal
from ypb.extensions import db
from ypb.models import CalendarEvent, Cycle, Meeting
from ypb.models.base import utcnow
from ypb.services import Refused, audit, refuse, use_case
from ypb.services import cycles as cycle_service

RECENT = timedelta(days=90)  # how far back the calendar page's "past" section reaches


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["YPB_TIMEZONE"])


# --- reading -----------------------------------------------------------------------------


def get(event_id: int) -> CalendarEvent | None:
    return db.session.get(CalendarEvent, event_id)


def linkable_cycles() -> list[Cycle]:
    """The cycles an event may point to: public ones (a draft's page is not public yet)."""
    return cycle_service.public_cycles()


def entries(*, kinds: Iterable[str] | None = None, start: datetime | None = None, end: datetime | None = None,
            now: datetime | None = None) -> list[Entry]:
    """Every public date overlapping [start, end) (both optional), soonest first; `kinds`
    are values of `ypb.domain.calendar.FILTERS` (None or empty: all)."""
    now = now or utcnow()
    wanted = set(kinds or rules.FILTERS)
    event_kinds = wanted & set(rules.KINDS)
    return rules.merge(
        _cycles(now) if Source.DEADLINE.value in wanted else [],
        _meetings() if Source.MEETING.value in wanted else [],
        _events(event_kinds) if event_kinds else [],
        zone(), start=start, end=end, kinds=wanted,
    )


def _cycles(now: datetime) -> list[CycleDates]:
    # public_cycles leaves drafts out; the domain leaves them out too, as a second guard.
    return [CycleDates(c.id, c.title, c.phase, cycle_service.timeline(c, now), c.created_at)
            for c in cycle_service.public_cycles()]


def _meetings() -> list[MeetingDates]:
    found = db.session.scalars(select(Meeting).order_by(Meeting.starts_at, Meeting.id))
    return [MeetingDates(m.id, m.title, m.starts_at, m.place or m.online_url, m.status == "cancelled", m.created_at)
            for m in found]


def _events(kinds: set[str]) -> list[EventDates]:
    found = db.session.scalars(select(CalendarEvent).where(CalendarEvent.kind.in_(sorted(kinds)))
                               .order_by(CalendarEvent.starts_at, CalendarEvent.id))
    return [_dates(e) for e in found]


def _dates(event: CalendarEvent) -> EventDates:
    return EventDates(event.id, event.title, event.kind, event.starts_at, event.ends_at, event.all_day,
                      event.place, event.cancelled, event.cycle_id, event.sequence, event.updated_at)


def entry_of(event: CalendarEvent) -> Entry:
    """One event as a calendar entry (its local days, for its page)."""
    return rules.merge([], [], [_dates(event)], zone())[0]


@dataclass(frozen=True)
class Overview:
    """The calendar page: what is coming, what just happened, and the years to look back on."""

    upcoming: list[Entry]  # soonest first, including what is under way
    recent: list[Entry]  # over within RECENT, latest first
    years: list[int]  # every year with an entry, latest first


def overview(kinds: Iterable[str] | None = None, now: datetime | None = None) -> Overview:
    now = now or utcnow()
    listed = entries(kinds=kinds, now=now)
    upcoming, past = rules.split_upcoming(listed, now)
    recent = [e for e in past if e.over_at > now - RECENT]
    years = sorted({e.first_day.year for e in listed}, reverse=True)
    return Overview(upcoming, recent, years)


def of_year(year: int, kinds: Iterable[str] | None = None, now: datetime | None = None) -> list[Entry]:
    """Every entry of one year on the municipality's calendar, in order."""
    local = zone()
    start = datetime(year, 1, 1, tzinfo=local).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=local).astimezone(UTC)
    return entries(kinds=kinds, start=start, end=end, now=now)


# --- the iCalendar feed ------------------------------------------------------------------------


def ical(*, name: str, url_of: Callable[[Entry], str], summary_of: Callable[[Entry], str],
         kinds: Iterable[str] | None = None, now: datetime | None = None) -> bytes:
    """Every public date as iCalendar. `summary_of` and `url_of` give each entry's title (in
    the reader's language) and its page's address. Times carry the municipality's time zone,
    with its VTIMEZONE, so calendar apps show the municipality's clock time."""
    now = now or utcnow()
    local = zone()
    listed = entries(kinds=kinds, now=now)
    descriptions = {e.id: e.description for e in db.session.scalars(select(CalendarEvent))}
    calendar = Calendar()
    calendar.add("prodid", "-//ypb//public calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(local))
    for entry in listed:
        item = Event()
        item.add("uid", f"{entry.uid}@ypb")
        item.add("summary", summary_of(entry))
        item.add("dtstamp", entry.stamp or now)
        if entry.all_day:
            item.add("dtstart", entry.first_day)
            item.add("dtend", entry.last_day + timedelta(days=1))  # exclusive, as iCalendar wants
        else:
            item.add("dtstart", entry.starts_at.astimezone(local))
            if entry.ends_at is not None:
                item.add("dtend", entry.ends_at.astimezone(local))
        if entry.source is Source.DEADLINE:
            item.add("transp", "TRANSPARENT")  # a deadline is a moment, not time spent
        if entry.place:
            item.add("location", entry.place)
        url = url_of(entry)
        item.add("url", url)
        text = descriptions.get(entry.ref, "").strip() if entry.source is Source.EVENT else ""
        item.add("description", f"{text}\n\n{url}" if text else url)
        item.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        item.add("sequence", entry.sequence)
        if entry.source is Source.EVENT and entry.stamp is not None:
            item.add("last-modified", entry.stamp)
        calendar.add_component(item)
    if listed:
        # Only the years the entries span: the whole history of the zone would triple the file.
        calendar.add_missing_timezones(first_date=min(e.first_day for e in listed) - timedelta(days=1),
                                       last_date=max(e.last_day for e in listed) + timedelta(days=2))
    return calendar.to_ical()


# --- the secretary's events --------------------------------------------------------------------


def _event(event_id: int) -> CalendarEvent:
    event = db.session.get(CalendarEvent, event_id)
    if event is None:
        raise refuse("event.not_found", N_("That event does not exist."))
    return event


def _cycle_refusals(cycle_id: int | None) -> list[tuple[str, Refusal]]:
    if cycle_id is None:
        return []
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None or cycle.phase == Phase.DRAFT.value:
        # The event's page is public: it must not reveal a cycle still in preparation.
        return [("cycle_id", Refusal("event.cycle", N_(
            "Choose a budget cycle from the list: only cycles open to the public can be linked.")))]
    return []


def _raise_first(found: list[tuple[str, Refusal]]) -> None:
    if found:
        field = found[0][0]
        raise Refused(*[r for f, r in found if f == field], field=field)


def _check(data: EventInput, now: datetime) -> rules.Span:
    _raise_first(rules.event_refusals(data, zone(), now) + _cycle_refusals(data.cycle_id))
    return rules.event_span(data, zone())


def _apply(event: CalendarEvent, data: EventInput, span: rules.Span) -> None:
    event.title = data.title.strip()
    event.kind = data.kind
    event.description = (data.description or "").strip()
    event.place = (data.place or "").strip()
    event.starts_at, event.ends_at, event.all_day = span.starts_at, span.ends_at, span.all_day
    event.cycle_id = data.cycle_id


_AUDITED = ("title", "kind", "description", "place", "starts_at", "ends_at", "all_day", "cycle_id")


def _snapshot(event: CalendarEvent) -> dict[str, str]:
    values = {name: getattr(event, name) for name in _AUDITED}
    return {k: v.isoformat() if isinstance(v, datetime) else ("" if v is None else str(v)) for k, v in values.items()}


@use_case
def create(actor, data: EventInput, now: datetime | None = None) -> CalendarEvent:
    now = now or utcnow()
    begin_write()
    span = _check(data, now)
    event = CalendarEvent(created_by_id=actor.id, created_at=now, updated_at=now, sequence=0, cancelled=False)
    _apply(event, data, span)
    db.session.add(event)
    db.session.flush()
    audit.record(actor, "calendar.event.create", f"calendar_event:{event.id}",
                 {k: v for k, v in _snapshot(event).items() if k != "description"})
    db.session.commit()
    return event


@use_case
def update(actor, event_id: int, data: EventInput, now: datetime | None = None) -> CalendarEvent:
    """Save the changes; each saved change counts one more SEQUENCE for calendar apps."""
    now = now or utcnow()
    begin_write()
    event = _event(event_id)
    if event.cancelled:
        raise refuse("event.cancelled", N_("This event was cancelled, so it can't be changed."))
    span = _check(data, now)
    before = _snapshot(event)
    _apply(event, data, span)
    changes = {k: v for k, v in _snapshot(event).items() if v != before[k]}
    if changes:
        event.sequence += 1
        event.updated_at = now
        if "description" in changes:
            changes["description"] = "changed"  # the text is on the page; the trail notes the change
        audit.record(actor, "calendar.event.update", f"calendar_event:{event.id}", changes)
    db.session.commit()
    return event


@use_case
def cancel(actor, event_id: int, now: datetime | None = None) -> CalendarEvent:
    """Mark an event cancelled. It stays listed, marked as cancelled, and the feed says so."""
    now = now or utcnow()
    begin_write()
    event = _event(event_id)
    if event.cancelled:
        raise refuse("event.already_cancelled", N_("This event is already cancelled."))
    event.cancelled = True
    event.cancelled_at = now
    event.updated_at = now
    event.sequence += 1
    audit.record(actor, "calendar.event.cancel", f"calendar_event:{event.id}", {"title": event.title})
    db.session.commit()
    return event
