"""ypb.services.calendar: the secretary's events (each change audited, refused input saving
nothing), and the public dates merged from public cycles, council meetings and events.

The municipality is in Riga (UTC+2 in winter). The cycle helpers plan from T0 = 4 March 2030.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest
from icalendar import Calendar

from tests.services import DAY, T0, audit_entries, codes, count, new_cycle, refused, user
from tests.services.test_council_service import five_and_five
from ypb.domain.calendar import EventInput, Source
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import CalendarEvent
from ypb.services import calendar, meetings

NOW = datetime(2030, 2, 1, 9, 0, tzinfo=UTC)
WORKSHOP = EventInput(title="  Idea workshop ", kind="workshop", start_day=date(2030, 2, 12), start_time=time(17, 0),
                      end_time=time(19, 0), place="Youth centre", description="Bring **your ideas**.")


@pytest.fixture
def staff(app, users):
    with app.app_context():
        yield user(users["secretary"])


def test_an_event_is_saved_in_utc_with_an_audit_row(staff):
    event = calendar.create(staff, WORKSHOP, now=NOW)
    assert event.title == "Idea workshop"
    assert (event.starts_at, event.ends_at) == (datetime(2030, 2, 12, 15, 0, tzinfo=UTC),
                                                datetime(2030, 2, 12, 17, 0, tzinfo=UTC))
    assert not event.all_day and not event.cancelled and event.sequence == 0
    assert event.created_by_id == staff.id and event.created_at == event.updated_at == NOW
    [entry] = audit_entries("calendar.event.create")
    assert entry.subject == f"calendar_event:{event.id}" and entry.actor == f"user:{staff.id}"


def test_an_all_day_event_covers_whole_days_in_riga(staff):
    event = calendar.create(staff, EventInput("Youth forum", "forum", date(2030, 2, 20), end_day=date(2030, 2, 21)),
                            now=NOW)
    assert event.all_day
    assert (event.starts_at, event.ends_at) == (datetime(2030, 2, 19, 22, tzinfo=UTC),
                                                datetime(2030, 2, 21, 22, tzinfo=UTC))
    entry = calendar.entry_of(event)
    assert (entry.first_day, entry.last_day) == (date(2030, 2, 20), date(2030, 2, 21))


def test_refused_input_saves_nothing_and_names_the_field(staff):
    exc = refused(calendar.create, staff, replace(WORKSHOP, end_time=time(16, 0)), now=NOW)
    assert codes(exc) == ["event.end_before"] and exc.field == "end_time"
    exc = refused(calendar.create, staff, replace(WORKSHOP, title="", kind="party"), now=NOW)
    assert codes(exc) == ["event.title"] and exc.field == "title"  # the first field to fix
    assert count(CalendarEvent) == 0 and audit_entries("calendar.event.create") == []


def test_an_event_links_only_to_a_public_cycle(staff):
    draft = new_cycle(staff.id)
    public = new_cycle(staff.id, Phase.PROPOSALS, title="Youth budget 2030")
    for cycle_id in (draft, 999):
        exc = refused(calendar.create, staff, replace(WORKSHOP, cycle_id=cycle_id), now=NOW)
        assert codes(exc) == ["event.cycle"] and exc.field == "cycle_id"
    event = calendar.create(staff, replace(WORKSHOP, cycle_id=public), now=NOW)
    assert event.cycle.title == "Youth budget 2030"
    assert [c.id for c in calendar.linkable_cycles()] == [public]


def test_each_saved_change_counts_one_more_sequence(staff):
    event = calendar.create(staff, WORKSHOP, now=NOW)
    later = NOW + DAY
    calendar.update(staff, event.id, replace(WORKSHOP, start_time=time(18, 0), end_time=time(20, 0)), now=later)
    db.session.refresh(event)
    assert event.sequence == 1 and event.updated_at == later
    assert event.starts_at == datetime(2030, 2, 12, 16, 0, tzinfo=UTC)
    [entry] = audit_entries("calendar.event.update")
    assert set(json.loads(entry.data)) == {"starts_at", "ends_at"}
    # Saving the same values again is no change: calendar apps are not told about one.
    calendar.update(staff, event.id, replace(WORKSHOP, start_time=time(18, 0), end_time=time(20, 0)),
                    now=later + DAY)
    db.session.refresh(event)
    assert event.sequence == 1 and event.updated_at == later
    assert len(audit_entries("calendar.event.update")) == 1


def test_refused_changes_keep_the_event_as_it_was(staff):
    event = calendar.create(staff, WORKSHOP, now=NOW)
    exc = refused(calendar.update, staff, event.id, replace(WORKSHOP, start_day=None), now=NOW)
    assert exc.field == "start_day"
    db.session.refresh(event)
    assert event.starts_at == datetime(2030, 2, 12, 15, 0, tzinfo=UTC) and event.sequence == 0


def test_a_cancelled_event_stays_listed_and_can_no_longer_change(staff):
    event = calendar.create(staff, WORKSHOP, now=NOW)
    calendar.cancel(staff, event.id, now=NOW + DAY)
    db.session.refresh(event)
    assert event.cancelled and event.cancelled_at == NOW + DAY and event.sequence == 1
    assert len(audit_entries("calendar.event.cancel", f"calendar_event:{event.id}")) == 1
    assert codes(refused(calendar.cancel, staff, event.id)) == ["event.already_cancelled"]
    assert codes(refused(calendar.update, staff, event.id, WORKSHOP)) == ["event.cancelled"]
    [entry] = calendar.entries(now=NOW)
    assert entry.cancelled and entry.ref == event.id


def test_a_missing_event_is_refused(staff):
    assert codes(refused(calendar.cancel, staff, 404)) == ["event.not_found"]
    assert codes(refused(calendar.update, staff, 404, WORKSHOP)) == ["event.not_found"]


def test_entries_merge_public_deadlines_meetings_and_events(staff):
    new_cycle(staff.id, title="Secret draft")
    public = new_cycle(staff.id, Phase.PROPOSALS, title="Youth budget 2030")
    five_and_five(staff)
    meeting = meetings.schedule(staff, "March meeting", datetime(2030, 3, 10, 15, 0, tzinfo=UTC), place="Town hall")
    event = calendar.create(staff, replace(WORKSHOP, start_day=date(2030, 3, 10), start_time=time(10, 0),
                                           end_time=time(12, 0)), now=NOW)
    found = calendar.entries(now=T0)
    deadlines = [e for e in found if e.source is Source.DEADLINE]
    assert {e.title for e in deadlines} == {"Youth budget 2030"}  # never a draft's
    assert {e.ref for e in deadlines} == {public}
    assert [e.label for e in deadlines][:2] == ["Proposals close", "Feedback closes"]
    assert [(e.source, e.ref) for e in found if e.source is not Source.DEADLINE] == [
        (Source.EVENT, event.id), (Source.MEETING, meeting.id)]  # 10:00 before 17:00 on 10 March
    assert found == sorted(found, key=lambda e: e.starts_at)

    only_meetings = calendar.entries(kinds=["meeting"], now=T0)
    assert [e.ref for e in only_meetings] == [meeting.id]
    march = calendar.entries(start=datetime(2030, 3, 10, tzinfo=UTC), end=datetime(2030, 3, 11, tzinfo=UTC), now=T0)
    assert [e.source for e in march] == [Source.EVENT, Source.MEETING]


def test_a_cancelled_meeting_stays_listed_as_cancelled(staff):
    five_and_five(staff)
    meeting = meetings.schedule(staff, "March meeting", datetime(2030, 3, 10, 15, 0, tzinfo=UTC), place="Town hall")
    meetings.set_status(staff, meeting.id, "cancelled", now=NOW)
    [entry] = calendar.entries(kinds=["meeting"], now=NOW)
    assert entry.cancelled


def test_overview_splits_coming_from_recent_and_lists_the_years(staff):
    old = calendar.create(staff, replace(WORKSHOP, title="Old forum", kind="forum", start_day=date(2029, 6, 1)),
                          now=NOW)
    recent = calendar.create(staff, replace(WORKSHOP, title="January workshop", start_day=date(2030, 1, 20)), now=NOW)
    coming = calendar.create(staff, WORKSHOP, now=NOW)
    view = calendar.overview(now=NOW)
    assert [e.ref for e in view.upcoming] == [coming.id]
    assert [e.ref for e in view.recent] == [recent.id]  # the June one is older than three months
    assert view.years == [2030, 2029]
    assert [e.ref for e in calendar.of_year(2029, now=NOW)] == [old.id]
    assert calendar.overview(kinds=["forum"], now=NOW).upcoming == []


def test_the_feed_has_every_public_date_in_riga_time(staff, app):
    public = new_cycle(staff.id, Phase.PROPOSALS, title="Youth budget 2030")
    event = calendar.create(staff, WORKSHOP, now=NOW)
    calendar.cancel(staff, event.id, now=NOW + DAY)
    body = calendar.ical(name="Calendar", url_of=lambda e: f"https://ypb.example/{e.uid}",
                         summary_of=lambda e: e.label or e.title, now=NOW)
    parsed = Calendar.from_ical(body)
    items = {str(item["UID"]): item for item in parsed.walk("VEVENT")}
    assert f"cycle-{public}-proposals-close@ypb" in items
    workshop = items[f"event-{event.id}@ypb"]
    assert str(workshop["STATUS"]) == "CANCELLED" and int(workshop["SEQUENCE"]) == 1
    start = workshop.decoded("DTSTART")
    assert str(start.tzinfo) == "Europe/Riga" and start.hour == 17
    assert start == datetime(2030, 2, 12, 15, 0, tzinfo=UTC)
    assert [tz["TZID"] for tz in parsed.walk("VTIMEZONE")] == ["Europe/Riga"]
    deadline = items[f"cycle-{public}-proposals-close@ypb"]
    assert deadline.decoded("DTSTART") == T0 + 14 * DAY and "DTEND" not in deadline
    assert str(deadline["TRANSP"]) == "TRANSPARENT"
    assert "Bring **your ideas**." in str(workshop["DESCRIPTION"])


def test_an_event_far_in_the_past_or_future_is_a_typo(staff):
    exc = refused(calendar.create, staff, replace(WORKSHOP, start_day=date(2203, 2, 12)), now=NOW)
    assert codes(exc) == ["event.year"] and exc.field == "start_day"
    assert count(CalendarEvent) == 0
