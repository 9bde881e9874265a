"""ypb.services.council_export: the Popolo JSON document and the meetings calendar."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from tests.services import user
from tests.services.test_council_service import five_and_five
from ypb.services import council, council_export, meetings

HELD = datetime(2030, 5, 6, 15, tzinfo=UTC)
DURING = HELD + timedelta(hours=1)


def test_popolo_has_people_posts_memberships_and_only_published_votes(app, users):
    with app.app_context():
        staff = user(users["secretary"])
        ids = five_and_five(staff)
        everyone = [ids[f"{side}{n}-person"] for side in ("municipal", "youth") for n in range(1, 6)]
        meeting = meetings.schedule(staff, "May", HELD, place="Town hall").id
        meetings.record_attendance(staff, meeting, dict.fromkeys(everyone, "present"), now=DURING)
        published = meetings.add_motion(staff, meeting, "Approve the ballot", "double",
                                        mover_id=ids["youth1-person"]).id
        draft = meetings.add_motion(staff, meeting, "Not yet published").id
        for motion in (published, draft):
            meetings.record_roll_call(staff, motion, dict.fromkeys(everyone, "yes"), now=DURING)
        meetings.publish_decision(staff, published, now=DURING)

        doc = council_export.popolo(council.get_council())
        text = json.dumps(doc)
        assert "example.org" not in text  # contact details never leave
        assert len(doc["persons"]) == 10 and len(doc["posts"]) == 11 and len(doc["memberships"]) == 10
        assert {p["constituency"] for p in doc["posts"]} == {"municipal", "youth", None}
        [motion] = doc["motions"]
        assert (motion["text"], motion["result"], motion["decision"]["number"]) == ("Approve the ballot",
                                                                                    "adopted", "2030/1")
        [event] = doc["vote_events"]
        assert {c["option"]: c["value"] for c in event["counts"]}["yes"] == 10
        assert {g["group"]["name"] for g in event["group_results"]} == {"municipal", "youth"}
        assert len(doc["votes"]) == 10 and {v["option"] for v in doc["votes"]} == {"yes"}


def test_the_calendar_lists_meetings_with_their_agenda(app, users):
    with app.app_context():
        staff = user(users["secretary"])
        five_and_five(staff)
        meeting = meetings.schedule(staff, "May meeting", HELD, place="Town hall, room 2")
        meetings.add_item(staff, meeting.id, "Ballot list of the 2030 budget", "decision")
        cancelled = meetings.schedule(staff, "Extra meeting", HELD + timedelta(days=3), place="Online")
        meetings.set_status(staff, cancelled.id, "cancelled")

        data = council_export.ical(council.get_council(), lambda m: f"https://ypb.example/meetings/{m.id}")
        events = Calendar.from_ical(data).walk("VEVENT")
        assert [str(e["summary"]) for e in events] == ["May meeting", "Extra meeting"]
        assert events[0]["dtstart"].dt == HELD
        assert "1. Ballot list of the 2030 budget" in str(events[0]["description"])
        assert str(events[0]["location"]) == "Town hall, room 2"
        assert [str(e["status"]) for e in events] == ["CONFIRMED", "CANCELLED"]
