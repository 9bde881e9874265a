"""Table tests for ypb.domain.calendar: what an event may be, how typed local days and times
become stored moments, and the merged list of deadlines, meetings and events.

No app: everything is plain values on Riga's clocks (UTC+2 in winter, UTC+3 in summer;
summer time starts on 31 March 2030 at 03:00).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.domain.source_checks import (
    assert_filled,
    assert_marked_for_translation,
    declared_codes,
    imports_outside_stdlib,
    refusal_calls,
)
from ypb.domain import calendar
from ypb.domain.calendar import (
    MAX_DAYS,
    CycleDates,
    EventDates,
    EventInput,
    MeetingDates,
    Source,
    by_month,
    cycle_deadlines,
    event_refusals,
    event_span,
    merge,
    split_upcoming,
)
from ypb.domain.cycle import CycleState, Phase, Schedule, timeline

RIGA = ZoneInfo("Europe/Riga")
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
NOW = datetime(2030, 1, 15, 10, 0, tzinfo=UTC)

WORKSHOP = EventInput(title="Idea workshop", kind="workshop", start_day=date(2030, 2, 5), start_time=time(17, 0),
                      end_time=time(19, 30), place="Youth centre", description="Bring **ideas**.")


def refusal_codes(data: EventInput) -> list[tuple[str, str]]:
    return [(field, r.code) for field, r in event_refusals(data, RIGA, NOW)]


# --- typed events ---------------------------------------------------------------------------


def test_a_timed_event_is_stored_in_utc_from_riga_s_clocks():
    assert event_refusals(WORKSHOP, RIGA, NOW) == []
    span = event_span(WORKSHOP, RIGA)
    assert (span.starts_at, span.ends_at, span.all_day) == (
        datetime(2030, 2, 5, 15, 0, tzinfo=UTC), datetime(2030, 2, 5, 17, 30, tzinfo=UTC), False)
    # In summer Riga is three hours ahead.
    summer = event_span(replace(WORKSHOP, start_day=date(2030, 6, 5)), RIGA)
    assert summer.starts_at == datetime(2030, 6, 5, 14, 0, tzinfo=UTC)


def test_without_times_an_event_lasts_whole_local_days():
    data = EventInput(title="Youth forum", kind="forum", start_day=date(2030, 3, 30), end_day=date(2030, 3, 31))
    assert data.all_day and event_refusals(data, RIGA, NOW) == []
    span = event_span(data, RIGA)
    assert span.all_day
    assert span.starts_at == datetime(2030, 3, 29, 22, 0, tzinfo=UTC)  # midnight in Riga, winter time
    assert span.ends_at == datetime(2030, 3, 31, 21, 0, tzinfo=UTC)  # the midnight after, summer time
    one_day = event_span(replace(data, end_day=None), RIGA)
    assert one_day.ends_at - one_day.starts_at == DAY


def test_a_timed_event_can_run_over_several_days():
    data = replace(WORKSHOP, kind="hackathon", start_time=time(18, 0), end_day=date(2030, 2, 7), end_time=time(16, 0))
    assert event_refusals(data, RIGA, NOW) == []
    span = event_span(data, RIGA)
    assert span.ends_at - span.starts_at == 2 * DAY - 2 * HOUR


REFUSAL_CASES = [
    ("no title", replace(WORKSHOP, title="   "), [("title", "event.title")]),
    ("long title", replace(WORKSHOP, title="x" * (calendar.MAX_TITLE + 1)), [("title", "event.title_long")]),
    ("unknown kind", replace(WORKSHOP, kind="party"), [("kind", "event.kind")]),
    ("no start day", replace(WORKSHOP, start_day=None), [("start_day", "event.start_day")]),
    ("year typo ahead", replace(WORKSHOP, start_day=date(2300, 2, 5)), [("start_day", "event.year")]),
    ("year typo behind", replace(WORKSHOP, start_day=date(203, 2, 5)), [("start_day", "event.year")]),
    ("end time but no start time", replace(WORKSHOP, start_time=None), [("start_time", "event.start_time")]),
    ("start time but no end time", replace(WORKSHOP, end_time=None), [("end_time", "event.end_time")]),
    ("ends the day before", replace(WORKSHOP, end_day=date(2030, 2, 4)), [("end_day", "event.end_day_before")]),
    ("all-day ends the day before", EventInput("Forum", "forum", date(2030, 2, 5), end_day=date(2030, 2, 4)),
     [("end_day", "event.end_day_before")]),
    ("ends before it starts", replace(WORKSHOP, end_time=time(16, 0)), [("end_time", "event.end_before")]),
    ("ends when it starts", replace(WORKSHOP, end_time=time(17, 0)), [("end_time", "event.end_before")]),
    ("longer than allowed", EventInput("Forum", "forum", date(2030, 2, 1), end_day=date(2030, 2, 1) + MAX_DAYS * DAY),
     [("end_day", "event.too_long")]),
    ("long place", replace(WORKSHOP, place="x" * (calendar.MAX_PLACE + 1)), [("place", "event.place_long")]),
    ("long description", replace(WORKSHOP, description="x" * (calendar.MAX_DESCRIPTION + 1)),
     [("description", "event.description_long")]),
    ("several problems, in the form's order", replace(WORKSHOP, title="", kind="?", end_time=None),
     [("title", "event.title"), ("kind", "event.kind"), ("end_time", "event.end_time")]),
]


@pytest.mark.parametrize(("name", "data", "expected"), REFUSAL_CASES, ids=[c[0] for c in REFUSAL_CASES])
def test_event_refusals(name, data, expected):
    assert refusal_codes(data) == expected


def test_the_longest_event_and_the_year_limits_are_allowed():
    longest = EventInput("Forum", "forum", date(2030, 2, 1), end_day=date(2030, 2, 1) + (MAX_DAYS - 1) * DAY)
    assert refusal_codes(longest) == []
    for year in (NOW.year - calendar.YEARS_AROUND, NOW.year + calendar.YEARS_AROUND):
        assert refusal_codes(replace(WORKSHOP, start_day=date(year, 2, 5))) == []


def test_a_past_event_can_be_entered_for_the_record():
    assert refusal_codes(replace(WORKSHOP, start_day=date(2029, 11, 5))) == []


ALL_REFUSALS = [r for _, data, _ in REFUSAL_CASES for _, r in event_refusals(data, RIGA, NOW)]


def test_every_refusal_code_has_a_case():
    assert declared_codes(calendar, r'"(event\.[a-z_]+)"') == {r.code for r in ALL_REFUSALS}


@pytest.mark.parametrize("refusal", ALL_REFUSALS, ids=lambda r: r.code)
def test_message_placeholders_are_filled_by_params(refusal):
    assert_filled(refusal)


def test_every_refusal_message_is_marked_for_translation():
    calls = refusal_calls(calendar)
    assert calls
    for call in calls:
        assert_marked_for_translation(call)


def test_module_is_pure():
    outside = imports_outside_stdlib(calendar)
    assert outside and all(m.startswith("ypb.domain.") for m in outside), outside


def test_naive_times_are_a_loading_bug():
    with pytest.raises(ValueError):
        event_refusals(WORKSHOP, RIGA, NOW.replace(tzinfo=None))
    with pytest.raises(ValueError):
        merge([], [MeetingDates(1, "May meeting", datetime(2030, 5, 6, 15))], [], RIGA)


# --- the merged calendar ------------------------------------------------------------------------

T0 = datetime(2030, 1, 6, 10, 0, tzinfo=UTC)
SCHEDULE = Schedule(proposals_end=T0 + 14 * DAY, feedback_end=T0 + 28 * DAY, review_end=T0 + 35 * DAY,
                    voting_end=T0 + 49 * DAY, results_end=T0 + 56 * DAY)


def cycle_dates(phase: Phase, schedule: Schedule = SCHEDULE, cycle_id: int = 7) -> CycleDates:
    feedback_started = T0 + 14 * DAY if phase not in (Phase.DRAFT, Phase.PROPOSALS) else None
    started = {Phase.DRAFT: T0 - DAY, Phase.PROPOSALS: T0, Phase.VOTING: T0 + 36 * DAY}.get(phase, T0 + 14 * DAY)
    state = CycleState(phase=phase, phase_started_at=started, schedule=schedule, feedback_started_at=feedback_started,
                       proposal_count=2, approved_count=2)
    return CycleDates(cycle_id, "Youth budget 2030", phase, timeline(state, T0 + 40 * DAY))


def test_a_cycle_s_deadlines_with_their_names():
    found = cycle_deadlines(cycle_dates(Phase.VOTING), RIGA)
    assert [(e.label, e.starts_at) for e in found] == [
        ("Proposals close", T0 + 14 * DAY),
        ("Feedback closes", T0 + 28 * DAY),
        ("Voting opens", T0 + 36 * DAY),  # voting is under way: the day it really opened
        ("Voting closes", T0 + 49 * DAY),
        ("Comments on the draft results close", T0 + 56 * DAY),
    ]
    first = found[0]
    assert (first.source, first.kind, first.ref, first.cycle_id, first.title) == (
        Source.DEADLINE, "deadline", 7, 7, "Youth budget 2030")
    assert first.ends_at is None and not first.all_day
    assert first.uid == "cycle-7-proposals-close"
    # Before voting, it is planned to open when the review ends.
    upcoming = cycle_deadlines(cycle_dates(Phase.FEEDBACK), RIGA)
    assert next(e for e in upcoming if e.uid.endswith("voting-open")).starts_at == T0 + 35 * DAY


def test_a_draft_cycle_has_no_public_deadlines_and_unset_dates_are_left_out():
    assert cycle_deadlines(cycle_dates(Phase.DRAFT), RIGA) == []
    partial = Schedule(proposals_end=T0 + 14 * DAY, feedback_end=T0 + 28 * DAY, voting_end=T0 + 49 * DAY)
    labels = [e.label for e in cycle_deadlines(cycle_dates(Phase.PROPOSALS, partial), RIGA)]
    assert labels == ["Proposals close", "Feedback closes", "Voting closes"]  # no review end: no opening date


def test_the_local_day_of_a_deadline_late_in_the_evening():
    # 22:30 UTC on 19 January is already 20 January in Riga.
    late = Schedule(proposals_end=datetime(2030, 1, 19, 22, 30, tzinfo=UTC))
    [entry] = cycle_deadlines(cycle_dates(Phase.PROPOSALS, late), RIGA)
    assert entry.first_day == entry.last_day == date(2030, 1, 20)


MEETING = MeetingDates(3, "February meeting", datetime(2030, 2, 5, 15, 0, tzinfo=UTC), "Town hall")
EVENT = EventDates(4, "Idea workshop", "workshop", datetime(2030, 2, 5, 15, 0, tzinfo=UTC),
                   datetime(2030, 2, 5, 17, 0, tzinfo=UTC), place="Youth centre")
FORUM = EventDates(5, "Youth forum", "forum", datetime(2030, 2, 9, 22, 0, tzinfo=UTC),
                   datetime(2030, 2, 11, 22, 0, tzinfo=UTC), all_day=True, cancelled=True, sequence=2)
DEADLINE_AT_SAME_TIME = Schedule(proposals_end=datetime(2030, 2, 5, 15, 0, tzinfo=UTC))


def test_everything_merged_soonest_first_with_a_stated_tie_break():
    cycle = cycle_dates(Phase.PROPOSALS, DEADLINE_AT_SAME_TIME)
    found = merge([cycle], [MEETING], [FORUM, EVENT], RIGA)
    # At the same moment: the deadline, then the meeting, then the event.
    assert [(e.source, e.ref) for e in found] == [
        (Source.DEADLINE, 7), (Source.MEETING, 3), (Source.EVENT, 4), (Source.EVENT, 5)]
    meeting = found[1]
    assert meeting.ends_at - meeting.starts_at == 2 * HOUR and meeting.uid == "meeting-3"
    forum = found[3]
    assert forum.cancelled and forum.sequence == 2  # a cancelled event stays listed, marked
    assert (forum.first_day, forum.last_day) == (date(2030, 2, 10), date(2030, 2, 11))


def test_filter_by_kind():
    cycle = cycle_dates(Phase.PROPOSALS, DEADLINE_AT_SAME_TIME)
    assert [e.ref for e in merge([cycle], [MEETING], [FORUM, EVENT], RIGA, kinds=["forum", "meeting"])] == [3, 5]
    assert [e.kind for e in merge([cycle], [MEETING], [EVENT], RIGA, kinds=["deadline"])] == ["deadline"]


def test_a_range_keeps_what_overlaps_it():
    start, end = datetime(2030, 2, 5, 16, 0, tzinfo=UTC), datetime(2030, 2, 10, 0, 0, tzinfo=UTC)
    cycle = cycle_dates(Phase.PROPOSALS, DEADLINE_AT_SAME_TIME)
    found = merge([cycle], [MEETING], [EVENT, FORUM], RIGA, start=start, end=end)
    # The deadline at 15:00 is before the range; the meeting and the workshop are still on at 16:00;
    # the forum starts before the range ends.
    assert [(e.source, e.ref) for e in found] == [(Source.MEETING, 3), (Source.EVENT, 4), (Source.EVENT, 5)]
    assert merge([], [], [EVENT], RIGA, start=EVENT.ends_at) == []  # ended exactly at the start
    assert merge([], [], [EVENT], RIGA, end=EVENT.starts_at) == []


def test_upcoming_includes_what_is_under_way_and_a_deadline_passes_at_its_moment():
    cycle = cycle_dates(Phase.PROPOSALS, DEADLINE_AT_SAME_TIME)
    entries = merge([cycle], [MEETING], [EVENT, FORUM], RIGA)
    now = datetime(2030, 2, 5, 15, 0, tzinfo=UTC)
    upcoming, past = split_upcoming(entries, now)
    assert [e.ref for e in upcoming] == [3, 4, 5]
    assert [e.source for e in past] == [Source.DEADLINE]
    upcoming, past = split_upcoming(entries, datetime(2030, 2, 12, tzinfo=UTC))
    assert upcoming == [] and [e.ref for e in past] == [5, 4, 3, 7]  # latest first


def test_entries_grouped_by_month_in_order():
    march = replace(EVENT, id=9, starts_at=datetime(2030, 3, 2, 9, tzinfo=UTC), ends_at=datetime(2030, 3, 2, 11,
                                                                                                tzinfo=UTC))
    # 22:30 UTC on 28 February is 1 March in Riga: it belongs to March.
    early = replace(EVENT, id=8, starts_at=datetime(2030, 2, 28, 22, 30, tzinfo=UTC),
                    ends_at=datetime(2030, 2, 28, 23, 30, tzinfo=UTC))
    groups = by_month(merge([], [MEETING], [march, early], RIGA))
    assert [(month, [e.ref for e in listed]) for month, listed in groups] == [
        (date(2030, 2, 1), [3]), (date(2030, 3, 1), [8, 9])]


def test_a_timed_event_until_midnight_ends_on_its_day():
    late = replace(EVENT, starts_at=datetime(2030, 2, 5, 18, tzinfo=UTC), ends_at=datetime(2030, 2, 5, 22, tzinfo=UTC))
    [entry] = merge([], [], [late], RIGA)  # 20:00 to midnight in Riga
    assert entry.first_day == entry.last_day == date(2030, 2, 5)
