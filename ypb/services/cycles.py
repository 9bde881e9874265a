"""Budget cycles: create and edit them, move them through their phases, and the tick
that moves them on when a planned end has passed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ypb.database import begin_write
from ypb.domain import cycle as rules
from ypb.domain.cycle import CycleState, Phase, Schedule
from ypb.domain.eligibility import Rules, eligibility_refusals
from ypb.domain.messages import N_, Refusal
from ypb.domain.money import MAX_AMOUNT
from ypb.domain.renewals import limit_refusals
from ypb.extensions import db
from ypb.models import Category, Cycle, Proposal, ProposalStatus, User
from ypb.models.base import utcnow
from ypb.services import Refused, audit, use_case

# Settings that shape the vote: they cannot change once voting has opened.
BALLOT_SHAPING = ("budget_total", "currency", "min_age", "max_age", "residency_required")

# The columns are 32-bit INTEGER on PostgreSQL: a larger budget would fail with a
# database error instead of a clear message.
MAX_BUDGET = MAX_AMOUNT  # what a BIGINT money column holds, with room to spare
MAX_TITLE, MAX_CATEGORY = 200, 120  # the columns' lengths
_CURRENCY = re.compile(r"[A-Za-z]{3}")


@dataclass
class CycleInput:
    title: str
    description: str
    budget_total: int
    currency: str
    min_age: int
    max_age: int
    residency_required: bool
    contact_id: int
    feedback_days: int
    schedule: Schedule
    categories: list[str]
    renewal_max_years: int = 1  # years a renewal may be funded for (ypb.domain.renewals)


def get(cycle_id: int) -> Cycle | None:
    return db.session.get(Cycle, cycle_id)


def public_cycles() -> list[Cycle]:
    """Every cycle except drafts, newest first."""
    return list(db.session.scalars(
        select(Cycle).where(Cycle.phase != Phase.DRAFT.value).order_by(Cycle.created_at.desc())
    ))


def all_cycles() -> list[Cycle]:
    return list(db.session.scalars(select(Cycle).order_by(Cycle.created_at.desc())))


def drafts() -> list[Cycle]:
    """Cycles still being prepared (staff only), newest first."""
    return list(db.session.scalars(
        select(Cycle).where(Cycle.phase == Phase.DRAFT.value).order_by(Cycle.created_at.desc())
    ))


def open_cycles() -> list[Cycle]:
    """Every cycle that is not closed, drafts included, oldest first (the secretary's to-do order)."""
    return list(db.session.scalars(
        select(Cycle).where(Cycle.phase != Phase.CLOSED.value).order_by(Cycle.created_at, Cycle.id)
    ))


def contacts() -> list[User]:
    """People who can be named a cycle's contact person."""
    return list(db.session.scalars(
        select(User).where(User.role.in_(["secretary", "admin"]), User.active).order_by(User.display_name)
    ))


def proposal_counts(cycle_id: int) -> tuple[int, int, int]:
    """(submitted and later, still undecided, approved) — drafts and withdrawals excluded."""
    s = Proposal.status
    row = db.session.execute(
        select(
            func.count().filter(s.notin_([ProposalStatus.DRAFT.value, ProposalStatus.WITHDRAWN.value])),
            func.count().filter(s == ProposalStatus.SUBMITTED.value),
            func.count().filter(s == ProposalStatus.APPROVED.value),
        ).where(Proposal.cycle_id == cycle_id)
    ).one()
    return row[0], row[1], row[2]


def ballot_ready(cycle: Cycle) -> bool:
    from ypb.services import voting  # voting builds on cycles; imported here to avoid a cycle

    return voting.ballot_ready(cycle)


def state_of(cycle: Cycle) -> CycleState:
    total, undecided, approved = proposal_counts(cycle.id)
    return CycleState(
        phase=cycle.phase_enum, phase_started_at=cycle.phase_started_at, schedule=cycle.schedule,
        feedback_days=cycle.feedback_days, feedback_started_at=cycle.feedback_started_at,
        proposal_count=total, undecided_count=undecided, approved_count=approved,
        ballot_ready=ballot_ready(cycle), results_ratified=cycle.results_ratified,
    )


def timeline(cycle: Cycle, now: datetime | None = None) -> list[rules.TimelineStep]:
    """The public timeline of a cycle (past, current and coming phases with dates)."""
    return rules.timeline(state_of(cycle), now or utcnow())


@dataclass(frozen=True)
class NextStep:
    """Where a cycle can go next and, if it cannot go yet, every reason why."""

    phase: Phase | None  # None: the cycle is closed
    refusals: list[Refusal]
    planned_at: datetime | None  # when the current phase is planned to end (moves on its own then)


def next_step(cycle: Cycle, now: datetime | None = None) -> NextStep:
    state = state_of(cycle)
    target = rules.next_phase(state.phase)
    if target is None:
        return NextStep(None, [], None)
    automatic = None if state.phase is Phase.DRAFT else state.schedule.end_of(state.phase)
    return NextStep(target, rules.check_transition(state, target, now or utcnow()), automatic)


def eligibility(cycle: Cycle, user, now: datetime | None = None) -> list[Refusal]:
    """Why this user may not take part (empty: they may). Age counts on the closing date."""
    if user is None or not user.is_authenticated:
        return [Refusal("eligibility.account", N_("Sign in to take part."))]
    closing = cycle.voting_end or cycle.proposals_end or (now or utcnow())
    return eligibility_refusals(
        Rules(cycle.min_age, cycle.max_age, cycle.residency_required),
        birth_year=user.birth_year, resident=user.residency_declared_at is not None, on=closing.date(),
    )


def _input_refusals(data: CycleInput, longest_asked: int = 1) -> list[tuple[str, Refusal]]:
    # Ordered as the form shows the fields, so the first refusal is the first field to fix.
    found = []
    title = (data.title or "").strip()
    if not title:
        found.append(("title", Refusal("cycle.title", N_("Give the budget cycle a title."))))
    elif len(title) > MAX_TITLE:
        found.append(("title", Refusal("cycle.title_long", N_("Keep the title under %(max)s characters."),
                                       {"max": MAX_TITLE})))
    if data.budget_total > MAX_BUDGET:
        found.append(("budget_total", Refusal("cycle.budget_large", N_("This budget is too large to store."))))
    if not _CURRENCY.fullmatch(data.currency or ""):
        found.append(("currency", Refusal("cycle.currency", N_(
            "Use the three-letter currency code, for example EUR."))))
    if data.min_age < 0:
        found.append(("min_age", Refusal("cycle.min_age", N_("The lowest age cannot be below zero."))))
    if data.max_age < data.min_age:
        found.append(("max_age", Refusal("cycle.ages", N_("The highest age must not be below the lowest."))))
    if data.budget_total <= 0:
        found.append(("budget_total", Refusal("cycle.budget", N_("The budget must be more than zero."))))
    if db.session.get(User, data.contact_id) is None:
        found.append(("contact_id", Refusal("cycle.contact", N_("Choose a contact person."))))
    names = [c.strip() for c in data.categories if c.strip()]
    if len({n.casefold() for n in names}) != len(names):
        found.append(("categories", Refusal("cycle.categories", N_("Each category may appear only once."))))
    if any(len(n) > MAX_CATEGORY for n in names):
        found.append(("categories", Refusal("cycle.category_long", N_(
            "Keep each category under %(max)s characters."), {"max": MAX_CATEGORY})))
    for refusal in rules.validate_schedule(data.schedule, data.feedback_days):
        found.append(("schedule", refusal))
    for refusal in limit_refusals(data.renewal_max_years, longest_asked):
        found.append(("renewal_max_years", refusal))
    return found


def longest_renewal(cycle_id: int) -> int:
    """The most years any renewal in the cycle asks for (1 when none does); withdrawn ones aside."""
    return db.session.scalar(select(func.max(Proposal.funding_years)).where(
        Proposal.cycle_id == cycle_id, Proposal.status != ProposalStatus.WITHDRAWN.value)) or 1


def _promise_refusals(cycle: Cycle, data: CycleInput) -> list[tuple[str, Refusal]]:
    """Time promised to people once a phase has begun may grow, never shrink."""
    found = []
    if cycle.feedback_started_at is not None and data.feedback_days < cycle.feedback_days:
        # Everyone was told how long they could comment; the feedback guard counts from this.
        found.append(("feedback_days", Refusal("cycle.feedback_days_promised", N_(
            "Feedback was promised to last at least %(days)s days. That can't get shorter once "
            "feedback has started."), {"days": cycle.feedback_days})))
    if cycle.phase_enum == Phase.VOTING and cycle.voting_end is not None and (
            data.schedule.voting_end is None or data.schedule.voting_end < cycle.voting_end):
        found.append(("voting_end", Refusal("cycle.voting_end_promised", N_(
            "Voting was promised to stay open until %(end)s. It can close later, but not earlier."),
            {"end": cycle.voting_end})))
    return found


def _raise_first(found: list[tuple[str, Refusal]]) -> None:
    if found:
        field = found[0][0]
        raise Refused(*[r for f, r in found if f == field], field=field)


def _apply(cycle: Cycle, data: CycleInput) -> None:
    cycle.title = data.title.strip()
    cycle.description = data.description.strip()
    cycle.budget_total = data.budget_total
    cycle.currency = data.currency.upper()
    cycle.min_age, cycle.max_age = data.min_age, data.max_age
    cycle.residency_required = data.residency_required
    cycle.contact_id = data.contact_id
    cycle.feedback_days = data.feedback_days
    s = data.schedule
    cycle.proposals_end, cycle.feedback_end, cycle.review_end = s.proposals_end, s.feedback_end, s.review_end
    cycle.voting_end, cycle.results_end = s.voting_end, s.results_end
    cycle.renewal_max_years = data.renewal_max_years


def _sync_categories(cycle: Cycle, names: list[str]) -> None:
    wanted = [n.strip() for n in names if n.strip()]
    # Matched regardless of case, so fixing "health" to "Health" keeps its proposals tagged;
    # existing rows are kept (proposals point at them), only unlisted ones are dropped.
    existing = {c.name.casefold(): c for c in cycle.categories}
    kept = []
    for name in wanted:
        category = existing.get(name.casefold()) or Category(name=name)
        category.name = name
        kept.append(category)
    cycle.categories = kept
    for position, category in enumerate(cycle.categories):
        category.position = position


@use_case
def create(actor, data: CycleInput, now: datetime | None = None) -> Cycle:
    now = now or utcnow()
    begin_write()
    _raise_first(_input_refusals(data))
    cycle = Cycle(created_by_id=actor.id, phase=Phase.DRAFT.value, phase_started_at=now, created_at=now,
                  title="", budget_total=0, contact_id=data.contact_id)
    _apply(cycle, data)
    _sync_categories(cycle, data.categories)
    db.session.add(cycle)
    db.session.flush()
    audit.record(actor, "cycle.create", f"cycle:{cycle.id}", {"title": cycle.title})
    db.session.commit()
    return cycle


@use_case
def update(actor, cycle_id: int, data: CycleInput) -> Cycle:
    begin_write()
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise Refused(Refusal("cycle.missing", N_("There is no such budget cycle.")))
    if cycle.phase_enum == Phase.CLOSED:
        raise Refused(Refusal("cycle.closed", N_("A closed cycle cannot be changed.")))
    if rules.ballot_settings_locked(cycle.phase_enum):
        before = {k: getattr(cycle, k) for k in BALLOT_SHAPING}
        after = {k: (getattr(data, k).upper() if k == "currency" else getattr(data, k)) for k in BALLOT_SHAPING}
        if before != after:
            raise Refused(Refusal("cycle.locked", N_(
                "The budget and who may vote cannot change once voting has opened.")), field="budget_total")
    _raise_first(_promise_refusals(cycle, data) + _input_refusals(data, longest_renewal(cycle.id)))
    changes = {k: str(getattr(data, k)) for k in ("title", "budget_total", "min_age", "max_age",
                                                   "residency_required", "feedback_days", "renewal_max_years")
               if getattr(data, k) != getattr(cycle, k)}
    for name in ("proposals_end", "feedback_end", "review_end", "voting_end", "results_end"):
        if getattr(data.schedule, name) != getattr(cycle, name):
            changes[name] = str(getattr(data.schedule, name) or "")
    _apply(cycle, data)
    _sync_categories(cycle, data.categories)
    audit.record(actor, "cycle.update", f"cycle:{cycle.id}", changes)
    db.session.commit()
    return cycle


def _move(cycle: Cycle, target: Phase, now: datetime, actor="system") -> None:
    cycle.phase = target.value
    cycle.phase_started_at = now
    if target == Phase.FEEDBACK:
        cycle.feedback_started_at = now
    if target == Phase.RESULTS:
        # Draft results exist from the moment voting closes, in the same transaction.
        from ypb.services import results

        results.compute(cycle, now)
    if target == Phase.IMPLEMENTATION:
        # Results are final: destroy the voting key, so no ballot can be linked to a voter again.
        from ypb.services import voting

        voting.seal(actor, cycle, now)


@use_case
def advance(actor, cycle_id: int, target: Phase, now: datetime | None = None) -> Cycle:
    """Move a cycle to its next phase by a person's decision; refused when a guard says no."""
    now = now or utcnow()
    begin_write()
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise Refused(Refusal("cycle.missing", N_("There is no such budget cycle.")))
    _checked_move(actor, cycle, target, now, {})
    db.session.commit()
    return cycle


def move_by_decision(actor, cycle: Cycle, target: Phase, now: datetime, decision_number: str) -> None:
    """The move a published council decision orders, in the caller's transaction."""
    _checked_move(actor, cycle, target, now, {"decision": decision_number})


def _checked_move(actor, cycle: Cycle, target: Phase, now: datetime, extra: dict) -> None:
    refusals = rules.check_transition(state_of(cycle), target, now)
    if refusals:
        raise Refused(*refusals)
    previous = cycle.phase
    _move(cycle, target, now, actor)
    audit.record(actor, "cycle.phase", f"cycle:{cycle.id}", {"from": previous, "to": target.value, **extra})


@use_case
def catch_up(cycle_id: int, now: datetime | None = None) -> list[Phase]:
    """Apply every move that is due because planned ends have passed. Safe to repeat:
    with nothing due it only reads."""
    now = now or utcnow()
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None or rules.due_transition(state_of(cycle), now) is None:
        return []
    begin_write()
    cycle = db.session.get(Cycle, cycle_id)  # re-read under the write lock
    moved = []
    while (target := rules.due_transition(state_of(cycle), now)) is not None:
        previous = cycle.phase
        _move(cycle, target, now)
        audit.record("system", "cycle.phase", f"cycle:{cycle.id}",
                     {"from": previous, "to": target.value, "by": "schedule"})
        moved.append(target)
        db.session.flush()
    db.session.commit()
    return moved


def tick(now: datetime | None = None) -> dict[int, list[Phase]]:
    """Catch up every open cycle (cron: `flask --app app ypb tick`)."""
    now = now or utcnow()
    ids = db.session.scalars(
        select(Cycle.id).where(Cycle.phase.notin_([Phase.DRAFT.value, Phase.CLOSED.value]))
    ).all()
    db.session.commit()
    moved = {}
    for cycle_id in ids:
        if steps := catch_up(cycle_id, now):
            moved[cycle_id] = steps
    return moved

