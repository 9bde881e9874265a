"""Table tests for ypb.domain.cycle: every transition, guard, permission and schedule rule.

No app: states are built from plain values around one fixed calendar (SCHEDULE).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from itertools import product

import pytest

from tests.domain.source_checks import (
    assert_filled,
    assert_marked_for_translation,
    declared_codes,
    imports_outside_stdlib,
    refusal_calls,
)
from ypb.domain import cycle
from ypb.domain.cycle import (
    PHASES,
    CycleState,
    Phase,
    Schedule,
    StepStatus,
    ballot_settings_locked,
    can_comment,
    can_edit_proposal,
    can_propose,
    can_publish_feasibility_note,
    can_vote,
    check_transition,
    due_transition,
    next_phase,
    ratify_refusals,
    results_exist,
    review_refusals,
    timeline,
    validate_schedule,
    vote_totals_visible,
)

SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)
T0 = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)  # the cycle opens

SCHEDULE = Schedule(
    proposals_end=T0 + 14 * DAY,
    feedback_end=T0 + 28 * DAY,
    review_end=T0 + 35 * DAY,
    voting_end=T0 + 49 * DAY,
    results_end=T0 + 56 * DAY,
)
P, F, R, V, X = (
    SCHEDULE.proposals_end,
    SCHEDULE.feedback_end,
    SCHEDULE.review_end,
    SCHEDULE.voting_end,
    SCHEDULE.results_end,
)
FEEDBACK_START = P
FEEDBACK_MIN_END = FEEDBACK_START + 7 * DAY  # with the default feedback_days=7

# When each phase started in the happy path (the previous phase's planned end).
STARTED = {
    Phase.DRAFT: T0 - 10 * DAY,
    Phase.PROPOSALS: T0,
    Phase.FEEDBACK: P,
    Phase.REVIEW: F,
    Phase.VOTING: R,
    Phase.RESULTS: V,
    Phase.IMPLEMENTATION: X,
    Phase.CLOSED: T0 + 400 * DAY,
}

# A moment at which moving on from each phase is allowed in the happy path.
READY_AT = {
    Phase.DRAFT: T0 - DAY,
    Phase.PROPOSALS: P,
    Phase.FEEDBACK: F,
    Phase.REVIEW: R,
    Phase.VOTING: V,
    Phase.RESULTS: X,
    Phase.IMPLEMENTATION: T0 + 300 * DAY,
    Phase.CLOSED: T0 + 500 * DAY,
}


def state(phase: Phase, **changes) -> CycleState:
    """A cycle in `phase` where every guard is satisfied; `changes` break one thing."""
    feedback_begun = PHASES.index(phase) >= PHASES.index(Phase.FEEDBACK)
    base = CycleState(
        phase=phase,
        phase_started_at=STARTED[phase],
        schedule=SCHEDULE,
        feedback_days=7,
        feedback_started_at=FEEDBACK_START if feedback_begun else None,
        proposal_count=3,
        undecided_count=0,
        approved_count=2,
        ballot_ready=True,
        results_ratified=True,
    )
    return replace(base, **changes)


def codes(refusals) -> list[str]:
    return [r.code for r in refusals]


def _id(value) -> str | None:
    return value.value if isinstance(value, Phase) else None


# --- phases -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "stored"),
    [
        (Phase.DRAFT, "draft"),
        (Phase.PROPOSALS, "proposals"),
        (Phase.FEEDBACK, "feedback"),
        (Phase.REVIEW, "review"),
        (Phase.VOTING, "voting"),
        (Phase.RESULTS, "results"),
        (Phase.IMPLEMENTATION, "implementation"),
        (Phase.CLOSED, "closed"),
    ],
)
def test_phase_values_are_the_stored_strings(phase, stored):
    assert phase.value == stored
    assert Phase(stored) is phase


def test_phase_order():
    order = "draft proposals feedback review voting results implementation closed"
    assert [p.value for p in PHASES] == order.split()


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        (Phase.DRAFT, Phase.PROPOSALS),
        (Phase.PROPOSALS, Phase.FEEDBACK),
        (Phase.FEEDBACK, Phase.REVIEW),
        (Phase.REVIEW, Phase.VOTING),
        (Phase.VOTING, Phase.RESULTS),
        (Phase.RESULTS, Phase.IMPLEMENTATION),
        (Phase.IMPLEMENTATION, Phase.CLOSED),
        (Phase.CLOSED, None),
        ("voting", Phase.RESULTS),  # the stored string works too
    ],
)
def test_next_phase(phase, expected):
    assert next_phase(phase) is expected


# --- transitions: which moves exist -------------------------------------------------------

ALLOWED_MOVES = [
    (Phase.DRAFT, Phase.PROPOSALS),
    (Phase.PROPOSALS, Phase.FEEDBACK),
    (Phase.FEEDBACK, Phase.REVIEW),
    (Phase.REVIEW, Phase.VOTING),
    (Phase.VOTING, Phase.RESULTS),
    (Phase.RESULTS, Phase.IMPLEMENTATION),
    (Phase.IMPLEMENTATION, Phase.CLOSED),
]


@pytest.mark.parametrize(("current", "target"), ALLOWED_MOVES, ids=_id)
def test_each_forward_move_is_allowed_when_its_guard_is_met(current, target):
    assert check_transition(state(current), target, READY_AT[current]) == []


# Every other (current, target) pair: skipping ahead, going back, staying put.
IMPOSSIBLE_MOVES = [
    (current, target)
    for current, target in product(PHASES, PHASES)
    if current is not Phase.CLOSED and (current, target) not in ALLOWED_MOVES
]


@pytest.mark.parametrize(("current", "target"), IMPOSSIBLE_MOVES, ids=_id)
def test_every_other_move_is_refused(current, target):
    refusals = check_transition(state(current), target, READY_AT[current])
    assert codes(refusals) == ["transition.not_next"]
    assert refusals[0].params == {"current": current, "next": next_phase(current), "target": target}


@pytest.mark.parametrize("target", PHASES, ids=_id)
def test_closed_is_final(target):
    refusals = check_transition(state(Phase.CLOSED), target, READY_AT[Phase.CLOSED])
    assert codes(refusals) == ["transition.closed"]


def test_impossible_move_reports_only_that_not_the_guards():
    # A draft with no dates at all, asked to skip to review: one clear reason, not four.
    draft = state(Phase.DRAFT, schedule=Schedule())
    assert codes(check_transition(draft, Phase.REVIEW, T0)) == ["transition.not_next"]


# --- transitions: the guards ------------------------------------------------------------

NO_VOTING_END = replace(SCHEDULE, voting_end=None, results_end=None)

# fmt: off
GUARD_CASES = [
    # draft -> proposals: a valid schedule with the dates people plan around
    ("open: full schedule", Phase.DRAFT, {}, T0 - DAY, []),
    ("open: review/results ends optional", Phase.DRAFT,
     {"schedule": replace(SCHEDULE, review_end=None, results_end=None)}, T0 - DAY, []),
    ("open: no dates", Phase.DRAFT, {"schedule": Schedule()}, T0 - DAY,
     ["schedule.missing_end"] * 3),
    ("open: no voting end", Phase.DRAFT, {"schedule": NO_VOTING_END}, T0 - DAY,
     ["schedule.missing_end"]),
    ("open: no feedback end", Phase.DRAFT, {"schedule": replace(SCHEDULE, feedback_end=None)},
     T0 - DAY, ["schedule.missing_end"]),
    ("open: dates out of order", Phase.DRAFT,
     {"schedule": replace(SCHEDULE, review_end=V + DAY)}, T0 - DAY, ["schedule.out_of_order"]),
    ("open: feedback window shorter than feedback_days", Phase.DRAFT, {"feedback_days": 15},
     T0 - DAY, ["schedule.feedback_too_short"]),
    ("open: feedback_days zero", Phase.DRAFT, {"feedback_days": 0}, T0 - DAY,
     ["schedule.feedback_days"]),
    ("open: 1s before proposals end", Phase.DRAFT, {}, P - SECOND, []),
    ("open: proposals end reached", Phase.DRAFT, {}, P, ["schedule.proposals_end_passed"]),
    # proposals -> feedback: no guard (closing proposals early is the secretary's call)
    ("close proposals early", Phase.PROPOSALS, {}, T0 + DAY, []),
    ("close proposals with none submitted", Phase.PROPOSALS,
     {"proposal_count": 0, "approved_count": 0}, P, []),
    # feedback -> review: the full configured length has run
    ("feedback: 1s before the minimum", Phase.FEEDBACK, {}, FEEDBACK_MIN_END - SECOND,
     ["feedback.too_early"]),
    ("feedback: exactly the minimum", Phase.FEEDBACK, {}, FEEDBACK_MIN_END, []),
    ("feedback: longer minimum configured", Phase.FEEDBACK, {"feedback_days": 10},
     FEEDBACK_MIN_END, ["feedback.too_early"]),
    ("feedback: bad stored feedback_days still means one day", Phase.FEEDBACK,
     {"feedback_days": 0}, FEEDBACK_START + DAY - SECOND, ["feedback.too_early"]),
    # an empty review is allowed on purpose: the council records that nothing came in
    ("feedback: empty review allowed", Phase.FEEDBACK,
     {"proposal_count": 0, "approved_count": 0}, FEEDBACK_MIN_END, []),
    # review -> voting: all decided, one approved, ballot ready, voting end still ahead
    ("voting: one undecided", Phase.REVIEW, {"undecided_count": 1}, R, ["review.undecided"]),
    ("voting: none approved", Phase.REVIEW, {"approved_count": 0}, R, ["review.none_approved"]),
    ("voting: ballot not ready", Phase.REVIEW, {"ballot_ready": False}, R, ["ballot.not_ready"]),
    ("voting: everything missing", Phase.REVIEW,
     {"undecided_count": 3, "approved_count": 0, "ballot_ready": False}, R,
     ["review.undecided", "review.none_approved", "ballot.not_ready"]),
    ("voting: no voting end", Phase.REVIEW, {"schedule": NO_VOTING_END}, R,
     ["schedule.missing_end"]),
    ("voting: voting end already reached", Phase.REVIEW, {}, V,
     ["schedule.voting_end_passed"]),
    ("voting: 1s before voting end", Phase.REVIEW, {}, V - SECOND, []),
    # voting -> results: never before the promised end
    ("results: 1s before voting end", Phase.VOTING, {}, V - SECOND, ["voting.still_open"]),
    ("results: at voting end", Phase.VOTING, {}, V, []),
    ("results: no voting end", Phase.VOTING, {"schedule": NO_VOTING_END}, V,
     ["schedule.missing_end"]),
    # results -> implementation: ratified
    ("implementation: not ratified", Phase.RESULTS, {"results_ratified": False}, X,
     ["results.not_ratified"]),
    ("implementation: ratified before results_end", Phase.RESULTS, {}, X - DAY, []),
    # implementation -> closed: always
    ("close cycle", Phase.IMPLEMENTATION, {"results_ratified": False, "ballot_ready": False},
     T0 + 300 * DAY, []),
]
# fmt: on


@pytest.mark.parametrize(
    ("current", "changes", "now", "expected"),
    [case[1:] for case in GUARD_CASES],
    ids=[case[0] for case in GUARD_CASES],
)
def test_guards(current, changes, now, expected):
    refusals = check_transition(state(current, **changes), next_phase(current), now)
    assert codes(refusals) == expected


def test_missing_end_names_each_phase():
    refusals = check_transition(state(Phase.DRAFT, schedule=Schedule()), Phase.PROPOSALS, T0)
    assert [r.params["phase"] for r in refusals] == [Phase.PROPOSALS, Phase.FEEDBACK, Phase.VOTING]


@pytest.mark.parametrize(
    ("changes", "now", "earliest"),
    [
        ({}, FEEDBACK_MIN_END - SECOND, FEEDBACK_MIN_END),
        ({"feedback_days": 10}, FEEDBACK_MIN_END, FEEDBACK_START + 10 * DAY),
    ],
)
def test_feedback_refusal_names_the_earliest_moment(changes, now, earliest):
    (refusal,) = check_transition(state(Phase.FEEDBACK, **changes), Phase.REVIEW, now)
    assert refusal.params["earliest"] == earliest


def test_voting_refusal_names_the_promised_end():
    (refusal,) = check_transition(state(Phase.VOTING), Phase.RESULTS, T0 + 40 * DAY)
    assert refusal.params == {"end": V}


# --- deciding proposals -----------------------------------------------------------------


@pytest.mark.parametrize("phase", PHASES, ids=_id)
def test_decisions_only_in_review(phase):
    refusals = review_refusals(state(phase), READY_AT[phase])
    assert codes(refusals) == ([] if phase is Phase.REVIEW else ["review.wrong_phase"])


@pytest.mark.parametrize(
    ("feedback_days", "now", "expected"),
    [
        (7, FEEDBACK_MIN_END - SECOND, ["review.feedback_open"]),  # one second before: refused
        (7, FEEDBACK_MIN_END, []),  # exactly at the limit: allowed
        (7, FEEDBACK_MIN_END + SECOND, []),
        (10, FEEDBACK_START + 10 * DAY - SECOND, ["review.feedback_open"]),
        (10, FEEDBACK_START + 10 * DAY, []),
        (1, FEEDBACK_START + DAY - SECOND, ["review.feedback_open"]),
        (1, FEEDBACK_START + DAY, []),
    ],
)
def test_approval_before_the_feedback_window_has_run_is_refused(feedback_days, now, expected):
    # A review reached too early (defence in depth: the transition guard should have
    # stopped it, but a decision must still wait for the full window).
    early = FEEDBACK_START + SECOND
    review = state(Phase.REVIEW, feedback_days=feedback_days, phase_started_at=early)
    assert codes(review_refusals(review, now)) == expected


def test_feedback_open_refusal_names_the_earliest_moment():
    review = state(Phase.REVIEW, phase_started_at=FEEDBACK_START + SECOND)
    (refusal,) = review_refusals(review, FEEDBACK_START + DAY)
    assert refusal.params == {"days": 7, "earliest": FEEDBACK_MIN_END}


# --- automatic moves --------------------------------------------------------------------

LATE = F - 3 * DAY  # feedback opened late (e.g. the tick was down)
OPENED_LATE = {"feedback_started_at": LATE, "phase_started_at": LATE}

# fmt: off
DUE_CASES = [
    ("draft never auto-opens", Phase.DRAFT, {}, T0 + 999 * DAY, None),
    ("proposals: 1s before end", Phase.PROPOSALS, {}, P - SECOND, None),
    ("proposals: at end", Phase.PROPOSALS, {}, P, Phase.FEEDBACK),
    ("proposals: after end", Phase.PROPOSALS, {}, P + SECOND, Phase.FEEDBACK),
    ("feedback: 1s before end", Phase.FEEDBACK, {}, F - SECOND, None),
    ("feedback: at end", Phase.FEEDBACK, {}, F, Phase.REVIEW),
    ("feedback: end passed, minimum not run", Phase.FEEDBACK, OPENED_LATE, F + DAY, None),
    ("feedback: end passed, minimum run", Phase.FEEDBACK, OPENED_LATE, LATE + 7 * DAY,
     Phase.REVIEW),
    ("review: 1s before end", Phase.REVIEW, {}, R - SECOND, None),
    ("review: at end", Phase.REVIEW, {}, R, Phase.VOTING),
    ("review: end passed, undecided left", Phase.REVIEW, {"undecided_count": 1}, R + DAY, None),
    ("review: no end date", Phase.REVIEW, {"schedule": replace(SCHEDULE, review_end=None)},
     V - SECOND, None),
    ("voting: 1s before end", Phase.VOTING, {}, V - SECOND, None),
    ("voting: at end", Phase.VOTING, {}, V, Phase.RESULTS),
    ("voting: after end", Phase.VOTING, {}, V + SECOND, Phase.RESULTS),
    ("results: 1s before end", Phase.RESULTS, {}, X - SECOND, None),
    ("results: at end, ratified", Phase.RESULTS, {}, X, Phase.IMPLEMENTATION),
    ("results: after end, not ratified", Phase.RESULTS, {"results_ratified": False},
     X + 30 * DAY, None),
    ("results: no end date", Phase.RESULTS, {"schedule": replace(SCHEDULE, results_end=None)},
     T0 + 999 * DAY, None),
    ("implementation has no end date", Phase.IMPLEMENTATION, {}, T0 + 999 * DAY, None),
    ("closed stays closed", Phase.CLOSED, {}, T0 + 999 * DAY, None),
]
# fmt: on


@pytest.mark.parametrize(
    ("current", "changes", "now", "expected"),
    [case[1:] for case in DUE_CASES],
    ids=[case[0] for case in DUE_CASES],
)
def test_due_transition(current, changes, now, expected):
    assert due_transition(state(current, **changes), now) is expected


# --- what each phase allows -------------------------------------------------------------

# fmt: off
PERMISSIONS = [
    # phase                propose edit   comment feasib. locked results totals
    (Phase.DRAFT,          False, False, False, False, False, False, False),
    (Phase.PROPOSALS,      True,  True,  True,  False, False, False, False),
    (Phase.FEEDBACK,       False, True,  True,  True,  False, False, False),
    (Phase.REVIEW,         False, False, False, False, False, False, False),
    (Phase.VOTING,         False, False, False, False, True,  False, False),
    (Phase.RESULTS,        False, False, False, False, True,  True,  True),
    (Phase.IMPLEMENTATION, False, False, False, False, True,  True,  True),
    (Phase.CLOSED,         False, False, False, False, True,  True,  True),
]
# fmt: on


def test_permission_table_covers_every_phase():
    assert [row[0] for row in PERMISSIONS] == list(PHASES)


@pytest.mark.parametrize(
    ("phase", "propose", "edit", "comment", "feasibility", "locked", "results", "totals"),
    PERMISSIONS,
    ids=_id,
)
def test_permissions_per_phase(phase, propose, edit, comment, feasibility, locked, results, totals):
    actual = (
        can_propose(phase),
        can_edit_proposal(phase),
        can_comment(phase),
        can_publish_feasibility_note(phase),
        ballot_settings_locked(phase),
        results_exist(phase),
        vote_totals_visible(phase),
    )
    assert actual == (propose, edit, comment, feasibility, locked, results, totals)


@pytest.mark.parametrize(
    ("phase", "now", "expected"),
    [
        (Phase.VOTING, R, True),
        (Phase.VOTING, V - SECOND, True),
        (Phase.VOTING, V, False),  # the same instant the close becomes allowed
        (Phase.REVIEW, R, False),
        (Phase.RESULTS, V - SECOND, False),
    ],
)
def test_can_vote(phase, now, expected):
    assert can_vote(state(phase), now) is expected


# --- schedule validation ------------------------------------------------------------------

# fmt: off
SCHEDULE_CASES = [
    ("empty draft schedule", Schedule(), 7, []),
    ("full schedule", SCHEDULE, 7, []),
    ("only some dates", Schedule(proposals_end=P, voting_end=V), 7, []),
    ("feedback ends when proposals end", replace(SCHEDULE, feedback_end=P), 7,
     ["schedule.out_of_order"]),
    ("feedback ends before proposals", replace(SCHEDULE, feedback_end=P - DAY), 7,
     ["schedule.out_of_order"]),
    ("voting ends before review", replace(SCHEDULE, voting_end=R - SECOND), 7,
     ["schedule.out_of_order"]),
    ("results end equals voting end", replace(SCHEDULE, results_end=V), 7,
     ["schedule.out_of_order"]),
    ("order checked across an unset date", Schedule(proposals_end=P, review_end=P - DAY), 7,
     ["schedule.out_of_order"]),
    ("feedback window exactly feedback_days", replace(SCHEDULE, feedback_end=P + 7 * DAY), 7, []),
    ("feedback window 1s short", replace(SCHEDULE, feedback_end=P + 7 * DAY - SECOND), 7,
     ["schedule.feedback_too_short"]),
    ("feedback window vs a longer minimum", SCHEDULE, 15, ["schedule.feedback_too_short"]),
    ("feedback window without proposals end", replace(SCHEDULE, proposals_end=None), 30, []),
    ("feedback_days zero", SCHEDULE, 0, ["schedule.feedback_days"]),
    ("feedback_days negative", SCHEDULE, -1, ["schedule.feedback_days"]),
    ("feedback_days one", replace(SCHEDULE, feedback_end=P + DAY), 1, []),
]
# fmt: on


@pytest.mark.parametrize(
    ("schedule", "feedback_days", "expected"),
    [case[1:] for case in SCHEDULE_CASES],
    ids=[case[0] for case in SCHEDULE_CASES],
)
def test_validate_schedule(schedule, feedback_days, expected):
    assert codes(validate_schedule(schedule, feedback_days)) == expected


def test_schedule_refusals_carry_what_the_message_needs():
    (order,) = validate_schedule(replace(SCHEDULE, voting_end=R - DAY), 7)
    assert order.params == {
        "phase": Phase.VOTING,
        "previous": Phase.REVIEW,
        "end": R - DAY,
        "previous_end": R,
    }
    (short,) = validate_schedule(replace(SCHEDULE, feedback_end=P + DAY), 7)
    assert short.params == {"days": 7, "earliest": P + 7 * DAY}


# --- timeline -----------------------------------------------------------------------------

# fmt: off
TIMELINE_STATUSES = [
    # current phase          proposals .. closed  (p=past, c=current, u=upcoming)
    (Phase.DRAFT,            "uuuuuuu"),
    (Phase.PROPOSALS,        "cuuuuuu"),
    (Phase.FEEDBACK,         "pcuuuuu"),
    (Phase.REVIEW,           "ppcuuuu"),
    (Phase.VOTING,           "pppcuuu"),
    (Phase.RESULTS,          "ppppcuu"),
    (Phase.IMPLEMENTATION,   "pppppcu"),
    (Phase.CLOSED,           "ppppppc"),
]
# fmt: on
STATUS_LETTER = {StepStatus.PAST: "p", StepStatus.CURRENT: "c", StepStatus.UPCOMING: "u"}


@pytest.mark.parametrize(("current", "expected"), TIMELINE_STATUSES, ids=_id)
def test_timeline_statuses(current, expected):
    steps = timeline(state(current), READY_AT[current])
    assert [s.phase for s in steps] == list(PHASES[1:])
    assert "".join(STATUS_LETTER[s.status] for s in steps) == expected


def test_timeline_dates_chain_and_current_start_is_real():
    started = F + 2 * DAY  # review began two days late
    steps = timeline(state(Phase.REVIEW, phase_started_at=started), started)
    assert [(s.start, s.end) for s in steps] == [
        (None, P),  # proposals: the cycle's opening date is not in the schedule
        (P, F),
        (started, R),
        (R, V),
        (V, X),
        (X, None),  # implementation has no planned end
        (None, None),
    ]


@pytest.mark.parametrize(
    ("feedback_started_at", "expected_end"),
    [
        (FEEDBACK_START, F),  # the plan leaves room for the minimum: the plan shows
        (F - 2 * DAY, F + 5 * DAY),  # opened late: the minimum pushes the end out
    ],
)
def test_timeline_never_shows_feedback_ending_before_its_minimum(feedback_started_at, expected_end):
    started = {"feedback_started_at": feedback_started_at, "phase_started_at": feedback_started_at}
    steps = {s.phase: s for s in timeline(state(Phase.FEEDBACK, **started), feedback_started_at)}
    assert steps[Phase.FEEDBACK].end == expected_end
    assert steps[Phase.REVIEW].start == expected_end


@pytest.mark.parametrize(
    ("current", "now", "overdue"),
    [
        (Phase.VOTING, V - SECOND, False),
        (Phase.VOTING, V, True),
        (Phase.RESULTS, X + DAY, True),  # waiting for ratification
        (Phase.IMPLEMENTATION, T0 + 999 * DAY, False),  # no planned end, never overdue
    ],
)
def test_timeline_marks_the_current_phase_overdue(current, now, overdue):
    steps = timeline(state(current), now)
    assert [s.overdue for s in steps] == [s.phase is current and overdue for s in steps]


# --- inputs are checked, not trusted ------------------------------------------------------

NAIVE = datetime(2025, 3, 3, 12, 0)
CET = datetime(2025, 3, 3, 13, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize(
    "build",
    [
        lambda: state(Phase.PROPOSALS, phase_started_at=NAIVE),
        lambda: state(Phase.PROPOSALS, phase_started_at=CET),
        lambda: state(Phase.REVIEW, feedback_started_at=NAIVE),
        lambda: Schedule(voting_end=NAIVE),
        lambda: Schedule(proposals_end=CET),
        lambda: state(Phase.FEEDBACK, feedback_started_at=None),  # would disable the minimum
        lambda: state(Phase.CLOSED, feedback_started_at=None),
        lambda: state(Phase.REVIEW, undecided_count=-1),
        lambda: state(Phase.REVIEW, proposal_count=2, approved_count=2, undecided_count=1),
        lambda: CycleState(phase="not-a-phase", phase_started_at=T0),
        lambda: check_transition(state(Phase.VOTING), Phase.RESULTS, NAIVE),
        lambda: due_transition(state(Phase.VOTING), CET),
        lambda: review_refusals(state(Phase.REVIEW), NAIVE),
        lambda: timeline(state(Phase.REVIEW), NAIVE),
        lambda: can_vote(state(Phase.VOTING), NAIVE),
    ],
)
def test_bad_inputs_raise(build):
    with pytest.raises(ValueError):
        build()


def test_stored_string_phase_is_accepted():
    loaded = CycleState(
        phase="voting", phase_started_at=R, schedule=SCHEDULE, feedback_started_at=FEEDBACK_START
    )
    assert loaded.phase is Phase.VOTING
    assert due_transition(loaded, V) is Phase.RESULTS


def test_before_feedback_no_feedback_start_is_needed():
    assert state(Phase.PROPOSALS).feedback_started_at is None
    assert check_transition(state(Phase.PROPOSALS), Phase.FEEDBACK, P) == []


# --- confirming the results ----------------------------------------------------------------

RATIFY_CASES = [
    ("outside the results phase", Phase.VOTING, {}, V, ["results.wrong_phase"]),
    ("already confirmed", Phase.RESULTS, {}, X, ["results.already_ratified"]),
    ("draft still open for comments", Phase.RESULTS, {"results_ratified": False}, X - SECOND,
     ["results.feedback_open"]),
    ("comment window over", Phase.RESULTS, {"results_ratified": False}, X, []),
    ("no comment window planned", Phase.RESULTS,
     {"results_ratified": False, "schedule": replace(SCHEDULE, results_end=None)}, V, []),
]


@pytest.mark.parametrize(("_", "phase", "changes", "now", "expected"), RATIFY_CASES,
                         ids=[c[0] for c in RATIFY_CASES])
def test_when_the_results_may_be_confirmed(_, phase, changes, now, expected):
    assert codes(ratify_refusals(state(phase, **changes), now)) == expected


def test_confirming_early_names_the_end_of_the_comment_window():
    [refusal] = ratify_refusals(state(Phase.RESULTS, results_ratified=False), X - DAY)
    assert refusal.params == {"end": X}


# --- messages -----------------------------------------------------------------------------


def _all_refusals():
    """Every refusal the tables above produce, to check each message can be filled in."""
    for _, current, changes, now, _ in GUARD_CASES:
        yield from check_transition(state(current, **changes), next_phase(current), now)
    for current, target in IMPOSSIBLE_MOVES[:3]:
        yield from check_transition(state(current), target, READY_AT[current])
    yield from check_transition(state(Phase.CLOSED), Phase.DRAFT, READY_AT[Phase.CLOSED])
    for _, schedule, days, _ in SCHEDULE_CASES:
        yield from validate_schedule(schedule, days)
    yield from review_refusals(state(Phase.VOTING), V)
    early_review = state(Phase.REVIEW, phase_started_at=FEEDBACK_START)
    yield from review_refusals(early_review, FEEDBACK_START)
    for _, phase, changes, now, _ in RATIFY_CASES:
        yield from ratify_refusals(state(phase, **changes), now)


ALL_REFUSALS = list(_all_refusals())
CODE_PATTERN = r'"((?:schedule|transition|feedback|review|ballot|voting|results)\.[a-z_]+)"'


def test_every_refusal_code_is_exercised():
    declared = declared_codes(cycle, CODE_PATTERN)
    assert declared == {r.code for r in ALL_REFUSALS}


@pytest.mark.parametrize("refusal", ALL_REFUSALS, ids=lambda r: r.code)
def test_message_placeholders_are_filled_by_params(refusal):
    assert_filled(refusal)


def test_every_refusal_message_is_marked_for_translation():
    calls = refusal_calls(cycle)
    assert calls
    for call in calls:
        assert_marked_for_translation(call)


def test_module_is_pure():
    outside = imports_outside_stdlib(cycle)
    assert outside and all(m.startswith("ypb.domain.") for m in outside), outside
