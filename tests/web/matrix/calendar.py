"""Matrix entries: the public calendar, its iCalendar feed and the secretary's event forms
(issue #7).

The world has cycles but no calendar event: the calendar and its feed are there for everyone
(200), an event's page is 404 for everyone, the new-event form opens for staff (and a post
without a start day gives it back with its errors, 422), and an event's forms are 404 for
staff once the permission check has let them through, and refused to everyone else.
tests/web/test_calendar_web.py covers the pages and forms with events.
"""

from __future__ import annotations

from tests.web.matrix.common import INVALID, NOT_FOUND, OK, STAFF, each, only

EVENT = "/calendar/events/1"

ENTRIES = {
    ("calendar.index", "GET"): ("/calendar", None, each(OK)),
    ("calendar.feed", "GET"): ("/calendar.ics", None, each(OK)),
    ("calendar.show", "GET"): (EVENT, None, each(NOT_FOUND)),
    ("calendar.new", "GET"): ("/calendar/events/new", None, only(STAFF, OK)),
    ("calendar.new", "POST"): ("/calendar/events/new", {"title": "Idea workshop", "kind": "workshop"},
                               only(STAFF, INVALID)),
    ("calendar.edit", "GET"): (f"{EVENT}/edit", None, only(STAFF, NOT_FOUND)),
    ("calendar.edit", "POST"): (f"{EVENT}/edit", {"title": "Idea workshop"}, only(STAFF, NOT_FOUND)),
    ("calendar.cancel", "POST"): (f"{EVENT}/cancel", {"confirm": "y"}, only(STAFF, NOT_FOUND)),
}
