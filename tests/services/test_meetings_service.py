"""ypb.services.meetings: a meeting from its agenda to published decisions and minutes, with
quorum and outcomes computed from what was recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.services import audit_entries, codes, count, refused, user
from tests.services.test_council_service import five_and_five
from ypb.extensions import db
from ypb.models import Decision, Motion, Vote
from ypb.models.meeting import PublishedDecisionChanged
from ypb.services import council, meetings

MEETING_AT = datetime(2030, 5, 6, 15, 0, tzinfo=UTC)
DURING = MEETING_AT + timedelta(hours=1)
NEXT_AT = MEETING_AT + timedelta(days=30)


@pytest.fixture
def w(app, users):
    with app.app_context():
        staff = user(users["secretary"])
        ids = five_and_five(staff)
        ids["staff"] = staff
        ids["meeting"] = meetings.schedule(staff, "May meeting", MEETING_AT, place="Town hall, room 2").id
        yield ids


def people(w, side: str, numbers) -> list[int]:
    return [w[f"{side}{n}-person"] for n in numbers]


def everyone(w) -> list[int]:
    return people(w, "municipal", range(1, 6)) + people(w, "youth", range(1, 6))


def attend(w, absent=(), excused=(), remote=()) -> None:
    statuses = {p: "present" for p in everyone(w)}
    statuses |= dict.fromkeys(absent, "absent") | dict.fromkeys(excused, "excused") | dict.fromkeys(remote, "remote")
    meetings.record_attendance(w["staff"], w["meeting"], statuses, now=DURING)


def motion(w, requirement="simple", text="Approve the ballot list") -> int:
    return meetings.add_motion(w["staff"], w["meeting"], text, requirement,
                               mover_id=w["youth1-person"], seconder_id=w["municipal1-person"]).id


def test_a_meeting_needs_a_place_or_a_link(w):
    assert refused(meetings.schedule, w["staff"], "June", NEXT_AT).field == "place"
    assert refused(meetings.schedule, w["staff"], "June", NEXT_AT, online_url="zoom").field == "online_url"
    online = meetings.schedule(w["staff"], "June", NEXT_AT, online_url="https://meet.example.org/council")
    assert online.status == "scheduled"


def test_attendance_gives_quorum(w):
    attend(w, absent=people(w, "municipal", [1, 2, 3]), excused=people(w, "youth", [1, 2]))
    meeting = meetings.get(w["meeting"])
    result = meetings.quorum_of(meeting)
    assert (result.present, result.required, result.met) == (5, 6, False)
    assert meeting.status == "held"
    attend(w, absent=people(w, "municipal", [1, 2]), remote=people(w, "youth", [1, 2]))
    assert meetings.quorum_of(meetings.get(w["meeting"])).met


def test_attendance_only_for_voting_members_and_after_the_start(w):
    outsider = council.add_person(w["staff"], "Visitor")
    exc = refused(meetings.record_attendance, w["staff"], w["meeting"], {outsider.id: "present"}, now=DURING)
    assert codes(exc) == ["meeting.attendance_not_member"]
    exc = refused(meetings.record_attendance, w["staff"], w["meeting"], {w["youth1-person"]: "present"},
                  now=MEETING_AT - timedelta(days=1))
    assert codes(exc) == ["meeting.not_yet"]
    assert meetings.get(w["meeting"]).attendance == []


def test_a_roll_call_decides_the_motion_and_can_be_published(w):
    attend(w)
    motion_id = motion(w)
    choices = dict.fromkeys(everyone(w), "yes") | {w["municipal5-person"]: "no", w["youth5-person"]: "abstain"}
    voted = meetings.record_roll_call(w["staff"], motion_id, choices, now=DURING)
    assert voted.outcome == "adopted" and voted.quorum_met
    assert voted.counts["total"] == {"yes": 8, "no": 1, "abstain": 1, "absent": 0}
    assert voted.counts["youth"] == {"yes": 4, "no": 0, "abstain": 1, "absent": 0}
    assert voted.explanation["code"] == "council.adopted_simple"
    decision = meetings.publish_decision(w["staff"], motion_id, now=DURING)
    assert decision.number == "2030/1" and decision.outcome == "adopted"
    # Published: the roll call cannot be recorded again, nor the decision changed.
    assert codes(refused(meetings.record_roll_call, w["staff"], motion_id, choices, now=DURING)) == [
        "motion.published"]
    decision.text = "Something else"
    with pytest.raises(PublishedDecisionChanged):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Decision, decision.id).text == "Approve the ballot list"


def test_without_quorum_nothing_passes(w):
    attend(w, absent=everyone(w)[:6])
    motion_id = motion(w)
    present = everyone(w)[6:]
    voted = meetings.record_roll_call(w["staff"], motion_id, dict.fromkeys(present, "yes"), now=DURING)
    assert voted.outcome == "no_quorum" and voted.quorum_met is False


def test_a_double_majority_needs_both_sides(w):
    attend(w)
    motion_id = motion(w, "double")
    choices = dict.fromkeys(people(w, "youth", range(1, 6)), "yes") | dict.fromkeys(
        people(w, "municipal", range(1, 6)), "no") | {w["municipal1-person"]: "yes"}
    voted = meetings.record_roll_call(w["staff"], motion_id, choices, now=DURING)
    # 6 yes against 4 no overall, but the municipal side said no 4 to 1.
    assert voted.outcome == "rejected" and voted.explanation["code"] == "council.rejected_double"


def test_a_member_marked_absent_cannot_vote_and_unlisted_members_are_absent(w):
    attend(w, absent=[w["youth2-person"]])
    motion_id = motion(w)
    exc = refused(meetings.record_roll_call, w["staff"], motion_id, {w["youth2-person"]: "yes"}, now=DURING)
    assert codes(exc) == ["motion.vote_not_present"]
    assert count(Vote) == 0 and db.session.get(Motion, motion_id).outcome is None
    voted = meetings.record_roll_call(w["staff"], motion_id, {w["youth1-person"]: "yes"}, now=DURING)
    assert voted.counts["total"]["absent"] == 9
    assert count(Vote) == 10  # one line per voting member: the record says who was absent


def test_a_vote_from_someone_not_on_the_council_is_refused(w):
    attend(w)
    motion_id = motion(w)
    visitor = council.add_person(w["staff"], "Visitor")
    exc = refused(meetings.record_roll_call, w["staff"], motion_id, {visitor.id: "yes"}, now=DURING)
    assert codes(exc) == ["council.vote_not_member"]


def test_mover_and_seconder_are_two_members(w):
    exc = refused(meetings.add_motion, w["staff"], w["meeting"], "Text", "simple", w["youth1-person"],
                  w["youth1-person"])
    assert exc.field == "seconder_id"
    assert refused(meetings.add_motion, w["staff"], w["meeting"], "Text", "unanimous").field == "requirement"
    assert refused(meetings.add_motion, w["staff"], w["meeting"], " ").field == "text"


def test_a_correction_is_a_new_decision_naming_the_old_one(w):
    attend(w)
    first = motion(w)
    meetings.record_roll_call(w["staff"], first, dict.fromkeys(everyone(w), "yes"), now=DURING)
    old = meetings.publish_decision(w["staff"], first, now=DURING)
    fix = motion(w, text="Approve the ballot list, without project 7 (it was withdrawn)")
    meetings.record_roll_call(w["staff"], fix, dict.fromkeys(everyone(w), "yes"), now=DURING)
    new = meetings.correct_decision(w["staff"], old.id, fix, "Project 7 had been withdrawn by its author.",
                                    now=DURING)
    assert (new.number, new.corrects_id) == ("2030/2", old.id)
    assert db.session.get(Decision, old.id).text == "Approve the ballot list"
    assert [e.action for e in audit_entries() if e.action.startswith("decision.")] == [
        "decision.publish", "decision.correct"]


def test_minutes_are_drafted_approved_at_a_later_meeting_then_published(w):
    meetings.save_minutes(w["staff"], w["meeting"], "Present: everyone. The ballot list was approved.", now=DURING)
    assert codes(refused(meetings.publish_minutes, w["staff"], w["meeting"])) == ["minutes.not_approved"]
    # Not at the same meeting, and not at one that has not taken place.
    assert refused(meetings.approve_minutes, w["staff"], w["meeting"], w["meeting"], now=DURING).field == (
        "at_meeting_id")
    later = meetings.schedule(w["staff"], "June meeting", NEXT_AT, place="Town hall").id
    assert codes(refused(meetings.approve_minutes, w["staff"], w["meeting"], later, now=DURING)) == [
        "meeting.not_yet"]
    meetings.approve_minutes(w["staff"], w["meeting"], later, now=NEXT_AT)
    assert refused(meetings.save_minutes, w["staff"], w["meeting"], "Edited", now=NEXT_AT).field == "text"
    published = meetings.publish_minutes(w["staff"], w["meeting"], now=NEXT_AT)
    assert published.status == "published" and published.text.startswith("Present: everyone")


def test_a_cancelled_meeting_takes_no_records(w):
    meetings.set_status(w["staff"], w["meeting"], "cancelled")
    assert codes(refused(meetings.add_motion, w["staff"], w["meeting"], "Text")) == ["meeting.cancelled"]
    assert codes(refused(meetings.record_attendance, w["staff"], w["meeting"], {}, now=DURING)) == [
        "meeting.cancelled"]


def test_a_meeting_with_votes_cannot_be_cancelled(w):
    attend(w)
    assert codes(refused(meetings.set_status, w["staff"], w["meeting"], "cancelled")) == ["meeting.cancel_recorded"]


def test_decisions_about_a_proposal(world, w):
    item = meetings.add_item(w["staff"], w["meeting"], "Skate park", "decision", proposal_id=world["draft"])
    attend(w)
    motion_id = meetings.add_motion(w["staff"], w["meeting"], "Fund it", agenda_item_id=item.id).id
    meetings.record_roll_call(w["staff"], motion_id, dict.fromkeys(everyone(w), "yes"), now=DURING)
    assert meetings.decisions_about(world["draft"]) == []  # voted, not yet published
    meetings.publish_decision(w["staff"], motion_id, now=DURING)
    [found] = meetings.decisions_about(world["draft"])
    assert (found.decision.outcome, found.item.title) == ("adopted", "Skate park")
    assert item.cycle_id == world["cycle_proposals"]  # the proposal's cycle, filled in


def test_the_meeting_day_is_the_municipality_s(w, app):
    # 23:30 UTC on 31 March is already 1 April in Riga (UTC+3 in summer time).
    late = meetings.schedule(w["staff"], "Late", datetime(2030, 3, 31, 23, 30, tzinfo=UTC), place="Online")
    assert app.config["YPB_TIMEZONE"] == "Europe/Riga"
    assert meetings.meeting_day(late) == date(2030, 4, 1)


# --- decisions that carry out a cycle step ---------------------------------------------------

def cycle_in_review(w) -> int:
    from tests.services import REVIEW_AT, new_cycle, submitted, to_feedback, to_review
    from ypb.domain.ballot import BallotType
    from ypb.domain.cycle import Phase
    from ypb.models import User
    from ypb.services import review, voting

    secretary_id = w["staff"].id
    youth_id = db.session.scalar(db.select(User.id).where(User.role == "youth"))
    cycle_id = new_cycle(secretary_id, Phase.PROPOSALS)
    proposal_id = submitted(youth_id, cycle_id)
    to_feedback(secretary_id, cycle_id)
    to_review(secretary_id, cycle_id)
    review.decide(w["staff"], proposal_id, review.Decision.APPROVE, final_cost=1_000_000,
                  now=REVIEW_AT + timedelta(hours=1))
    voting.save_settings(w["staff"], cycle_id, voting.BallotSettings(BallotType.APPROVAL, max_choices=1))
    return cycle_id


def test_an_adopted_decision_approves_the_ballot_and_opens_voting(w):
    from tests.services import REVIEW_AT
    from ypb.models import Cycle

    cycle_id = cycle_in_review(w)
    at = REVIEW_AT + timedelta(days=2)
    meeting_id = meetings.schedule(w["staff"], "Ballot meeting", at, place="Town hall").id
    meetings.record_attendance(w["staff"], meeting_id, dict.fromkeys(everyone(w), "present"), now=at)
    rejected = meetings.add_motion(w["staff"], meeting_id, "Approve the ballot", action="open_voting",
                                   action_cycle_id=cycle_id).id
    meetings.record_roll_call(w["staff"], rejected, dict.fromkeys(everyone(w), "no"), now=at)
    meetings.publish_decision(w["staff"], rejected, now=at)
    assert db.session.get(Cycle, cycle_id).phase == "review"  # a rejection orders nothing

    adopted = meetings.add_motion(w["staff"], meeting_id, "Approve the ballot, second reading",
                                  action="open_voting", action_cycle_id=cycle_id).id
    meetings.record_roll_call(w["staff"], adopted, dict.fromkeys(everyone(w), "yes"), now=at)
    decision = meetings.publish_decision(w["staff"], adopted, now=at)
    assert db.session.get(Cycle, cycle_id).phase == "voting"
    [move] = [e for e in audit_entries("cycle.phase") if '"to":"voting"' in e.data]
    assert decision.number in move.data


def test_a_decision_the_cycle_cannot_carry_out_is_not_published(w):
    from tests.services import REVIEW_AT
    from ypb.models import Cycle

    cycle_id = cycle_in_review(w)
    at = REVIEW_AT + timedelta(days=2)
    meeting_id = meetings.schedule(w["staff"], "Results meeting", at, place="Town hall").id
    meetings.record_attendance(w["staff"], meeting_id, dict.fromkeys(everyone(w), "present"), now=at)
    motion_id = meetings.add_motion(w["staff"], meeting_id, "Confirm the results", action="ratify_results",
                                    action_cycle_id=cycle_id).id
    meetings.record_roll_call(w["staff"], motion_id, dict.fromkeys(everyone(w), "yes"), now=at)
    exc = refused(meetings.publish_decision, w["staff"], motion_id, now=at)
    assert codes(exc) == ["results.wrong_phase"]
    assert count(Decision) == 0 and db.session.get(Cycle, cycle_id).results_ratified_at is None


def test_an_action_needs_a_known_step_and_cycle(w):
    assert refused(meetings.add_motion, w["staff"], w["meeting"], "Text", action="dissolve",
                   action_cycle_id=1).field == "action"
    assert refused(meetings.add_motion, w["staff"], w["meeting"], "Text", action="open_voting").field == (
        "action_cycle_id")


def test_an_adopted_decision_confirms_the_results_after_their_comment_window(app, world):
    from tests.services.test_results_service import close_voting
    from ypb.models import Cycle

    with app.app_context():
        staff = user(world["secretary"])
        cycle = close_voting(dict(world, app=app), [(0,), (0, 1)])
        ids = five_and_five(staff, start=date(2020, 1, 1))
        members = [ids[f"{side}{n}-person"] for side in ("municipal", "youth") for n in range(1, 6)]
        early = cycle.results_end - timedelta(hours=2)
        meeting_id = meetings.schedule(staff, "Results meeting", early, place="Town hall").id
        meetings.record_attendance(staff, meeting_id, dict.fromkeys(members, "present"), now=early)
        motion_id = meetings.add_motion(staff, meeting_id, "Confirm the results", action="ratify_results",
                                        action_cycle_id=cycle.id).id
        meetings.record_roll_call(staff, motion_id, dict.fromkeys(members, "yes"), now=early)
        # Still inside the comment window on the draft results: nothing is published.
        assert codes(refused(meetings.publish_decision, staff, motion_id, now=early)) == ["results.feedback_open"]
        decision = meetings.publish_decision(staff, motion_id, now=cycle.results_end)
        found = db.session.get(Cycle, cycle.id)
        assert found.results_ratified and found.results_ratified_at == cycle.results_end
        [entry] = audit_entries("results.ratify")
        assert decision.number in entry.data
