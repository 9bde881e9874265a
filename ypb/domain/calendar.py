"""The public calendar: what a secretary may enter for an event, and the one merged list of
dates the public sees (phase deadlines of public cycles, council meetings, events).

This module owns:

- the kinds of event (`KINDS`) and the calendar's filters (`FILTERS`);
- every refusal of an event's typed values (`event_refusals`) and turning the typed local
  days and times into stored moments (`event_span`);
- which phase dates of a cycle are deadlines and what they are called (`cycle_deadlines`);
- the merged, sorted list of entries (`merge`), split into upcoming and past
  (`split_upcoming`), grouped by month (`by_month`).

It does not load or save anything, check roles or translate. Callers pass plain values,
the municipality's time zone and the current time; they translate each `Refusal.message`
and each entry's `label` with gettext, then fill in `%(name)s` from `Refusal.params`.

Time rules: every stored moment is aware UTC. Days and times are typed as the
municipality's clocks show them. An all-day event runs from local midnight of its first
day to local midnight after its last day (the end is exclusive, as in iCalendar), so it
covers whole days wherever the reader is. A deadline is one moment: it has no end.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from types import MappingProxyType

from ypb.domain.cycle import Phase, TimelineStep
from ypb.domain.messages import N_, Refusal

__all__ = [
    "FILTERS",
    "FILTER_LABELS",
    "KINDS",
    "KIND_LABELS",
    "MAX_DAYS",
    "MAX_DESCRIPTION",
    "MAX_PLACE",
    "MAX_TITLE",
    "YEARS_AROUND",
    "CycleDates",
    "Entry",
    "EventDates",
    "EventInput",
    "MeetingDates",
    "Source",
    "Span",
    "by_month",
    "cycle_deadlines",
    "event_refusals",
    "event_span",
    "merge",
    "split_upcoming",
]

MAX_TITLE = 160
MAX_PLACE = 200
MAX_DESCRIPTION = 20_000
# A weekend hackathon or a week-long forum fits; a term-long course is several events.
MAX_DAYS = 31
# Events are planned a few years ahead at most; a year outside this is a typo (2207, 0227).
YEARS_AROUND = 5
MEETING_LENGTH = timedelta(hours=2)  # as the meetings feed shows them: meetings have no planned end

KINDS: tuple[str, ...] = ("workshop", "hackathon", "forum", "other")
KIND_LABELS = MappingProxyType({
    "workshop": N_("Workshop"),
    "hackathon": N_("Hackathon"),
    "forum": N_("Forum"),
    "other": N_("Event"),
})


class Source(StrEnum):
    """Where an entry comes from; also the order of entries at the same moment."""

    DEADLINE = "deadline"
    MEETING = "meeting"
    EVENT = "event"


_SOURCE_RANK = MappingProxyType({source: i for i, source in enumerate(Source)})

# What the public can filter by: the two kinds of official date, then each kind of event.
FILTERS: tuple[str, ...] = (Source.DEADLINE.value, Source.MEETING.value, *KINDS)
FILTER_LABELS = MappingProxyType({
    "deadline": N_("Budget deadlines"),
    "meeting": N_("Council meetings"),
    "workshop": N_("Workshops"),
    "hackathon": N_("Hackathons"),
    "forum": N_("Forums"),
    "other": N_("Other events"),
})

# The phase dates that are deadlines for people: (phase, which end of it, code, label).
# Review's end is not listed on its own: it is the moment voting opens.
_DEADLINES: tuple[tuple[Phase, str, str, str], ...] = (
    (Phase.PROPOSALS, "end", "proposals-close", N_("Proposals close")),
    (Phase.FEEDBACK, "end", "feedback-close", N_("Feedback closes")),
    (Phase.VOTING, "start", "voting-open", N_("Voting opens")),
    (Phase.VOTING, "end", "voting-close", N_("Voting closes")),
    (Phase.RESULTS, "end", "results-comments-close", N_("Comments on the draft results close")),
)


def _require_utc(value: datetime, name: str) -> None:
    # A naive value is a loading bug (SQLite hands them back); fail rather than shift times.
    if value.tzinfo is None or value.utcoffset() != timedelta(0):
        raise ValueError(f"{name} must be an aware UTC datetime, got {value!r}")


# --- an event as typed ------------------------------------------------------------------


@dataclass(frozen=True)
class EventInput:
    """An event as the secretary typed it: days and times on the municipality's clocks.

    No start time means an all-day event; then the end time must be empty too. An empty
    end day means the day it starts.
    """

    title: str
    kind: str
    start_day: date | None
    start_time: time | None = None
    end_day: date | None = None
    end_time: time | None = None
    place: str = ""
    description: str = ""
    cycle_id: int | None = None

    @property
    def all_day(self) -> bool:
        return self.start_time is None


@dataclass(frozen=True)
class Span:
    """When an event takes place, as stored: aware UTC, the end after the start."""

    starts_at: datetime
    ends_at: datetime
    all_day: bool


def _local(day: date, at: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def event_span(data: EventInput, zone: tzinfo) -> Span:
    """The stored moments of valid input (call `event_refusals` first)."""
    if data.start_day is None:
        raise ValueError("an event needs its start day")
    last = data.end_day or data.start_day
    if data.all_day:
        return Span(_local(data.start_day, time(0), zone), _local(last + timedelta(days=1), time(0), zone), True)
    if data.end_time is None:
        raise ValueError("a timed event needs its end time")
    return Span(_local(data.start_day, data.start_time, zone), _local(last, data.end_time, zone), False)


def event_refusals(data: EventInput, zone: tzinfo, now: datetime) -> list[tuple[str, Refusal]]:
    """Every problem with the typed event, each with the form field it is about, in the
    order the form shows them (so the first one is the first field to fix)."""
    _require_utc(now, "now")
    found: list[tuple[str, Refusal]] = []
    title = (data.title or "").strip()
    if not title:
        found.append(("title", Refusal("event.title", N_("Give the event a title."))))
    elif len(title) > MAX_TITLE:
        found.append(("title", Refusal("event.title_long", N_("Keep the title under %(max)s characters."),
                                       {"max": MAX_TITLE})))
    if data.kind not in KINDS:
        found.append(("kind", Refusal("event.kind", N_("Choose what kind of event this is."))))
    found += _when_refusals(data, zone, now)
    if len((data.place or "").strip()) > MAX_PLACE:
        found.append(("place", Refusal("event.place_long", N_("Keep the place under %(max)s characters."),
                                       {"max": MAX_PLACE})))
    if len((data.description or "").strip()) > MAX_DESCRIPTION:
        found.append(("description", Refusal("event.description_long", N_(
            "Keep the description under %(max)s characters."), {"max": MAX_DESCRIPTION})))
    return found


def _when_refusals(data: EventInput, zone: tzinfo, now: datetime) -> list[tuple[str, Refusal]]:
    if data.start_day is None:
        return [("start_day", Refusal("event.start_day", N_("Enter the day the event starts.")))]
    first, last = now.year - YEARS_AROUND, now.year + YEARS_AROUND
    if not first <= data.start_day.year <= last:
        return [("start_day", Refusal("event.year", N_(
            "Check the year: an event can take place between %(first)s and %(last)s."),
            {"first": first, "last": last}))]
    if data.all_day and data.end_time is not None:
        # Half a time is a slip, not an all-day event: ask rather than guess.
        return [("start_time", Refusal("event.start_time", N_(
            "Enter the start time too, or leave both times empty for an all-day event.")))]
    if not data.all_day and data.end_time is None:
        return [("end_time", Refusal("event.end_time", N_(
            "Enter the time the event ends, or leave both times empty for an all-day event.")))]
    if data.end_day is not None and data.end_day < data.start_day:
        return [("end_day", Refusal("event.end_day_before", N_("The event can't end before the day it starts.")))]
    span = event_span(data, zone)
    if span.ends_at <= span.starts_at:
        return [("end_time", Refusal("event.end_before", N_("The event must end after it starts.")))]
    last_day = data.end_day or data.start_day
    if (last_day - data.start_day).days + 1 > MAX_DAYS:
        return [("end_day", Refusal("event.too_long", N_(
            "An event can last at most %(days)s days. Add a longer programme as separate events."),
            {"days": MAX_DAYS}))]
    return []


# --- the entries of the calendar --------------------------------------------------------------


@dataclass(frozen=True)
class CycleDates:
    """A cycle's public timeline (`ypb.domain.cycle.timeline`) and what to call it."""

    id: int
    title: str
    phase: Phase | str
    steps: Sequence[TimelineStep]
    stamp: datetime | None = None  # when its dates were last set, for calendar apps


@dataclass(frozen=True)
class MeetingDates:
    id: int
    title: str
    starts_at: datetime
    place: str = ""
    cancelled: bool = False
    stamp: datetime | None = None


@dataclass(frozen=True)
class EventDates:
    id: int
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool = False
    place: str = ""
    cancelled: bool = False
    cycle_id: int | None = None
    sequence: int = 0  # how many times it changed since published (iCalendar SEQUENCE)
    stamp: datetime | None = None


@dataclass(frozen=True)
class Entry:
    """One line of the calendar.

    `title` is the cycle's title for a deadline (its `label` says which deadline), else
    the meeting's or event's. `ends_at` is None for a deadline (a moment). `first_day` and
    `last_day` are the local days it covers. `uid` is stable for as long as the thing
    exists, so calendar apps update an entry rather than add a second one.
    """

    source: Source
    kind: str  # "deadline", "meeting" or an event kind
    ref: int  # the id of the cycle, meeting or event
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime | None
    all_day: bool
    first_day: date
    last_day: date
    label: str | None = None  # the deadline's name, for the caller to translate
    place: str = ""
    cancelled: bool = False
    cycle_id: int | None = None
    sequence: int = 0
    stamp: datetime | None = field(default=None, compare=False)  # last change, for calendar apps

    @property
    def over_at(self) -> datetime:
        """The moment the entry is past: its end, or the moment itself for a deadline."""
        return self.ends_at or self.starts_at

    @property
    def sort_key(self) -> tuple:
        # Same moment: deadlines, then meetings, then events; then by id, then uid.
        return (self.starts_at, _SOURCE_RANK[self.source], self.ref, self.uid)


def _days(starts_at: datetime, ends_at: datetime | None, all_day: bool, zone: tzinfo) -> tuple[date, date]:
    first = starts_at.astimezone(zone).date()
    if ends_at is None:
        return first, first
    end = ends_at.astimezone(zone)
    if all_day or end.time() == time(0):
        # The end is exclusive: an event until midnight ends on the day before.
        return first, max(first, (end - timedelta(days=1)).date())
    return first, end.date()


def cycle_deadlines(cycle: CycleDates, zone: tzinfo) -> list[Entry]:
    """The deadlines of one cycle that have a date; none for a draft (not public yet)."""
    if Phase(cycle.phase) is Phase.DRAFT:
        return []
    steps = {step.phase: step for step in cycle.steps}
    found = []
    for phase, which, code, label in _DEADLINES:
        step = steps.get(phase)
        moment = getattr(step, which) if step is not None else None
        if moment is None:
            continue
        _require_utc(moment, f"{phase} {which}")
        day = moment.astimezone(zone).date()
        found.append(Entry(Source.DEADLINE, Source.DEADLINE.value, cycle.id, f"cycle-{cycle.id}-{code}",
                           cycle.title, moment, None, False, day, day, label=label, cycle_id=cycle.id,
                           stamp=cycle.stamp))
    return found


def _meeting(meeting: MeetingDates, zone: tzinfo) -> Entry:
    _require_utc(meeting.starts_at, "meeting starts_at")
    ends_at = meeting.starts_at + MEETING_LENGTH
    first, last = _days(meeting.starts_at, ends_at, False, zone)
    # The same uid as the council's own meetings feed: one meeting, one calendar item.
    return Entry(Source.MEETING, Source.MEETING.value, meeting.id, f"meeting-{meeting.id}", meeting.title,
                 meeting.starts_at, ends_at, False, first, last, place=meeting.place, cancelled=meeting.cancelled,
                 stamp=meeting.stamp)


def _event(event: EventDates, zone: tzinfo) -> Entry:
    _require_utc(event.starts_at, "event starts_at")
    _require_utc(event.ends_at, "event ends_at")
    first, last = _days(event.starts_at, event.ends_at, event.all_day, zone)
    return Entry(Source.EVENT, event.kind, event.id, f"event-{event.id}", event.title, event.starts_at,
                 event.ends_at, event.all_day, first, last, place=event.place, cancelled=event.cancelled,
                 cycle_id=event.cycle_id, sequence=event.sequence, stamp=event.stamp)


def merge(cycles: Iterable[CycleDates], meetings: Iterable[MeetingDates], events: Iterable[EventDates],
          zone: tzinfo, *, start: datetime | None = None, end: datetime | None = None,
          kinds: Iterable[str] | None = None) -> list[Entry]:
    """Every entry, soonest first, optionally only those of `kinds` (values of FILTERS) and
    only those overlapping [start, end). Cancelled meetings and events stay listed, marked
    cancelled: a date people planned around never silently disappears."""
    entries = [e for c in cycles for e in cycle_deadlines(c, zone)]
    entries += [_meeting(m, zone) for m in meetings]
    entries += [_event(e, zone) for e in events]
    wanted = set(kinds) if kinds else None
    if wanted is not None:
        entries = [e for e in entries if e.kind in wanted]
    if start is not None:
        _require_utc(start, "start")
        # A deadline at `start` itself is in; an event that ended at `start` is not.
        entries = [e for e in entries if (e.ends_at > start if e.ends_at else e.starts_at >= start)]
    if end is not None:
        _require_utc(end, "end")
        entries = [e for e in entries if e.starts_at < end]
    return sorted(entries, key=lambda e: e.sort_key)


def split_upcoming(entries: Iterable[Entry], now: datetime) -> tuple[list[Entry], list[Entry]]:
    """(entries not over yet, soonest first; entries over, latest first). An event under way
    is upcoming until it ends; a deadline is past from its moment on (the time rule of
    ypb.domain.cycle: a deadline at T is reached when now >= T)."""
    _require_utc(now, "now")
    ordered = sorted(entries, key=lambda e: e.sort_key)
    upcoming = [e for e in ordered if (e.ends_at > now if e.ends_at else e.starts_at > now)]
    chosen = {id(e) for e in upcoming}
    past = [e for e in reversed(ordered) if id(e) not in chosen]
    return upcoming, past


def by_month(entries: Iterable[Entry]) -> list[tuple[date, list[Entry]]]:
    """Consecutive entries grouped by the month of their first local day, keeping their
    order; each group is named by the first day of its month."""
    groups: list[tuple[date, list[Entry]]] = []
    for entry in entries:
        month = entry.first_day.replace(day=1)
        if groups and groups[-1][0] == month:
            groups[-1][1].append(entry)
        else:
            groups.append((month, [entry]))
    return groups
