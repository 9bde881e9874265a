"""Council meetings: agenda, attendance, motions with roll-call votes, decisions and minutes.

Quorum and outcomes are `ypb.domain.council`'s, computed from the attendance and votes saved
here, never typed in. Who may vote is the council's composition on the meeting's day (in the
municipality's time zone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from ypb.database import begin_write
from ypb.domain import council as rules
from ypb.domain.messages import N_
from ypb.extensions import db
from ypb.models import Cycle, Proposal
from ypb.models.base import utcnow
from ypb.models.council import Person
from ypb.models.meeting import AgendaItem, AttendanceRecord, Decision, Meeting, Minutes, Motion, Vote
from ypb.services import Refused, audit, refuse, use_case
from ypb.services import council as council_service

MAX_TITLE = 160
MAX_TEXT = 20_000
# Cycle steps a decision can carry out, and their labels for people.
ACTIONS = {
    "open_voting": N_("Approve the ballot list and open voting"),
    "ratify_results": N_("Confirm the results"),
}


# --- reading -----------------------------------------------------------------------------


def get(meeting_id: int) -> Meeting | None:
    return db.session.get(Meeting, meeting_id)


def upcoming_and_past(now: datetime | None = None) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming meetings, soonest first; past ones, latest first)."""
    now = now or utcnow()
    found = list(db.session.scalars(select(Meeting).order_by(Meeting.starts_at)))
    return [m for m in found if m.starts_at >= now], [m for m in reversed(found) if m.starts_at < now]


def meeting_day(meeting: Meeting) -> date:
    """The meeting's date in the municipality: memberships are by local day."""
    return meeting.starts_at.astimezone(ZoneInfo(current_app.config["YPB_TIMEZONE"])).date()


def members_on(meeting: Meeting) -> tuple[rules.Member, ...]:
    """The voting members on the meeting's day."""
    found = council_service.get_council()
    return council_service.composition(found, meeting_day(meeting)).voting_members if found else ()


def quorum_of(meeting: Meeting) -> rules.QuorumResult:
    found = council_service.get_council()
    attendance = {a.person_id: a.status for a in meeting.attendance}
    return rules.quorum(attendance, members_on(meeting), found.quorum_rule if found else rules.QuorumRule.MAJORITY)


@dataclass(frozen=True)
class ProposalDecision:
    """A published decision about a proposal, for its page ("you said, we did")."""

    decision: Decision
    meeting: Meeting
    item: AgendaItem


def decisions_about(proposal_id: int) -> list[ProposalDecision]:
    rows = db.session.execute(
        select(Decision, Meeting, AgendaItem)
        .join(Motion, Decision.motion_id == Motion.id)
        .join(AgendaItem, Motion.agenda_item_id == AgendaItem.id)
        .join(Meeting, Decision.meeting_id == Meeting.id)
        .where(AgendaItem.proposal_id == proposal_id)
        .order_by(Decision.published_at)
    ).all()
    return [ProposalDecision(d, m, i) for d, m, i in rows]


def decisions() -> list[Decision]:
    return list(db.session.scalars(select(Decision).order_by(Decision.published_at.desc(), Decision.id.desc())))


# --- helpers ------------------------------------------------------------------------------


def _text(value: str | None, limit: int, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise refuse("meeting.missing", N_("This can't be empty."), field)
    if len(value) > limit:
        raise refuse("meeting.too_long", N_("Use at most %(max)s characters."), field, max=limit)
    return value


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise refuse("meeting.not_found", N_("That meeting does not exist."))
    return meeting


def _motion(motion_id: int) -> Motion:
    motion = db.session.get(Motion, motion_id)
    if motion is None:
        raise refuse("meeting.no_motion", N_("That motion does not exist."))
    return motion


def _not_cancelled(meeting: Meeting) -> None:
    if meeting.status == "cancelled":
        raise refuse("meeting.cancelled", N_("This meeting was cancelled."))


def _has_started(meeting: Meeting, now: datetime) -> None:
    if meeting.starts_at > now:
        raise refuse("meeting.not_yet", N_("This can only be recorded once the meeting has started (%(when)s)."),
                     when=meeting.starts_at)


# --- scheduling and agenda -------------------------------------------------------------------


@use_case
def schedule(actor, title: str, starts_at: datetime, place: str = "", online_url: str = "") -> Meeting:
    begin_write()
    found = council_service.get_council()
    if found is None:
        raise refuse("council.not_set_up", N_("Set up the council first: its name and parity rule."))
    title = _text(title, MAX_TITLE, "title")
    place = _text(place, 200, "place", required=False)
    online_url = _text(online_url, 300, "online_url", required=False)
    if online_url and not online_url.startswith(("https://", "http://")):
        raise refuse("meeting.online_url", N_("Enter a web address starting with https://, or leave it empty."),
                     "online_url")
    if not place and not online_url:
        raise refuse("meeting.where", N_("Say where the meeting takes place, or give its online link."), "place")
    meeting = Meeting(council_id=found.id, title=title, starts_at=starts_at, place=place, online_url=online_url)
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "meeting.schedule", f"meeting:{meeting.id}",
                 {"title": title, "starts_at": starts_at.isoformat()})
    db.session.commit()
    return meeting


@use_case
def set_status(actor, meeting_id: int, status: str, now: datetime | None = None) -> Meeting:
    """Mark a meeting held (once it has started) or cancelled (if nothing was recorded at it)."""
    begin_write()
    now = now or utcnow()
    meeting = _meeting(meeting_id)
    if status not in ("held", "cancelled"):
        raise refuse("meeting.status", N_("Choose held or cancelled."), "status")
    if status == "held":
        _not_cancelled(meeting)
        _has_started(meeting, now)
    elif meeting.attendance or any(m.outcome for m in meeting.motions):
        raise refuse("meeting.cancel_recorded", N_("A meeting with attendance or votes recorded can't be cancelled."))
    meeting.status = status
    audit.record(actor, "meeting.status", f"meeting:{meeting.id}", {"status": status})
    db.session.commit()
    return meeting


@use_case
def add_item(actor, meeting_id: int, title: str, kind: str = "information", description: str = "",
             cycle_id: int | None = None, proposal_id: int | None = None) -> AgendaItem:
    begin_write()
    meeting = _meeting(meeting_id)
    _not_cancelled(meeting)
    title = _text(title, 200, "title")
    description = _text(description, MAX_TEXT, "description", required=False)
    if kind not in ("information", "discussion", "decision"):
        raise refuse("meeting.item_kind", N_("Choose information, discussion or decision."), "kind")
    if cycle_id is not None and db.session.get(Cycle, cycle_id) is None:
        raise refuse("meeting.no_cycle", N_("Choose a budget round from the list."), "cycle_id")
    if proposal_id is not None:
        proposal = db.session.get(Proposal, proposal_id)
        if proposal is None:
            raise refuse("meeting.no_proposal", N_("Choose a proposal from the list."), "proposal_id")
        cycle_id = cycle_id or proposal.cycle_id
    position = (db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id))
                or 0) + 1
    item = AgendaItem(meeting_id=meeting.id, position=position, title=title, kind=kind, description=description,
                      cycle_id=cycle_id, proposal_id=proposal_id)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "meeting.item_add", f"meeting:{meeting.id}", {"item": position, "title": title})
    db.session.commit()
    return item


# --- attendance ---------------------------------------------------------------------------


@use_case
def record_attendance(actor, meeting_id: int, statuses: dict[int, str], now: datetime | None = None) -> Meeting:
    """Attendance of the voting members on the meeting's day: {person id: status}."""
    begin_write()
    now = now or utcnow()
    meeting = _meeting(meeting_id)
    _not_cancelled(meeting)
    _has_started(meeting, now)
    members = {m.person_id for m in members_on(meeting)}
    for person_id, status in statuses.items():
        if person_id not in members:
            person = db.session.get(Person, person_id)
            raise refuse("meeting.attendance_not_member",
                         N_("%(name)s is not a voting member on the day of this meeting."),
                         name=person.name if person else str(person_id))
        if status not in set(rules.Attendance):
            raise refuse("meeting.attendance_status", N_("Choose present, remote, excused or absent for everyone."))
    existing = {a.person_id: a for a in meeting.attendance}
    for person_id, status in statuses.items():
        if person_id in existing:
            existing[person_id].status = status
        else:
            meeting.attendance.append(AttendanceRecord(person_id=person_id, status=status))
    if meeting.status == "scheduled":
        meeting.status = "held"
    db.session.flush()
    result = quorum_of(meeting)
    audit.record(actor, "meeting.attendance", f"meeting:{meeting.id}",
                 {"present": result.present, "required": result.required, "quorum": result.met})
    db.session.commit()
    return meeting


# --- motions and roll-call votes ---------------------------------------------------------------


@use_case
def add_motion(actor, meeting_id: int, text: str, requirement: str = "simple", mover_id: int | None = None,
               seconder_id: int | None = None, agenda_item_id: int | None = None, action: str | None = None,
               action_cycle_id: int | None = None) -> Motion:
    """A motion put to the meeting. With an `action`, its adopted and published decision also
    carries out that step of the cycle `action_cycle_id` (see `ACTIONS`)."""
    begin_write()
    meeting = _meeting(meeting_id)
    _not_cancelled(meeting)
    text = _text(text, MAX_TEXT, "text")
    if requirement not in set(rules.Majority):
        raise refuse("meeting.requirement", N_("Choose the majority the motion needs."), "requirement")
    members = {m.person_id for m in members_on(meeting)}
    for field, person_id in (("mover_id", mover_id), ("seconder_id", seconder_id)):
        if person_id is not None and person_id not in members:
            raise refuse("meeting.mover_not_member", N_("Choose a voting member of the council."), field)
    if mover_id is not None and mover_id == seconder_id:
        raise refuse("meeting.seconder_is_mover", N_("The seconder must be another member than the mover."),
                     "seconder_id")
    if agenda_item_id is not None and agenda_item_id not in {i.id for i in meeting.items}:
        raise refuse("meeting.no_item", N_("Choose an item of this meeting's agenda."), "agenda_item_id")
    if action is not None:
        if action not in ACTIONS:
            raise refuse("meeting.action", N_("Choose what the decision does, or nothing."), "action")
        if action_cycle_id is None or db.session.get(Cycle, action_cycle_id) is None:
            raise refuse("meeting.action_cycle", N_("Choose the budget round the decision is about."),
                         "action_cycle_id")
    else:
        action_cycle_id = None
    number = (db.session.scalar(select(func.max(Motion.number)).where(Motion.meeting_id == meeting.id)) or 0) + 1
    motion = Motion(meeting_id=meeting.id, number=number, text=text, requirement=requirement, mover_id=mover_id,
                    seconder_id=seconder_id, agenda_item_id=agenda_item_id, action=action,
                    action_cycle_id=action_cycle_id)
    db.session.add(motion)
    db.session.flush()
    audit.record(actor, "motion.add", f"motion:{motion.id}", {"meeting": meeting.id, "requirement": requirement})
    db.session.commit()
    return motion


def _counts(result: rules.MotionResult) -> dict:
    def plain(c: rules.Counts) -> dict:
        return {"yes": c.yes, "no": c.no, "abstain": c.abstain, "absent": c.absent}

    return {"total": plain(result.total), **{str(side): plain(c) for side, c in result.by_side.items()}}


def _explanation(refusal) -> dict:
    return {"code": refusal.code, "message": refusal.message,
            "params": {k: str(v) if isinstance(v, rules.Constituency) else v for k, v in refusal.params.items()}}


@use_case
def record_roll_call(actor, motion_id: int, choices: dict[int, str], now: datetime | None = None) -> Motion:
    """Save each member's vote and the outcome the council's rules give; again until published.

    A member not listed is absent; one marked absent or excused in the attendance can only be absent.
    """
    begin_write()
    now = now or utcnow()
    motion = _motion(motion_id)
    meeting = motion.meeting
    _not_cancelled(meeting)
    _has_started(meeting, now)
    if motion.decision is not None:
        raise refuse("motion.published", N_("The decision on this motion is published; it can't change. "
                                            "Record a correction instead."))
    members = members_on(meeting)
    names = {p.id: p.name for p in db.session.scalars(select(Person).where(Person.id.in_(list(choices))))}
    records = []
    for person_id, choice in choices.items():
        if choice not in set(rules.VoteChoice):
            raise refuse("motion.choice", N_("Choose yes, no, abstain or absent for everyone."))
        records.append(rules.VoteRecord(person_id, choice, names.get(person_id, str(person_id))))
    refusals = rules.vote_refusals(records, members, meeting_day(meeting))
    if refusals:
        raise Refused(*refusals)
    attendance = {a.person_id: a.status for a in meeting.attendance}
    for record in records:
        if attendance.get(record.person_id) in ("absent", "excused") and record.choice is not rules.VoteChoice.ABSENT:
            raise refuse("motion.vote_not_present", N_("%(name)s is not present at this meeting, so they can't vote."),
                         name=record.name)
    quorum = quorum_of(meeting)
    result = rules.tally_motion(choices, members, motion.requirement, quorum.met)
    motion.votes.clear()
    db.session.flush()
    for member in members:
        motion.votes.append(Vote(person_id=member.person_id, choice=choices.get(member.person_id, "absent")))
    motion.outcome = str(result.outcome)
    motion.quorum_met = quorum.met
    motion.counts = _counts(result)
    motion.explanation = _explanation(result.explanation)
    motion.voted_at = now
    audit.record(actor, "motion.roll_call", f"motion:{motion.id}",
                 {"outcome": motion.outcome, "counts": motion.counts["total"], "quorum": quorum.met})
    db.session.commit()
    return motion


def _next_number(meeting: Meeting) -> str:
    year = meeting_day(meeting).year
    taken = db.session.scalars(select(Decision.number).where(Decision.number.like(f"{year}/%"))).all()
    return f"{year}/{max((int(n.split('/')[1]) for n in taken), default=0) + 1}"


@use_case
def publish_decision(actor, motion_id: int, now: datetime | None = None) -> Decision:
    """Publish the voted motion as a decision. From then on it never changes."""
    begin_write()
    motion = _motion(motion_id)
    if motion.outcome is None:
        raise refuse("motion.not_voted", N_("Record the roll-call vote before publishing the decision."))
    if motion.decision is not None:
        raise refuse("motion.published", N_("The decision on this motion is published; it can't change. "
                                            "Record a correction instead."))
    now = now or utcnow()
    decision = Decision(number=_next_number(motion.meeting), meeting_id=motion.meeting_id, motion_id=motion.id,
                        text=motion.text, outcome=motion.outcome, counts=motion.counts,
                        explanation=motion.explanation, published_at=now)
    db.session.add(decision)
    db.session.flush()
    audit.record(actor, "decision.publish", f"decision:{decision.id}",
                 {"number": decision.number, "motion": motion.id, "outcome": decision.outcome})
    if motion.action is not None and motion.outcome == "adopted":
        _carry_out(actor, motion, decision, now)
    db.session.commit()
    return decision


def _carry_out(actor, motion: Motion, decision: Decision, now: datetime) -> None:
    """The cycle step an adopted decision orders, in the same transaction: if the cycle may not
    take it now, the decision is not published either, and the refusal says why."""
    from ypb.domain.cycle import Phase
    from ypb.services import cycles, results

    cycle = db.session.get(Cycle, motion.action_cycle_id)
    if cycle is None:
        raise refuse("meeting.action_cycle_gone", N_("The budget round this decision is about no longer exists."))
    if motion.action == "open_voting":
        if cycle.phase_enum is not Phase.REVIEW:
            raise refuse("meeting.action_not_review",
                         N_("The ballot list can only be approved while the budget round is in review."))
        cycles.move_by_decision(actor, cycle, Phase.VOTING, now, decision.number)
    else:
        results.confirm_by_decision(actor, cycle, now, decision.number)


@use_case
def correct_decision(actor, decision_id: int, motion_id: int, note: str, now: datetime | None = None) -> Decision:
    """Publish a later voted motion as the correction of a published decision."""
    begin_write()
    old = db.session.get(Decision, decision_id)
    if old is None:
        raise refuse("decision.not_found", N_("That decision does not exist."))
    note = _text(note, 2000, "note")
    motion = _motion(motion_id)
    if motion.outcome is None or motion.decision is not None:
        raise refuse("decision.correction_motion", N_("Choose a voted motion whose decision is not yet published."),
                     "motion_id")
    if motion.meeting.starts_at < db.session.get(Meeting, old.meeting_id).starts_at:
        raise refuse("decision.correction_earlier", N_("A correction is decided after the decision it corrects."),
                     "motion_id")
    decision = Decision(number=_next_number(motion.meeting), meeting_id=motion.meeting_id, motion_id=motion.id,
                        text=motion.text, outcome=motion.outcome, counts=motion.counts,
                        explanation=motion.explanation, corrects_id=old.id, correction_note=note,
                        published_at=now or utcnow())
    db.session.add(decision)
    db.session.flush()
    audit.record(actor, "decision.correct", f"decision:{decision.id}", {"number": decision.number,
                                                                       "corrects": old.number})
    db.session.commit()
    return decision


# --- minutes ------------------------------------------------------------------------------


@use_case
def save_minutes(actor, meeting_id: int, text: str, now: datetime | None = None) -> Minutes:
    """Draft (or redraft) the minutes of a meeting that has taken place."""
    begin_write()
    meeting = _meeting(meeting_id)
    _not_cancelled(meeting)
    _has_started(meeting, now or utcnow())
    text = _text(text, MAX_TEXT, "text")
    minutes = meeting.minutes
    if minutes is not None and minutes.status != "draft":
        raise refuse("minutes.not_draft", N_("These minutes are approved; they can't be edited any more."), "text")
    if minutes is None:
        minutes = Minutes(meeting_id=meeting.id)
        db.session.add(minutes)
    minutes.text = text
    db.session.flush()
    audit.record(actor, "minutes.save", f"meeting:{meeting.id}")
    db.session.commit()
    return minutes


@use_case
def approve_minutes(actor, meeting_id: int, at_meeting_id: int, now: datetime | None = None) -> Minutes:
    """The minutes were approved at a later meeting, which has taken place."""
    begin_write()
    meeting = _meeting(meeting_id)
    minutes = meeting.minutes
    if minutes is None or minutes.status != "draft":
        raise refuse("minutes.not_draft_to_approve", N_("Only draft minutes can be approved."))
    later = _meeting(at_meeting_id)
    if later.starts_at <= meeting.starts_at or later.status == "cancelled":
        raise refuse("minutes.approve_later", N_("Minutes are approved at a later meeting that took place."),
                     "at_meeting_id")
    _has_started(later, now or utcnow())
    minutes.status = "approved"
    minutes.approved_at_meeting_id = later.id
    audit.record(actor, "minutes.approve", f"meeting:{meeting.id}", {"at": later.id})
    db.session.commit()
    return minutes


@use_case
def publish_minutes(actor, meeting_id: int, now: datetime | None = None) -> Minutes:
    begin_write()
    meeting = _meeting(meeting_id)
    minutes = meeting.minutes
    if minutes is None or minutes.status != "approved":
        raise refuse("minutes.not_approved", N_("Minutes are published once a later meeting has approved them."))
    minutes.status = "published"
    minutes.published_at = now or utcnow()
    audit.record(actor, "minutes.publish", f"meeting:{meeting.id}")
    db.session.commit()
    return minutes
