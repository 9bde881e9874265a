"""The budget cycle: its phases, the one transition table, and the guards around it.

This module owns:

- the ordered phases of a youth participatory budget (`Phase`; the values are stored
  in the database);
- which move between phases is allowed, and in words why not (`check_transition`);
- when a phase ends on its own (`due_transition`, for the cron tick and on request);
- what each phase allows (`can_propose`, `can_edit_proposal`, `can_comment`, ...);
- whether a proposal may be decided yet (`review_refusals`);
- checking a planned schedule (`validate_schedule`) and the public timeline (`timeline`).

It does not load or save anything, write audit rows, check roles or translate. Callers
pass plain values (`CycleState`) and the current time; they translate each
`Refusal.message` with gettext, then fill in `%(name)s` from `Refusal.params` (dates
there are datetimes, for the caller to format; `Phase` values are shown via
`PHASE_LABELS`).

Time rule used everywhere: a deadline at T is reached when `now >= T`. At T itself
voting is over and the next phase may start. Every datetime must be aware UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from types import MappingProxyType

# One Refusal type for the whole domain, so the web layer renders them all alike.
from ypb.domain.messages import N_, Refusal

__all__ = [
    "N_",
    "PHASES",
    "PHASE_LABELS",
    "TRANSITIONS",
    "CycleState",
    "Phase",
    "Refusal",
    "Schedule",
    "StepStatus",
    "TimelineStep",
    "ballot_settings_locked",
    "can_comment",
    "can_edit_proposal",
    "can_propose",
    "can_publish_feasibility_note",
    "can_vote",
    "check_transition",
    "due_transition",
    "next_phase",
    "results_exist",
    "review_refusals",
    "timeline",
    "validate_schedule",
    "vote_totals_visible",
]


class Phase(StrEnum):
    """The phases, declared in the only order a cycle may go through them."""

    DRAFT = "draft"
    PROPOSALS = "proposals"
    FEEDBACK = "feedback"
    REVIEW = "review"
    VOTING = "voting"
    RESULTS = "results"
    IMPLEMENTATION = "implementation"
    CLOSED = "closed"


PHASES: tuple[Phase, ...] = tuple(Phase)
_RANK: Mapping[Phase, int] = MappingProxyType({phase: i for i, phase in enumerate(PHASES)})

# Names to show to people; the caller translates them (also when they fill a %(phase)s).
PHASE_LABELS: Mapping[Phase, str] = MappingProxyType(
    {
        Phase.DRAFT: N_("Draft"),
        Phase.PROPOSALS: N_("Proposals"),
        Phase.FEEDBACK: N_("Feedback"),
        Phase.REVIEW: N_("Review"),
        Phase.VOTING: N_("Voting"),
        Phase.RESULTS: N_("Results"),
        Phase.IMPLEMENTATION: N_("Implementation"),
        Phase.CLOSED: N_("Closed"),
    }
)

# Which Schedule field holds each phase's planned end. Draft has none because opening a
# cycle is a person's decision; implementation and closed have none because projects
# take as long as they take.
_END_FIELD: Mapping[Phase, str] = MappingProxyType(
    {
        Phase.PROPOSALS: "proposals_end",
        Phase.FEEDBACK: "feedback_end",
        Phase.REVIEW: "review_end",
        Phase.VOTING: "voting_end",
        Phase.RESULTS: "results_end",
    }
)

# A cycle cannot open without these: they are the dates young people plan around.
_REQUIRED_TO_OPEN: tuple[Phase, ...] = (Phase.PROPOSALS, Phase.FEEDBACK, Phase.VOTING)


def _rank(phase: Phase | str) -> int:
    return _RANK[Phase(phase)]


def _require_utc(value: datetime, name: str) -> None:
    # A naive or local-time value is a programming error (SQLite hands back naive
    # datetimes); failing loudly beats moving a deadline by an hour or two.
    if value.tzinfo is None or value.utcoffset() != timedelta(0):
        raise ValueError(f"{name} must be an aware UTC datetime, got {value!r}")


@dataclass(frozen=True)
class Schedule:
    """Planned END of each phase that has one (aware UTC; unset while drafting)."""

    proposals_end: datetime | None = None
    feedback_end: datetime | None = None
    review_end: datetime | None = None
    voting_end: datetime | None = None
    results_end: datetime | None = None  # end of the short feedback window on draft results

    def __post_init__(self) -> None:
        for name in _END_FIELD.values():
            value = getattr(self, name)
            if value is not None:
                _require_utc(value, name)

    def end_of(self, phase: Phase) -> datetime | None:
        """The planned end of `phase`, or None when it has none or it is not set."""
        name = _END_FIELD.get(Phase(phase))
        return getattr(self, name) if name else None


@dataclass(frozen=True)
class CycleState:
    """What the guards need to know about one cycle, as plain values."""

    phase: Phase
    phase_started_at: datetime  # when the current phase began
    schedule: Schedule = field(default_factory=Schedule)
    feedback_days: int = 7  # configured minimum length of the feedback phase
    feedback_started_at: datetime | None = None  # set once the feedback phase has begun
    proposal_count: int = 0  # submitted proposals; drafts excluded
    undecided_count: int = 0  # submitted proposals without a review decision yet
    approved_count: int = 0
    ballot_ready: bool = False  # ballot settings complete
    results_ratified: bool = False

    def __post_init__(self) -> None:
        # Accept the stored string too; an unknown one raises ValueError here.
        object.__setattr__(self, "phase", Phase(self.phase))
        _require_utc(self.phase_started_at, "phase_started_at")
        if self.feedback_started_at is not None:
            _require_utc(self.feedback_started_at, "feedback_started_at")
        elif _rank(self.phase) >= _rank(Phase.FEEDBACK):
            # Without it the feedback minimum could not be enforced; a cycle past
            # proposals always has one, so its absence is a loading bug.
            raise ValueError(f"feedback_started_at is required in phase {self.phase}")
        counts = (self.proposal_count, self.undecided_count, self.approved_count)
        if min(counts) < 0 or self.undecided_count + self.approved_count > self.proposal_count:
            raise ValueError(f"inconsistent proposal counts {counts}")

    @property
    def feedback_earliest_end(self) -> datetime | None:
        """The first moment the feedback phase may end, once it has started."""
        if self.feedback_started_at is None:
            return None
        # max(1, ...): a bad stored value must never shrink the promised window to nothing.
        return self.feedback_started_at + timedelta(days=max(1, self.feedback_days))


def next_phase(phase: Phase) -> Phase | None:
    """The only phase `phase` may move to, or None for closed."""
    step = TRANSITIONS.get(Phase(phase))
    return step[0] if step else None


# --- guards: one per transition; each returns every reason it refuses -------------------

Guard = Callable[[CycleState, datetime], list[Refusal]]


def _missing_end(phase: Phase) -> Refusal:
    return Refusal(
        "schedule.missing_end",
        N_("Choose the date when the %(phase)s phase ends."),
        {"phase": phase},
    )


def _guard_open(state: CycleState, now: datetime) -> list[Refusal]:
    refusals = validate_schedule(state.schedule, state.feedback_days)
    refusals += [_missing_end(p) for p in _REQUIRED_TO_OPEN if state.schedule.end_of(p) is None]
    end = state.schedule.proposals_end
    if end is not None and now >= end:
        # Opening with a past end would close proposals at the next tick: nobody could take part.
        refusals.append(
            Refusal(
                "schedule.proposals_end_passed",
                N_(
                    "The proposals phase would already be over: its end date, %(end)s, has "
                    "passed. Choose a later date."
                ),
                {"end": end},
            )
        )
    return refusals


def _guard_close_proposals(state: CycleState, now: datetime) -> list[Refusal]:
    return []


def _guard_close_feedback(state: CycleState, now: datetime) -> list[Refusal]:
    # Feedback must come before any decision (the Braga lesson), and everyone was
    # promised its full length. An empty review (no proposals) is allowed on purpose:
    # the council can still record that nothing came in.
    earliest = state.feedback_earliest_end
    assert earliest is not None  # guaranteed by CycleState in the feedback phase
    if now < earliest:
        return [
            Refusal(
                "feedback.too_early",
                N_(
                    "Feedback is still open: everyone was promised time to comment until "
                    "%(earliest)s. The review can start then."
                ),
                {"days": state.feedback_days, "earliest": earliest},
            )
        ]
    return []


def _guard_open_voting(state: CycleState, now: datetime) -> list[Refusal]:
    refusals = []
    if state.undecided_count > 0:
        refusals.append(
            Refusal(
                "review.undecided",
                N_(
                    "Every proposal needs a decision (approve, reject or merge) before voting can "
                    "start. Still waiting: %(count)s."
                ),
                {"count": state.undecided_count},
            )
        )
    if state.approved_count < 1:
        refusals.append(
            Refusal(
                "review.none_approved",
                N_("At least one proposal must be approved before voting can start."),
                {},
            )
        )
    if not state.ballot_ready:
        refusals.append(
            Refusal("ballot.not_ready", N_("Finish the ballot settings before voting can start."), {})
        )
    end = state.schedule.voting_end
    if end is None:
        refusals.append(_missing_end(Phase.VOTING))
    elif now >= end:
        # Opening would close it again at the next tick: nobody could vote.
        refusals.append(
            Refusal(
                "schedule.voting_end_passed",
                N_(
                    "Voting can't start because its end date, %(end)s, has already passed. Choose "
                    "a later end date."
                ),
                {"end": end},
            )
        )
    return refusals


def _guard_close_voting(state: CycleState, now: datetime) -> list[Refusal]:
    end = state.schedule.voting_end
    if end is None:
        return [_missing_end(Phase.VOTING)]
    if now < end:
        # Voters were promised this date; closing early would shut some of them out.
        return [
            Refusal(
                "voting.still_open",
                N_(
                    "Voting is open until %(end)s. It can't be closed early, because voters were "
                    "promised that date."
                ),
                {"end": end},
            )
        ]
    return []


def _guard_start_implementation(state: CycleState, now: datetime) -> list[Refusal]:
    if not state.results_ratified:
        return [
            Refusal(
                "results.not_ratified",
                N_("The results must be confirmed before work on the projects can start."),
                {},
            )
        ]
    return []


def _guard_close_cycle(state: CycleState, now: datetime) -> list[Refusal]:
    return []


# THE transition table: from each phase, the one phase it may move to and the guard.
# Only forward moves by one exist; closed is final (it has no row).
TRANSITIONS: Mapping[Phase, tuple[Phase, Guard]] = MappingProxyType(
    {
        Phase.DRAFT: (Phase.PROPOSALS, _guard_open),
        Phase.PROPOSALS: (Phase.FEEDBACK, _guard_close_proposals),
        Phase.FEEDBACK: (Phase.REVIEW, _guard_close_feedback),
        Phase.REVIEW: (Phase.VOTING, _guard_open_voting),
        Phase.VOTING: (Phase.RESULTS, _guard_close_voting),
        Phase.RESULTS: (Phase.IMPLEMENTATION, _guard_start_implementation),
        Phase.IMPLEMENTATION: (Phase.CLOSED, _guard_close_cycle),
    }
)


def check_transition(state: CycleState, target: Phase, now: datetime) -> list[Refusal]:
    """Every reason the cycle may not move to `target` now; an empty list means go ahead."""
    _require_utc(now, "now")
    target = Phase(target)
    step = TRANSITIONS.get(state.phase)
    if step is None:
        return [
            Refusal(
                "transition.closed",
                N_("This budget round is closed, so it can't move to another phase."),
                {"current": state.phase, "target": target},
            )
        ]
    allowed, guard = step
    if target is not allowed:
        # The other guards would only confuse: the move itself is impossible.
        return [
            Refusal(
                "transition.not_next",
                N_(
                    "The budget round is in the %(current)s phase, so it can only move on to the "
                    "%(next)s phase."
                ),
                {"current": state.phase, "next": allowed, "target": target},
            )
        ]
    return guard(state, now)


def due_transition(state: CycleState, now: datetime) -> Phase | None:
    """The phase to move to automatically now, or None.

    A move is due when the current phase's planned end has been reached AND its guard
    allows it; a blocked phase simply stays open (e.g. feedback until its minimum
    length, results until ratified). Returns one step at a time: the caller applies it,
    and the next evaluation sees the new phase_started_at and feedback_started_at.
    """
    _require_utc(now, "now")
    if state.phase is Phase.DRAFT:
        return None  # opening a cycle is always a person's decision
    end = state.schedule.end_of(state.phase)
    if end is None or now < end:
        return None
    target = next_phase(state.phase)
    if target is None or check_transition(state, target, now):
        return None
    return target


# --- what each phase allows ---------------------------------------------------------------


def can_propose(phase: Phase) -> bool:
    return Phase(phase) is Phase.PROPOSALS


def can_edit_proposal(phase: Phase) -> bool:
    # Editing stays open through feedback so authors can improve proposals on the
    # comments they got; after that, reviewers and voters must see a fixed text.
    return Phase(phase) in (Phase.PROPOSALS, Phase.FEEDBACK)


def can_comment(phase: Phase) -> bool:
    # Comments are only worth asking for while they can still change a proposal.
    return Phase(phase) in (Phase.PROPOSALS, Phase.FEEDBACK)


def can_publish_feasibility_note(phase: Phase) -> bool:
    # The municipality's notes come during feedback, while authors can still react.
    return Phase(phase) is Phase.FEEDBACK


def ballot_settings_locked(phase: Phase) -> bool:
    # Settings that shape a vote must not change once anyone may have voted.
    return _rank(phase) >= _rank(Phase.VOTING)


def results_exist(phase: Phase) -> bool:
    return _rank(phase) >= _rank(Phase.RESULTS)


def vote_totals_visible(phase: Phase) -> bool:
    # Kept apart from results_exist on purpose: running totals must never show during
    # voting (they would sway later voters), whatever results_exist comes to mean.
    return _rank(phase) >= _rank(Phase.RESULTS)


def can_vote(state: CycleState, now: datetime) -> bool:
    """Whether a ballot may be cast now: in voting, before voting_end (same rule as the close)."""
    _require_utc(now, "now")
    end = state.schedule.voting_end
    return state.phase is Phase.VOTING and end is not None and now < end


def review_refusals(state: CycleState, now: datetime) -> list[Refusal]:
    """Why a proposal may not be approved, rejected or merged now; empty means it may."""
    _require_utc(now, "now")
    if state.phase is not Phase.REVIEW:
        return [
            Refusal(
                "review.wrong_phase",
                N_(
                    "Proposals can only be approved, rejected or merged in the review phase. The "
                    "budget round is in the %(phase)s phase."
                ),
                {"phase": state.phase},
            )
        ]
    # Defence in depth: the feedback → review guard already checked this, but a
    # decision taken before everyone could comment is exactly what we exist to prevent.
    earliest = state.feedback_earliest_end
    assert earliest is not None  # guaranteed by CycleState in the review phase
    if now < earliest:
        return [
            Refusal(
                "review.feedback_open",
                N_(
                    "Proposals can't be decided yet: everyone was promised time to comment until "
                    "%(earliest)s."
                ),
                {"days": state.feedback_days, "earliest": earliest},
            )
        ]
    return []


def ratify_refusals(state: CycleState, now: datetime) -> list[Refusal]:
    """Why the draft results may not be confirmed now; empty means they may."""
    _require_utc(now, "now")
    if state.phase is not Phase.RESULTS:
        return [Refusal("results.wrong_phase",
                        N_("Results can only be confirmed in the results phase. The budget round is in the "
                           "%(phase)s phase."), {"phase": state.phase})]
    if state.results_ratified:
        return [Refusal("results.already_ratified", N_("These results have already been confirmed."), {})]
    end = state.schedule.results_end
    if end is not None and now < end:
        # The draft results are open for comments until then: feedback before approval.
        return [Refusal("results.feedback_open",
                        N_("The results can't be confirmed yet: everyone may comment on the draft results "
                           "until %(end)s."), {"end": end})]
    return []


# --- schedule and timeline ----------------------------------------------------------------


def validate_schedule(schedule: Schedule, feedback_days: int) -> list[Refusal]:
    """Every problem with a planned schedule. Unset dates are allowed here (a draft may be
    incomplete); opening the cycle also requires the dates in _REQUIRED_TO_OPEN."""
    refusals = []
    if feedback_days < 1:
        refusals.append(
            Refusal(
                "schedule.feedback_days",
                N_("The feedback phase must last at least one day."),
                {"days": feedback_days},
            )
        )
    ends = [(p, end) for p in PHASES if (end := schedule.end_of(p)) is not None]
    for (previous, previous_end), (phase, end) in pairwise(ends):
        if end <= previous_end:
            refusals.append(
                Refusal(
                    "schedule.out_of_order",
                    N_(
                        "The %(phase)s phase must end after the %(previous)s phase, which ends on "
                        "%(previous_end)s."
                    ),
                    {
                        "phase": phase,
                        "previous": previous,
                        "end": end,
                        "previous_end": previous_end,
                    },
                )
            )
    start, end = schedule.proposals_end, schedule.feedback_end
    # Skipped when out of order: that refusal already tells the person what to fix.
    if feedback_days >= 1 and start is not None and end is not None and end > start:
        earliest = start + timedelta(days=feedback_days)
        if end < earliest:
            refusals.append(
                Refusal(
                    "schedule.feedback_too_short",
                    N_(
                        "The feedback phase is too short. It must end on %(earliest)s or later, "
                        "so everyone has time to comment."
                    ),
                    {"days": feedback_days, "earliest": earliest},
                )
            )
    return refusals


class StepStatus(StrEnum):
    PAST = "past"
    CURRENT = "current"
    UPCOMING = "upcoming"


@dataclass(frozen=True)
class TimelineStep:
    phase: Phase
    start: datetime | None  # planned, except the current phase's actual start
    end: datetime | None  # planned; None for phases without an end date
    status: StepStatus
    overdue: bool = False  # current phase past its planned end (waiting for a guard or the tick)


def timeline(state: CycleState, now: datetime) -> list[TimelineStep]:
    """One step per public phase (proposals … closed) for the cycle page.

    A phase starts when the previous one ends; the current phase shows its real start.
    Draft is left out: the public never sees a cycle in preparation as a step.
    """
    _require_utc(now, "now")
    current = _rank(state.phase)
    steps = []
    previous_end: datetime | None = None  # draft has no planned end
    for phase in PHASES[1:]:
        end = state.schedule.end_of(phase)
        earliest = state.feedback_earliest_end
        if phase is Phase.FEEDBACK and earliest is not None:
            # Show the real earliest end when the minimum length reaches past the plan,
            # so nobody is told feedback closes sooner than it can.
            end = earliest if end is None else max(end, earliest)
        rank = _rank(phase)
        if rank == current:
            status, start = StepStatus.CURRENT, state.phase_started_at
        else:
            status = StepStatus.PAST if rank < current else StepStatus.UPCOMING
            start = previous_end
        overdue = status is StepStatus.CURRENT and end is not None and now >= end
        steps.append(TimelineStep(phase, start, end, status, overdue))
        previous_end = end
    return steps
