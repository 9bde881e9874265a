"""How calendar entries read on the page and in the feed: their title, where they link to,
and when they take place, on the municipality's clocks and in the reader's language."""

from __future__ import annotations

from flask import url_for
from flask_babel import format_date, format_time
from flask_babel import gettext as _

from ypb.domain.calendar import FILTER_LABELS, KIND_LABELS, Entry, Source


def kind_label(kind: str) -> str:
    if kind == Source.DEADLINE.value:
        return _("Budget deadline")
    if kind == Source.MEETING.value:
        return _("Council meeting")
    return _(KIND_LABELS[kind])


def filter_label(kind: str) -> str:
    return _(FILTER_LABELS[kind])


def heading(entry: Entry) -> str:
    """What the entry is called: a deadline by its name ("Voting closes"), else its title."""
    return _(entry.label) if entry.source is Source.DEADLINE else entry.title


def summary(entry: Entry) -> str:
    """The one-line title calendar apps show."""
    if entry.source is Source.DEADLINE:
        text = _("%(deadline)s: %(cycle)s", deadline=_(entry.label), cycle=entry.title)
    else:
        text = entry.title
    # Not every app shows STATUS:CANCELLED, so the title says it too.
    return _("Cancelled: %(title)s", title=text) if entry.cancelled else text


def url(entry: Entry, external: bool = False) -> str:
    if entry.source is Source.DEADLINE:
        return url_for("cycles.show", cycle_id=entry.ref, _external=external)
    if entry.source is Source.MEETING:
        return url_for("meetings.show", meeting_id=entry.ref, _external=external)
    return url_for("calendar.show", event_id=entry.ref, _external=external)


def _day(value) -> str:
    return format_date(value, "medium")


def _time(value) -> str:
    return format_time(value, "short")  # flask-babel shows it in the municipality's zone


def when(entry: Entry) -> str:
    """The date, and the times unless it lasts whole days, e.g. "12 Mar 2027, 17:00–19:00"."""
    if entry.all_day:
        if entry.last_day == entry.first_day:
            return _day(entry.first_day)
        return _("%(start)s to %(end)s", start=_day(entry.first_day), end=_day(entry.last_day))
    if entry.ends_at is None or entry.source is Source.MEETING:
        # A deadline is a moment; a meeting has no planned end (the feed's two hours are a guess).
        return _("%(day)s at %(time)s", day=_day(entry.first_day), time=_time(entry.starts_at))
    if entry.last_day == entry.first_day:
        return _("%(day)s, %(start)s–%(end)s", day=_day(entry.first_day), start=_time(entry.starts_at),
                 end=_time(entry.ends_at))
    return _("%(start_day)s, %(start)s to %(end_day)s, %(end)s", start_day=_day(entry.first_day),
             start=_time(entry.starts_at), end_day=_day(entry.last_day), end=_time(entry.ends_at))


HELPERS = dict(kind_label=kind_label, filter_label=filter_label, heading=heading, entry_url=url, when_text=when)
