"""Funded projects after the vote: their status, progress, milestones and terms.

This module owns:

- the vocabulary as stored strings (`ProjectStatus`, the term names in `TERMS`) and their
  labels for people;
- which status changes are allowed, with progress and spending (`status_refusals`);
- what a milestone needs (`milestone_refusals`, `completion_refusals`);
- what a change of a project's terms needs, and what actually changes (`terms_refusals`,
  `terms_diff`).

It does not load or save anything, check roles or translate. Callers pass plain values and
translate each message with gettext before filling in `%(name)s` from its params. A refusal
about one form field carries that field's name in `params["field"]`, so the web layer can
put the message beside it.

Decisions, stated once:

- Delivered and cancelled are final: a project that ended takes no more status, progress,
  spending or terms changes. Its record is what the public audits afterwards.
- A project that has started cannot go back to "not started": the history would lie.
- Progress is a whole percentage from 0 to 100. A project not started has no progress; a
  delivered project is 100 % done.
- Spending above the budget granted is allowed (it happens, and hiding it helps nobody), but
  the budget granted may not be cut below what is already spent.
- Every change of terms needs a reason. A change the secretary marks as material (Braga's
  "agreements changed mid-project") also needs a published council decision that allows
  it; whether that decision exists is the service's question, as it needs the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from ypb.domain.messages import N_, Refusal

__all__ = [
    "FINAL",
    "MAX_EVIDENCE",
    "MAX_REASON",
    "MAX_RESPONSIBLE",
    "MAX_SCOPE",
    "MAX_TITLE",
    "STATUS_LABELS",
    "TERMS",
    "TERM_LABELS",
    "ProjectStatus",
    "Refusal",
    "Terms",
    "completion_refusals",
    "milestone_refusals",
    "status_refusals",
    "terms_diff",
    "terms_refusals",
]

MAX_TITLE = 200
MAX_EVIDENCE = 2000
MAX_REASON = 2000
MAX_SCOPE = 5000
MAX_RESPONSIBLE = 200


class ProjectStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


FINAL: frozenset[ProjectStatus] = frozenset({ProjectStatus.DELIVERED, ProjectStatus.CANCELLED})

# Where each status may go next (staying put is how progress and spending are updated).
_NEXT: Mapping[ProjectStatus, frozenset[ProjectStatus]] = MappingProxyType({
    ProjectStatus.NOT_STARTED: frozenset(ProjectStatus),
    ProjectStatus.IN_PROGRESS: frozenset(ProjectStatus) - {ProjectStatus.NOT_STARTED},
    ProjectStatus.DELIVERED: frozenset(),
    ProjectStatus.CANCELLED: frozenset(),
})

STATUS_LABELS: Mapping[ProjectStatus, str] = MappingProxyType({
    ProjectStatus.NOT_STARTED: N_("Not started"),
    ProjectStatus.IN_PROGRESS: N_("In progress"),
    ProjectStatus.DELIVERED: N_("Delivered"),
    ProjectStatus.CANCELLED: N_("Cancelled"),
})

# The terms of a funded project, in the order they are shown.
TERMS: tuple[str, ...] = ("budget_granted", "scope", "planned_end", "responsible")
TERM_LABELS: Mapping[str, str] = MappingProxyType({
    "budget_granted": N_("Budget granted"),
    "scope": N_("Scope"),
    "planned_end": N_("Planned end"),
    "responsible": N_("Who delivers it"),
})


@dataclass(frozen=True)
class Terms:
    """What was agreed: budget granted in cents, scope, planned end (or None), who delivers."""

    budget_granted: int
    scope: str
    planned_end: date | None
    responsible: str


def _status(value) -> ProjectStatus | None:
    try:
        return ProjectStatus(value)
    except ValueError:
        return None


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def status_refusals(current, new, progress, budget_spent) -> list[Refusal]:
    """Why a project in status `current` may not be set to `new` with this progress (0–100)
    and spending (cents); empty means it may."""
    now, then = _status(current), _status(new)
    if now in FINAL:
        return [Refusal("projects.final",
                        N_("This project is %(status)s; that is final, so nothing about it can change any more."),
                        {"status": STATUS_LABELS[now]})]
    if then is None:
        return [Refusal("projects.unknown_status", N_("Choose one of the listed statuses."), {"field": "status"})]
    refusals = []
    if now is not None and then not in _NEXT[now]:
        refusals.append(Refusal("projects.no_restart",
                                N_("A project that has started can't go back to “not started”."),
                                {"field": "status"}))
    if not _whole(progress) or not 0 <= progress <= 100:
        refusals.append(Refusal("projects.progress_range",
                                N_("Progress is a whole percentage from 0 to 100."), {"field": "progress"}))
    elif then is ProjectStatus.DELIVERED and progress != 100:
        refusals.append(Refusal("projects.delivered_not_done",
                                N_("A delivered project is fully done; set the progress to 100."),
                                {"field": "progress"}))
    elif then is ProjectStatus.NOT_STARTED and progress != 0:
        refusals.append(Refusal("projects.not_started_progress",
                                N_("A project that has not started has no progress yet; set it to 0 or mark it "
                                   "in progress."), {"field": "progress"}))
    if not _whole(budget_spent) or budget_spent < 0:
        refusals.append(Refusal("projects.spent_negative",
                                N_("The amount spent can't be less than zero."), {"field": "budget_spent"}))
    return refusals


def _text_refusals(value, field: str, limit: int, *, required: bool) -> list[Refusal]:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        return [Refusal("projects.missing", N_("This can't be empty."), {"field": field})]
    if len(text) > limit:
        return [Refusal("projects.too_long", N_("Use at most %(max)s characters."), {"field": field, "max": limit})]
    return []


def milestone_refusals(title, day, evidence="") -> list[Refusal]:
    """Why this milestone may not be saved; empty means it may."""
    refusals = _text_refusals(title, "title", MAX_TITLE, required=True)
    if not isinstance(day, date):
        refusals.append(Refusal("projects.milestone_date", N_("Give the milestone's date."), {"field": "day"}))
    refusals += _text_refusals(evidence, "evidence", MAX_EVIDENCE, required=False)
    return refusals


def completion_refusals(status, already_done: bool, evidence="") -> list[Refusal]:
    """Why a milestone may not be marked done now; empty means it may."""
    if _status(status) in FINAL:
        return status_refusals(status, status, 100, 0)
    if already_done:
        return [Refusal("projects.milestone_done", N_("This milestone is already marked done."), {})]
    return _text_refusals(evidence, "evidence", MAX_EVIDENCE, required=False)


def terms_diff(current: Terms, changes: Mapping[str, object]) -> dict[str, tuple[object, object]]:
    """{term: (old, new)} for each term in `changes` whose value is really new, in TERMS order."""
    found = {}
    for name in TERMS:
        if name not in changes:
            continue
        new = changes[name]
        if isinstance(new, str):
            new = new.strip()
        old = getattr(current, name)
        if new != old:
            found[name] = (old, new)
    return found


def terms_refusals(status, current: Terms, changes: Mapping[str, object], reason, material: bool,
                   decision_id, budget_spent: int = 0) -> list[Refusal]:
    """Why this change of terms may not be recorded; empty means it may.

    `changes` maps term names to their new values (unchanged ones may be included and are
    ignored); `decision_id` is the id of the council decision the change refers to, or None.
    """
    if _status(status) in FINAL:
        return status_refusals(status, status, 100, 0)
    refusals = []
    unknown = sorted(set(changes) - set(TERMS))
    if unknown:
        refusals.append(Refusal("projects.unknown_term", N_("“%(name)s” is not one of a project's terms."),
                                {"name": unknown[0]}))
    new = dict(changes)
    if "budget_granted" in new:
        amount = new["budget_granted"]
        if not _whole(amount) or amount < 0:
            refusals.append(Refusal("projects.budget_invalid", N_("Enter the budget granted as an amount of zero "
                                                                  "or more."), {"field": "budget_granted"}))
        elif amount < budget_spent:
            refusals.append(Refusal("projects.budget_below_spent",
                                    N_("The budget granted can't be less than what is already spent."),
                                    {"field": "budget_granted"}))
    if "scope" in new:
        refusals += _text_refusals(new["scope"], "scope", MAX_SCOPE, required=True)
    if "planned_end" in new and new["planned_end"] is not None and not isinstance(new["planned_end"], date):
        refusals.append(Refusal("projects.end_invalid", N_("Give the planned end as a date, or leave it empty."),
                                {"field": "planned_end"}))
    if "responsible" in new:
        refusals += _text_refusals(new["responsible"], "responsible", MAX_RESPONSIBLE, required=True)
    if not refusals and not terms_diff(current, {k: v for k, v in new.items() if k in TERMS}):
        refusals.append(Refusal("projects.no_change",
                                N_("Nothing differs from the current terms; change at least one of them."), {}))
    if not isinstance(reason, str) or not reason.strip():
        refusals.append(Refusal("projects.reason_missing",
                                N_("Say why the terms change: the reason is shown to everyone."), {"field": "reason"}))
    elif len(reason.strip()) > MAX_REASON:
        refusals.append(Refusal("projects.too_long", N_("Use at most %(max)s characters."),
                                {"field": "reason", "max": MAX_REASON}))
    if material and decision_id is None:
        refusals.append(Refusal("projects.material_needs_decision",
                                N_("A material change needs a published council decision that allows it; choose "
                                   "the decision."), {"field": "decision_id"}))
    return refusals
