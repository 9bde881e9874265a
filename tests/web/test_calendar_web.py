"""The public calendar through the web: the page with deadlines, meetings and events (never a
draft cycle's), its filters and year pages, an event's page, the iCalendar feed (parsed with
the icalendar library), and the secretary's forms, each refusal shown with nothing saved.

The calendar's clock is set to 1 February 2030 (the `clock` fixture); the municipality is in
Riga (UTC+2 in winter). Cycles are planned from T0 = 4 March 2030 (tests.services).
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time

import pytest
from icalendar import Calendar

from tests.conftest import csrf_token
from tests.services import DAY, T0, new_cycle, user
from tests.services.test_council_service import five_and_five
from ypb.domain.calendar import EventInput
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import CalendarEvent
from ypb.services import calendar, meetings

NOW = datetime(2030, 2, 1, 9, 0, tzinfo=UTC)
WORKSHOP = EventInput(title="Idea workshop", kind="workshop", start_day=date(2030, 2, 12), start_time=time(17, 0),
                      end_time=time(19, 0), place="Youth centre", description="Bring **your ideas**.")
MEETING_AT = datetime(2030, 3, 10, 15, 0, tzinfo=UTC)


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def text(response) -> str:
    """What a reader sees: the page without its tags, spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page(response)).split())


def post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/")})


def count_events(app) -> int:
    with app.app_context():
        return db.session.query(CalendarEvent).count()


def stored(app, event_id: int) -> CalendarEvent:
    with app.app_context():
        event = db.session.get(CalendarEvent, event_id)
        db.session.expunge(event)
        return event


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(calendar, "utcnow", lambda: NOW)
    return NOW


@pytest.fixture
def w(app, users, clock):
    """A public cycle and a draft one, a council with a March meeting, a workshop and a
    cancelled hackathon."""
    with app.app_context():
        staff = user(users["secretary"])
        ids = {"cycle": new_cycle(staff.id, Phase.PROPOSALS, title="Youth budget 2030"),
               "draft": new_cycle(staff.id, title="Secret draft cycle")}
        five_and_five(staff)
        ids["meeting"] = meetings.schedule(staff, "March meeting", MEETING_AT, place="Town hall").id
        ids["workshop"] = calendar.create(staff, replace(WORKSHOP, cycle_id=ids["cycle"]), now=NOW).id
        ids["hackathon"] = calendar.create(staff, EventInput("Code weekend", "hackathon", date(2030, 2, 22),
                                                             end_day=date(2030, 2, 23), place="Library"), now=NOW).id
        calendar.cancel(staff, ids["hackathon"], now=NOW)
    return ids


# --- the public page --------------------------------------------------------------------------


def test_the_calendar_lists_deadlines_meetings_and_events_with_links(client_for, w):
    response = client_for("anonymous").get("/calendar")
    assert response.status_code == 200
    body, seen = page(response), text(response)
    for words in ("Idea workshop", "Code weekend", "March meeting", "Proposals close", "Feedback closes",
                  "Youth budget 2030", "Youth centre"):
        assert words in seen
    assert "Secret draft cycle" not in seen  # a draft is not public yet
    assert f'href="/calendar/events/{w["workshop"]}"' in body
    assert f'href="/council/meetings/{w["meeting"]}"' in body
    assert f'href="/cycles/{w["cycle"]}"' in body
    # Riga's clock: 17:00 local is 15:00 UTC.
    assert "Feb 12, 2030, 5:00 PM–7:00 PM" in seen
    assert "Feb 22, 2030 to Feb 23, 2030" in seen  # all day, two days
    # Soonest first, by month.
    assert seen.index("February 2030") < seen.index("Idea workshop") < seen.index("Code weekend") \
        < seen.index("March 2030") < seen.index("March meeting")


def test_a_cancelled_event_stays_listed_marked_cancelled(client_for, w):
    body = page(client_for("youth").get("/calendar"))
    card = body[body.index("Code weekend") - 600:body.index("Code weekend") + 600]
    assert "entry-cancelled" in card and "Cancelled" in card


def test_the_page_offers_the_feed_to_subscribe_to(client_for, w):
    body = page(client_for("anonymous").get("/calendar"))
    assert '<link rel="alternate" type="text/calendar"' in body
    assert 'href="http://localhost/calendar.ics"' in body
    assert 'href="/calendar.ics" hx-boost="false"' in body
    # And every page's navigation leads to the calendar.
    assert 'href="/calendar">Calendar</a>' in page(client_for("anonymous").get("/"))


def test_filter_by_kind(client_for, w):
    client = client_for("anonymous")
    seen = text(client.get("/calendar?kind=meeting"))
    assert "March meeting" in seen and "Idea workshop" not in seen and "Proposals close" not in seen
    seen = text(client.get("/calendar?kind=deadline"))
    assert "Proposals close" in seen and "March meeting" not in seen
    assert 'aria-current="page">Budget deadlines' in page(client.get("/calendar?kind=deadline"))
    # An unknown filter shows everything rather than nothing.
    seen = text(client.get("/calendar?kind=party"))
    assert "March meeting" in seen and "Idea workshop" in seen


def test_past_entries_and_the_year_pages(client_for, w, clock, monkeypatch):
    monkeypatch.setattr(calendar, "utcnow", lambda: datetime(2030, 2, 15, tzinfo=UTC))
    client = client_for("anonymous")
    seen = text(client.get("/calendar"))
    coming, past = seen.split("Past", 1)
    assert "Idea workshop" in past and "Idea workshop" not in coming
    assert "Code weekend" in coming
    year = client.get("/calendar?year=2030")
    assert year.status_code == 200 and "Calendar 2030" in text(year) and "Idea workshop" in text(year)
    assert "Nothing on the calendar in 2029." in text(client.get("/calendar?year=2029"))
    assert client.get("/calendar?year=99999").status_code == 404


def test_only_staff_are_offered_to_add_an_event(client_for, w):
    for role in ("anonymous", "youth", "council"):
        assert 'href="/calendar/events/new"' not in page(client_for(role).get("/calendar"))
    assert 'href="/calendar/events/new"' in page(client_for("secretary").get("/calendar"))


# --- an event's page ------------------------------------------------------------------------------


def test_an_event_page_is_public(client_for, w):
    response = client_for("anonymous").get(f"/calendar/events/{w['workshop']}")
    assert response.status_code == 200
    seen, body = text(response), page(response)
    assert "Idea workshop" in seen and "Workshop" in seen and "Youth centre" in seen
    assert "Feb 12, 2030, 5:00 PM–7:00 PM" in seen
    assert "<strong>your ideas</strong>" in body  # Markdown
    assert f'href="/cycles/{w["cycle"]}"' in body
    assert "Edit this event" not in seen and "Cancel the event" not in seen
    assert client_for("anonymous").get("/calendar/events/999").status_code == 404


def test_a_cancelled_event_page_says_so_and_offers_no_changes(client_for, w):
    seen = text(client_for("secretary").get(f"/calendar/events/{w['hackathon']}"))
    assert "This event was cancelled on" in seen and "It will not take place." in seen
    assert "Edit this event" not in seen and "Cancel the event" not in seen
    response = client_for("secretary").get(f"/calendar/events/{w['hackathon']}/edit")
    assert response.status_code == 303


# --- the feed -----------------------------------------------------------------------------------


def test_the_feed_is_icalendar_with_every_public_date(client_for, w):
    response = client_for("anonymous").get("/calendar.ics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/calendar")
    parsed = Calendar.from_ical(response.get_data())
    items = {str(item["UID"]): item for item in parsed.walk("VEVENT")}
    summaries = {str(item["SUMMARY"]) for item in items.values()}
    assert "Proposals close: Youth budget 2030" in summaries and "Voting closes: Youth budget 2030" in summaries
    assert not any("Secret draft" in s for s in summaries)

    workshop = items[f"event-{w['workshop']}@ypb"]
    assert workshop.decoded("DTSTART") == datetime(2030, 2, 12, 15, 0, tzinfo=UTC)
    assert str(workshop.decoded("DTSTART").tzinfo) == "Europe/Riga"
    assert str(workshop["STATUS"]) == "CONFIRMED" and str(workshop["LOCATION"]) == "Youth centre"
    assert str(workshop["URL"]) == f"http://localhost/calendar/events/{w['workshop']}"

    hackathon = items[f"event-{w['hackathon']}@ypb"]
    assert str(hackathon["STATUS"]) == "CANCELLED" and int(hackathon["SEQUENCE"]) == 1
    assert str(hackathon["SUMMARY"]) == "Cancelled: Code weekend"
    assert hackathon.decoded("DTSTART") == date(2030, 2, 22) and hackathon.decoded("DTEND") == date(2030, 2, 24)

    meeting = items[f"meeting-{w['meeting']}@ypb"]
    assert meeting.decoded("DTSTART") == MEETING_AT and str(meeting["LOCATION"]) == "Town hall"

    deadline = items[f"cycle-{w['cycle']}-proposals-close@ypb"]
    assert deadline.decoded("DTSTART") == T0 + 14 * DAY
    assert str(deadline["URL"]) == f"http://localhost/cycles/{w['cycle']}"


def test_the_feed_can_be_filtered_too(client_for, w):
    parsed = Calendar.from_ical(client_for("anonymous").get("/calendar.ics?kind=meeting").get_data())
    assert [str(item["UID"]) for item in parsed.walk("VEVENT")] == [f"meeting-{w['meeting']}@ypb"]


# --- the secretary's forms ----------------------------------------------------------------------


FORM = {"title": "Budget forum", "kind": "forum", "start_day": "2030-04-18", "start_time": "",
        "end_day": "2030-04-19", "end_time": "", "place": "Town hall", "description": "Talk about **money**.",
        "cycle_id": ""}


def test_staff_add_an_all_day_event(app, client_for, w):
    client = client_for("secretary")
    assert client.get("/calendar/events/new").status_code == 200
    response = post(client, "/calendar/events/new", FORM)
    assert response.status_code == 303
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    event = stored(app, event_id)
    assert event.all_day and event.title == "Budget forum" and event.kind == "forum"
    assert event.starts_at == datetime(2030, 4, 17, 21, 0, tzinfo=UTC)  # midnight in Riga, summer time
    seen = text(client.get(f"/calendar/events/{event_id}"))
    assert "The event is on the calendar." in seen and "Apr 18, 2030 to Apr 19, 2030" in seen


def test_a_refused_event_is_shown_again_with_the_message_and_nothing_saved(app, client_for, w):
    client = client_for("secretary")
    before = count_events(app)
    cases = [
        ({"title": ""}, "Give the event a title."),
        ({"start_day": ""}, "Enter the day the event starts."),
        ({"start_day": "31.02.2030"}, "Enter a date, for example 2027-03-31."),
        ({"start_time": "18:00"}, "Enter the time the event ends, or leave both times empty for an all-day event."),
        ({"end_time": "18:00"}, "Enter the start time too, or leave both times empty for an all-day event."),
        ({"end_day": "2030-04-17"}, "The event can't end before the day it starts."),
        ({"start_time": "18:00", "end_day": "", "end_time": "17:00"}, "The event must end after it starts."),
        ({"start_day": "2300-04-18", "end_day": ""}, "Check the year: an event can take place between 2025 and 2035."),
        ({"kind": "party"}, "Choose what kind of event this is."),
        ({"cycle_id": str(w["draft"])}, "only cycles open to the public can be linked."),
    ]
    for change, message in cases:
        response = post(client, "/calendar/events/new", {**FORM, **change})
        assert response.status_code == 422, change
        seen = text(response)
        assert message in seen, (change, seen[:2000])
        assert "Please correct the marked fields." in seen
    assert count_events(app) == before


def test_staff_edit_an_event_shown_on_riga_s_clocks(app, client_for, w):
    client = client_for("secretary")
    path = f"/calendar/events/{w['workshop']}/edit"
    form = page(client.get(path))
    assert 'value="2030-02-12"' in form and 'value="17:00"' in form and 'value="19:00"' in form
    assert f'<option selected value="{w["cycle"]}">' in form or f'value="{w["cycle"]}" selected' in form
    data = {**FORM, "title": "Idea workshop", "kind": "workshop", "start_day": "2030-02-12", "start_time": "18:00",
            "end_day": "", "end_time": "20:00", "cycle_id": str(w["cycle"])}
    response = post(client, path, data)
    assert response.status_code == 303
    event = stored(app, w["workshop"])
    assert event.starts_at == datetime(2030, 2, 12, 16, 0, tzinfo=UTC) and event.sequence == 1
    bad = post(client, path, {**data, "end_time": "17:00"})
    assert bad.status_code == 422 and "The event must end after it starts." in text(bad)
    assert stored(app, w["workshop"]).sequence == 1


def test_cancelling_needs_a_tick_then_keeps_the_event_listed(app, client_for, w):
    client = client_for("secretary")
    path = f"/calendar/events/{w['workshop']}/cancel"
    response = post(client, path, {})
    assert response.status_code == 422
    assert "Tick the box to confirm that the event is cancelled." in text(response)
    assert not stored(app, w["workshop"]).cancelled
    response = post(client, path, {"confirm": "y"})
    assert response.status_code == 303
    event = stored(app, w["workshop"])
    assert event.cancelled and event.cancelled_at is not None and event.sequence == 1
    assert "The event is cancelled." in text(client.get(f"/calendar/events/{w['workshop']}"))
    assert "Idea workshop" in text(client.get("/calendar"))
    again = post(client, path, {"confirm": "y"})
    assert again.status_code == 303
    assert "This event is already cancelled." in text(client.get(again.headers["Location"]))


@pytest.mark.parametrize("role", ["anonymous", "youth", "council"])
def test_nobody_else_may_change_an_event(app, client_for, w, role):
    client = client_for(role)
    expected = 302 if role == "anonymous" else 403
    assert client.get(f"/calendar/events/{w['workshop']}/edit").status_code == expected
    assert post(client, f"/calendar/events/{w['workshop']}/cancel", {"confirm": "y"}).status_code == expected
    assert post(client, "/calendar/events/new", FORM).status_code == expected
    assert not stored(app, w["workshop"]).cancelled and count_events(app) == 2
