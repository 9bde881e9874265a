"""Demo data for the youth council: a 5 + 5 council with a chair, its history, two past
meetings whose decisions carried out steps of the demo cycles, and an upcoming meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ypb.models import User
from ypb.services import council, meetings

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)

# (key, name, side, seat role, nominated by)
MEMBERS = [
    ("martins", "Mārtiņš Kalniņš", "municipal", "vice_chair", "Municipal council"),
    ("ieva", "Ieva Bērziņa", "municipal", "member", "Municipal council"),
    ("rasa", "Rasa Vaitkienė", "municipal", "member", "Municipal council"),
    ("tomas", "Tomas Jankauskas", "municipal", "member", "Municipal administration"),
    ("greta", "Greta Lind", "municipal", "member", "Municipal council"),
    ("sofia", "Sofia Andersson", "youth", "chair", "Union of youth organisations"),
    ("nikos", "Nikos Georgiou", "youth", "member", "Union of youth organisations"),
    ("lukas", "Lukas Žukauskas", "youth", "member", "School pupils' council"),
    ("mila", "Mila Novak", "youth", "member", "Scouts"),
    ("emil", "Emil Berg", "youth", "member", "School pupils' council"),
]


@dataclass
class DemoCouncil:
    people: dict[str, int]  # key -> person id
    meetings: list[int]
    wall_decision: int | None = None  # the decision that allowed the climbing wall to cost more


def _local_midday(day: datetime) -> datetime:
    return day.replace(hour=14, minute=0, second=0, microsecond=0)


def setup(secretary: User, now: datetime) -> DemoCouncil:
    council.save_settings(secretary, "Trakai District Youth Affairs Council", 5, 5, "majority_each_side")
    start = (now - 400 * DAY).date()
    people: dict[str, int] = {}
    numbers = {"municipal": 0, "youth": 0}
    for key, name, side, role, nominated_by in MEMBERS:
        numbers[side] += 1
        label = f"{'Municipal' if side == 'municipal' else 'Youth'} seat {numbers[side]}"
        seat = council.add_seat(secretary, label, side, role)
        person = council.add_person(secretary, name, email=f"{key}@example.org")
        people[key] = person.id
        if key == "emil":
            # Emil took over youth seat 5 after Jonas Vanagas moved away: the history shows both.
            earlier = council.add_person(secretary, "Jonas Vanagas")
            first = council.appoint(secretary, seat.id, earlier.id, start, on_behalf_of=nominated_by)
            council.end_membership(secretary, first.id, (now - 70 * DAY).date(), "Moved to Vilnius to study")
            council.appoint(secretary, seat.id, person.id, (now - 69 * DAY).date(), on_behalf_of=nominated_by)
        else:
            council.appoint(secretary, seat.id, person.id, start, on_behalf_of=nominated_by)
    council.add_seat(secretary, "Secretary", None, "secretary")
    coordinator = council.add_person(secretary, "Laura Ozola")
    council.appoint(secretary, council.seats(council.get_council())[-1].id, coordinator.id, start,
                    on_behalf_of="Municipal administration")
    council.add_affiliation(secretary, people["sofia"], "Trakai District Municipal Board", "Member",
                            (now - 300 * DAY).date())
    return DemoCouncil(people, [])


def _everyone(demo: DemoCouncil) -> list[int]:
    return list(demo.people.values())


def results_meeting(secretary: User, demo: DemoCouncil, cycle_id: int, when: datetime) -> None:
    """The meeting that confirmed the autumn results, and asked for Sunday opening hours."""
    at = _local_midday(when)
    meeting = meetings.schedule(secretary, "Council meeting", at, place="Trakai town hall, room 12")
    demo.meetings.append(meeting.id)
    results_item = meetings.add_item(secretary, meeting.id, "Results of the Autumn Youth Budget 2025", "decision",
                                     "The draft results were open for comments for a week; none asked for a "
                                     "recount.", cycle_id=cycle_id)
    hours_item = meetings.add_item(secretary, meeting.id, "Youth centre opening hours", "decision",
                                   "Young people asked for Sunday afternoons in the autumn survey.")
    attendance = dict.fromkeys(_everyone(demo), "present") | {demo.people["greta"]: "excused",
                                                               demo.people["mila"]: "remote"}
    meetings.record_attendance(secretary, meeting.id, attendance, now=at + HOUR)
    confirm = meetings.add_motion(secretary, meeting.id, "The council confirms the results of the Autumn Youth "
                                  "Budget 2025 as published.", "simple", mover_id=demo.people["sofia"],
                                  seconder_id=demo.people["martins"], agenda_item_id=results_item.id,
                                  action="ratify_results", action_cycle_id=cycle_id)
    votes = dict.fromkeys(_everyone(demo), "yes") | {demo.people["greta"]: "absent",
                                                     demo.people["tomas"]: "abstain"}
    meetings.record_roll_call(secretary, confirm.id, votes, now=at + HOUR)
    meetings.publish_decision(secretary, confirm.id, now=at + 2 * HOUR)
    sundays = meetings.add_motion(secretary, meeting.id, "The council asks the municipality to open the youth "
                                  "centre on Sunday afternoons from January, as a six-month trial.", "double",
                                  mover_id=demo.people["nikos"], seconder_id=demo.people["lukas"],
                                  agenda_item_id=hours_item.id)
    votes = dict.fromkeys(_everyone(demo), "yes") | {demo.people["greta"]: "absent", demo.people["rasa"]: "no",
                                                     demo.people["tomas"]: "abstain"}
    meetings.record_roll_call(secretary, sundays.id, votes, now=at + HOUR)
    meetings.publish_decision(secretary, sundays.id, now=at + 2 * HOUR)
    meetings.save_minutes(secretary, meeting.id,
                          "Opened by the chair, Sofia Andersson, at 14:05. Nine members present (Mila Novak "
                          "online); Greta Lind excused.\n\n1. The results of the Autumn Youth Budget 2025 were "
                          "confirmed. Tomas Jankauskas abstained: he had not seen the comments.\n\n2. The youth "
                          "members' motion on Sunday opening hours was adopted by a majority on each side. The "
                          "coordinator will ask the culture department for a budget.\n\nClosed at 15:40.",
                          now=at + 3 * HOUR)


def ballot_meeting(secretary: User, demo: DemoCouncil, cycle_id: int, when: datetime) -> None:
    """The meeting that approved the winter ballot list (opening the vote) and the earlier minutes."""
    at = _local_midday(when)
    meeting = meetings.schedule(secretary, "Council meeting", at, place="Trakai youth centre")
    previous = demo.meetings[-1]
    demo.meetings.append(meeting.id)
    meetings.add_item(secretary, meeting.id, "Minutes of the previous meeting", "decision")
    ballot_item = meetings.add_item(secretary, meeting.id, "Ballot list of the Winter Youth Budget 2026", "decision",
                                    "Five proposals passed the feasibility review; none was rejected.",
                                    cycle_id=cycle_id)
    meetings.record_attendance(secretary, meeting.id, dict.fromkeys(_everyone(demo), "present"), now=at + HOUR)
    meetings.approve_minutes(secretary, previous, meeting.id, now=at + HOUR)
    meetings.publish_minutes(secretary, previous, now=at + 2 * HOUR)
    approve = meetings.add_motion(secretary, meeting.id, "The council approves the ballot list of the Winter "
                                  "Youth Budget 2026 and asks the coordinator to open the vote.", "double",
                                  mover_id=demo.people["emil"], seconder_id=demo.people["ieva"],
                                  agenda_item_id=ballot_item.id, action="open_voting", action_cycle_id=cycle_id)
    meetings.record_roll_call(secretary, approve.id, dict.fromkeys(_everyone(demo), "yes"), now=at + HOUR)
    meetings.publish_decision(secretary, approve.id, now=at + 2 * HOUR)
    wall = meetings.add_motion(secretary, meeting.id, "The council agrees that the climbing wall in the youth "
                               "centre may cost €2,800 instead of €2,400: the mats must meet the new safety "
                               "norm.", "simple", mover_id=demo.people["lukas"], seconder_id=demo.people["rasa"])
    meetings.record_roll_call(secretary, wall.id, dict.fromkeys(_everyone(demo), "yes")
                              | {demo.people["tomas"]: "no"}, now=at + HOUR)
    demo.wall_decision = meetings.publish_decision(secretary, wall.id, now=at + 2 * HOUR).id


def upcoming_meeting(secretary: User, demo: DemoCouncil, review_cycle_id: int, proposal_id: int,
                     now: datetime) -> None:
    at = _local_midday(now + 12 * DAY)
    meeting = meetings.schedule(secretary, "Council meeting", at, place="Trakai town hall, room 12",
                                online_url="https://meet.example.org/trakai-youth-council")
    demo.meetings.append(meeting.id)
    meetings.add_item(secretary, meeting.id, "Minutes of the previous meeting", "decision")
    meetings.add_item(secretary, meeting.id, "Ballot list of the Summer Youth Budget 2026", "decision",
                      "Kayak school approved; Lake festival rejected (protected shore). Two proposals still in "
                      "review.", cycle_id=review_cycle_id)
    meetings.add_item(secretary, meeting.id, "Kayak school: life jackets from the sports department", "information",
                      proposal_id=proposal_id)
