"""The council's open data: a Popolo-shaped JSON document and an iCalendar feed of meetings.

Popolo (popoloproject.com) names: persons, organizations, posts, memberships, motions,
vote_events (with counts per option, overall and per constituency) and votes. Only what is
public goes out: people's names (never their contact details) and the motions whose decision
is published (a roll call may still be corrected before that).
"""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar, Event
from sqlalchemy import select

from ypb.extensions import db
from ypb.models.council import Council, Person
from ypb.models.meeting import Decision, Meeting, Motion
from ypb.services import council as council_service

MEETING_LENGTH = timedelta(hours=2)  # shown in calendars; meetings have no planned end


def _org_id(council: Council) -> str:
    return f"council-{council.id}"


def popolo(council: Council) -> dict:
    seats = council_service.seats(council)
    memberships = council_service.memberships(council)
    person_ids = {m.person_id for m in memberships}
    persons = list(db.session.scalars(select(Person).where(Person.id.in_(person_ids)).order_by(Person.id)))
    decided = list(db.session.execute(
        select(Motion, Decision, Meeting).join(Decision, Decision.motion_id == Motion.id)
        .join(Meeting, Meeting.id == Motion.meeting_id).order_by(Meeting.starts_at, Motion.number)
    ))
    org = _org_id(council)
    return {
        "organizations": [{
            "id": org, "name": council.name, "classification": "youth council",
            "parity": {"municipal": council.parity_municipal, "youth": council.parity_youth},
            "quorum_rule": council.quorum_rule,
        }],
        "persons": [{"id": f"person-{p.id}", "name": p.name,
                     "memberships_elsewhere": [{"organization": a.body, "role": a.role,
                                                "start_date": _day(a.start_date), "end_date": _day(a.end_date)}
                                               for a in p.affiliations]}
                    for p in persons],
        "posts": [{"id": f"post-{s.id}", "label": s.label, "role": s.role, "organization_id": org,
                   "constituency": s.constituency, "voting": s.voting} for s in seats],
        "memberships": [{
            "id": f"membership-{m.id}", "person_id": f"person-{m.person_id}", "organization_id": org,
            "post_id": f"post-{m.seat_id}", "role": m.seat.role, "start_date": m.start_date.isoformat(),
            "end_date": _day(m.end_date), "end_reason": m.end_reason, "on_behalf_of": {"name": m.on_behalf_of}
            if m.on_behalf_of else None,
        } for m in memberships],
        "motions": [{
            "id": f"motion-{motion.id}", "organization_id": org, "text": motion.text,
            "date": meeting.starts_at.isoformat(), "requirement": motion.requirement,
            "result": motion.outcome, "creator_id": f"person-{motion.mover_id}" if motion.mover_id else None,
            "decision": {"number": decision.number, "published_at": decision.published_at.isoformat(),
                         "corrects": _number(decision.corrects_id)},
        } for motion, decision, meeting in decided],
        "vote_events": [{
            "id": f"vote-event-{motion.id}", "motion_id": f"motion-{motion.id}", "organization_id": org,
            "start_date": (motion.voted_at or meeting.starts_at).isoformat(), "result": motion.outcome,
            "quorum_met": motion.quorum_met,
            "counts": [{"option": option, "value": value} for option, value in motion.counts["total"].items()],
            "group_results": [{"group": {"name": side},
                               "counts": [{"option": o, "value": v} for o, v in counts.items()]}
                              for side, counts in motion.counts.items() if side != "total"],
        } for motion, _, meeting in decided],
        "votes": [{"vote_event_id": f"vote-event-{motion.id}", "voter_id": f"person-{vote.person_id}",
                   "option": vote.choice}
                  for motion, _, _ in decided for vote in sorted(motion.votes, key=lambda v: v.person_id)],
    }


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _number(decision_id: int | None) -> str | None:
    if decision_id is None:
        return None
    return db.session.get(Decision, decision_id).number


def ical(council: Council, meeting_url) -> bytes:
    """Every meeting as an event; `meeting_url(meeting)` gives its public page's address."""
    calendar = Calendar()
    calendar.add("prodid", "-//ypb//youth council meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", council.name)
    for meeting in db.session.scalars(select(Meeting).where(Meeting.council_id == council.id)
                                      .order_by(Meeting.starts_at)):
        event = Event()
        event.add("uid", f"meeting-{meeting.id}@ypb")
        event.add("summary", meeting.title)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + MEETING_LENGTH)
        event.add("dtstamp", meeting.created_at)
        event.add("location", meeting.place or meeting.online_url)
        event.add("url", meeting_url(meeting))
        event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
        agenda = "\n".join(f"{item.position}. {item.title}" for item in meeting.items)
        if agenda:
            event.add("description", agenda)
        calendar.add_component(event)
    return calendar.to_ical()
