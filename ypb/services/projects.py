"""Funded projects: created from the confirmed results, then kept up to date by the secretary.

Rules are `ypb.domain.projects`'; this module loads, asks them, saves with an audit entry and
tells the people who follow the proposal (its author and everyone who commented on it: who
voted for it is secret, so they can't be told).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ypb.database import begin_write
from ypb.domain import projects as rules
from ypb.domain.messages import N_
from ypb.extensions import db
from ypb.models import Comment, Cycle, Decision, Proposal, TallyResult, User
from ypb.models.base import utcnow
from ypb.models.project import FundedProject, ProjectMilestone, TermsChange
from ypb.services import Refused, audit, notifications, refuse, use_case

# --- reading -------------------------------------------------------------------------------


def get(project_id: int) -> FundedProject | None:
    return db.session.get(FundedProject, project_id)


def for_cycle(cycle: Cycle) -> list[FundedProject]:
    """The cycle's funded projects, in the order the proposals were funded."""
    found = {p.proposal_id: p for p in db.session.scalars(
        select(FundedProject).where(FundedProject.cycle_id == cycle.id))}
    ordered = [found.pop(pid) for pid in funded_ids(cycle) if pid in found]
    return ordered + sorted(found.values(), key=lambda p: p.id)


def for_proposal(proposal_id: int) -> FundedProject | None:
    return db.session.scalar(select(FundedProject).where(FundedProject.proposal_id == proposal_id))


def funded_ids(cycle: Cycle) -> list[int]:
    """The proposals the confirmed results fund, budget by budget; none before confirmation."""
    if not cycle.results_ratified:
        return []
    ids: list[int] = []
    for result in db.session.scalars(select(TallyResult).where(TallyResult.cycle_id == cycle.id)
                                     .order_by(TallyResult.id)):
        ids += [pid for pid in result.selected if pid not in ids]
    return ids


def decisions() -> list[Decision]:
    """Published, adopted council decisions a material change may refer to, newest first."""
    return list(db.session.scalars(select(Decision).where(Decision.outcome == "adopted")
                                   .order_by(Decision.published_at.desc(), Decision.id.desc())))


# --- creating them -------------------------------------------------------------------------


def ensure_for_cycle(cycle: Cycle) -> list[FundedProject]:
    """Create the missing projects of a cycle whose results are confirmed; safe to call again.

    Called lazily by the project pages, so it writes only when something is missing.
    """
    wanted = funded_ids(cycle)
    existing = set(db.session.scalars(select(FundedProject.proposal_id).where(FundedProject.proposal_id.in_(wanted))))
    if wanted and set(wanted) - existing:
        try:
            _create(cycle.id, wanted)
        except IntegrityError:
            # Another request created them at the same moment: theirs stand.
            db.session.rollback()
    return for_cycle(db.session.get(Cycle, cycle.id))


@use_case
def _create(cycle_id: int, wanted: list[int]) -> None:
    begin_write()
    existing = set(db.session.scalars(select(FundedProject.proposal_id).where(FundedProject.proposal_id.in_(wanted))))
    created = []
    for proposal in db.session.scalars(select(Proposal).where(Proposal.id.in_(set(wanted) - existing))):
        author = db.session.get(User, proposal.author_id) if proposal.author_id else None
        project = FundedProject(
            proposal_id=proposal.id, cycle_id=cycle_id, status=rules.ProjectStatus.NOT_STARTED.value, progress=0,
            budget_spent=0, budget_granted=proposal.final_cost or proposal.estimated_cost or 0,
            scope=proposal.summary or proposal.title,
            responsible=(author.display_name if author else proposal.group_name or "")[:rules.MAX_RESPONSIBLE])
        db.session.add(project)
        created.append(proposal.id)
    if created:
        db.session.flush()
        audit.record(None, "projects.create", f"cycle:{cycle_id}", {"proposals": sorted(created)})
    db.session.commit()


# --- helpers -------------------------------------------------------------------------------


def get_or_refuse(project_id: int) -> FundedProject:
    """The funded project, or a translated refusal when there is none (for services about it)."""
    project = db.session.get(FundedProject, project_id)
    if project is None:
        raise refuse("projects.not_found", N_("That project does not exist."))
    return project


def raise_refusals(refusals) -> None:
    """Raise the domain's refusals, if any, naming the first form field one of them points at."""
    if refusals:
        raise Refused(*refusals, field=next((r.params["field"] for r in refusals if "field" in r.params), None))


def followers(project: FundedProject) -> list[int]:
    """Who hears about the project: the proposal's author, then everyone who commented on it."""
    proposal = project.proposal
    ids = [proposal.author_id] if proposal.author_id else []
    for uid in db.session.scalars(select(Comment.author_id).where(Comment.proposal_id == proposal.id)
                                  .order_by(Comment.id)):
        if uid is not None and uid not in ids:
            ids.append(uid)
    return ids


def _tell(project: FundedProject, kind: str, actor, **params) -> None:
    for uid in followers(project):
        notifications.notify(uid, kind, proposal_id=project.proposal_id, actor_id=getattr(actor, "id", None),
                             title=project.proposal.title, **params)


def _terms(project: FundedProject) -> rules.Terms:
    return rules.Terms(project.budget_granted, project.scope, project.planned_end, project.responsible)


def _stored(value):
    return value.isoformat() if isinstance(value, date) else value


# --- the secretary's updates --------------------------------------------------------------------


@use_case
def update_status(actor, project_id: int, status: str, progress: int, budget_spent: int,
                  now: datetime | None = None) -> FundedProject:
    begin_write()
    now = now or utcnow()
    project = get_or_refuse(project_id)
    raise_refusals(rules.status_refusals(project.status, status, progress, budget_spent))
    before = {"status": project.status, "progress": project.progress, "budget_spent": project.budget_spent}
    if status != project.status:
        project.status_changed_at = now
    project.status, project.progress, project.budget_spent = status, progress, budget_spent
    project.updated_at = now
    after = {"status": status, "progress": progress, "budget_spent": budget_spent}
    audit.record(actor, "project.status", f"project:{project.id}", {"before": before, "after": after})
    if before["status"] != status or before["progress"] != progress:
        _tell(project, "project_status", actor, status=status, progress=progress)
    db.session.commit()
    return project


@use_case
def add_milestone(actor, project_id: int, title: str, day: date | None, now: datetime | None = None
                  ) -> ProjectMilestone:
    begin_write()
    project = get_or_refuse(project_id)
    if project.status_enum in rules.FINAL:
        raise_refusals(rules.status_refusals(project.status, project.status, project.progress, project.budget_spent))
    raise_refusals(rules.milestone_refusals(title, day))
    milestone = ProjectMilestone(project_id=project.id, title=title.strip(), day=day, done=False, evidence="",
                                 created_at=now or utcnow())
    db.session.add(milestone)
    project.updated_at = now or utcnow()
    db.session.flush()
    audit.record(actor, "project.milestone", f"project:{project.id}",
                 {"milestone": milestone.id, "title": milestone.title, "day": day.isoformat()})
    _tell(project, "project_milestone", actor, milestone=milestone.title)
    db.session.commit()
    return milestone


@use_case
def complete_milestone(actor, project_id: int, milestone_id: int, evidence: str = "",
                       now: datetime | None = None) -> ProjectMilestone:
    begin_write()
    now = now or utcnow()
    project = get_or_refuse(project_id)
    milestone = db.session.get(ProjectMilestone, milestone_id)
    if milestone is None or milestone.project_id != project.id:
        raise refuse("projects.no_milestone", N_("That milestone does not exist."))
    raise_refusals(rules.completion_refusals(project.status, milestone.done, evidence))
    milestone.done, milestone.done_at, milestone.evidence = True, now, (evidence or "").strip()
    project.updated_at = now
    audit.record(actor, "project.milestone_done", f"project:{project.id}",
                 {"milestone": milestone.id, "evidence": milestone.evidence})
    _tell(project, "project_milestone_done", actor, milestone=milestone.title)
    db.session.commit()
    return milestone


@use_case
def change_terms(actor, project_id: int, changes: dict, reason: str, material: bool,
                 decision_id: int | None, now: datetime | None = None) -> TermsChange:
    """Record a change of terms with its reason; a material one needs a published decision."""
    begin_write()
    now = now or utcnow()
    project = get_or_refuse(project_id)
    raise_refusals(rules.terms_refusals(project.status, _terms(project), changes, reason, material, decision_id,
                                 project.budget_spent))
    decision = db.session.get(Decision, decision_id) if decision_id is not None else None
    if decision_id is not None and decision is None:
        raise refuse("projects.no_decision", N_("That council decision does not exist or is not published."),
                     "decision_id")
    if decision is not None and decision.outcome != "adopted":
        # A rejected motion allows nothing: pointing at it would pass off a "no" as consent.
        raise refuse("projects.decision_not_adopted",
                     N_("Decision %(number)s was not adopted, so it can't allow a change."), "decision_id",
                     number=decision.number)
    diff = rules.terms_diff(_terms(project), changes)
    for name, (_old, new) in diff.items():
        setattr(project, name, new)
    project.updated_at = now
    stored = {name: {"old": _stored(old), "new": _stored(new)} for name, (old, new) in diff.items()}
    change = TermsChange(project_id=project.id, changed_at=now, reason=reason.strip(), material=bool(material),
                         decision_id=decision_id, actor_id=getattr(actor, "id", None), changes=stored)
    db.session.add(change)
    db.session.flush()
    audit.record(actor, "project.terms", f"project:{project.id}",
                 {"change": change.id, "changes": change.changes, "reason": change.reason,
                  "material": change.material, "decision": decision_id})
    _tell(project, "project_terms", actor, reason=change.reason)
    db.session.commit()
    return change
