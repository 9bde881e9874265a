"""Matrix entries: the council's meetings, decisions, influence figures and open data, and the
secretary's meeting forms (issue #6).

The world has no council and no meeting: the lists and the figures are there for everyone
(200), a meeting's page is 404 for everyone, and so are the open data files. Scheduling
without valid values gives staff the list page back with its errors (422); every form of a
meeting is 404 for staff once the permission check has let them through, and refused to
everyone else. tests/web/test_meetings_web.py covers the pages and forms with a council.
"""

from __future__ import annotations

from tests.web.matrix.common import INVALID, NOT_FOUND, OK, STAFF, each, only

MEETING = "/council/meetings/1"

ENTRIES = {
    ("meetings.index", "GET"): ("/council/meetings", None, each(OK)),
    ("meetings.show", "GET"): (MEETING, None, each(NOT_FOUND)),
    ("meetings.decisions", "GET"): ("/council/decisions", None, each(OK)),
    ("meetings.influence_figures", "GET"): ("/council/influence", None, each(OK)),
    ("meetings.popolo", "GET"): ("/council/popolo.json", None, each(NOT_FOUND)),
    ("meetings.calendar", "GET"): ("/council/meetings.ics", None, each(NOT_FOUND)),
    ("meetings.schedule", "POST"): ("/council/meetings", {"meeting-title": "May meeting"}, only(STAFF, INVALID)),
    ("meetings.set_status", "POST"): (f"{MEETING}/status", {"status-status": "held"}, only(STAFF, NOT_FOUND)),
    ("meetings.add_item", "POST"): (f"{MEETING}/items", {"item-title": "Welcome"}, only(STAFF, NOT_FOUND)),
    ("meetings.record_attendance", "POST"): (f"{MEETING}/attendance", {}, only(STAFF, NOT_FOUND)),
    ("meetings.add_motion", "POST"): (f"{MEETING}/motions", {"motion-text": "Fund it"}, only(STAFF, NOT_FOUND)),
    ("meetings.roll_call", "POST"): (f"{MEETING}/motions/1/votes", {}, only(STAFF, NOT_FOUND)),
    ("meetings.publish_decision", "POST"): (f"{MEETING}/motions/1/publish", {"publish-1-confirm": "y"},
                                            only(STAFF, NOT_FOUND)),
    ("meetings.correct_decision", "POST"): (f"{MEETING}/motions/1/correction", {"correct-1-note": "Fix"},
                                            only(STAFF, NOT_FOUND)),
    ("meetings.save_minutes", "POST"): (f"{MEETING}/minutes", {"minutes-text": "Notes"}, only(STAFF, NOT_FOUND)),
    ("meetings.approve_minutes", "POST"): (f"{MEETING}/minutes/approve", {}, only(STAFF, NOT_FOUND)),
    ("meetings.publish_minutes", "POST"): (f"{MEETING}/minutes/publish", {}, only(STAFF, NOT_FOUND)),
}
