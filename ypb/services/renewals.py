"""Renewals on evidence: a delivered project proposed again in a cycle open for proposals.

Rules are `ypb.domain.renewals`'. This module starts the renewal (a draft pre-filled from
the funded proposal, linked to the project), and gathers the evidence its pages show: the
project's four KPIs, its survey's figures, the money granted and spent, its status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ypb.database import begin_write
from ypb.domain import renewals as rules
from ypb.domain.cycle import Phase
from ypb.domain.messages import N_
from ypb.extensions import db
from ypb.models import Cycle, Proposal, ProposalStatus, User
from ypb.models.base import utcnow
from ypb.models.project import FundedProject
from ypb.permissions import can
from ypb.services import Refused, audit, cycles, kpis, refuse, use_case

__all__ = ["Evidence", "Option", "evidence", "options", "propose", "public_renewals", "yearly"]


def _is_staff(user) -> bool:
    # Whoever keeps the funded projects may start a renewal on the team's behalf.
    return can(user, "projects.manage")


def _is_author(user, project: FundedProject) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and project.proposal.author_id == user.id)


def _active_renewal(project_id: int, cycle_id: int) -> Proposal | None:
    return db.session.scalar(select(Proposal).where(
        Proposal.renewal_of_id == project_id, Proposal.cycle_id == cycle_id,
        Proposal.status != ProposalStatus.WITHDRAWN.value))


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """A cycle open for proposals, as the renewal action offers it."""

    cycle: Cycle
    existing: Proposal | None  # the renewal already started there, if any


def options(project: FundedProject, user) -> list[Option]:
    """Where this user could propose the project's renewal now; empty when they can't anywhere."""
    if project.status != rules.DELIVERED or not (_is_author(user, project) or _is_staff(user)):
        return []
    found = db.session.scalars(select(Cycle).where(Cycle.phase == Phase.PROPOSALS.value, Cycle.id != project.cycle_id)
                               .order_by(Cycle.created_at, Cycle.id))
    return [Option(cycle, _active_renewal(project.id, cycle.id)) for cycle in found]


def public_renewals(project_id: int) -> list[Proposal]:
    """The project's renewals the public can read, oldest first (withdrawn ones aside)."""
    return list(db.session.scalars(select(Proposal).where(
        Proposal.renewal_of_id == project_id, Proposal.submitted_at.is_not(None),
        Proposal.status.notin_([ProposalStatus.DRAFT.value, ProposalStatus.WITHDRAWN.value]))
        .order_by(Proposal.submitted_at, Proposal.id)))


@dataclass(frozen=True)
class Evidence:
    """What a renewal rests on: the earlier project's results, as the public sees them."""

    project: FundedProject
    cycle: Cycle  # the project's own cycle (its currency)
    kpis: kpis.Report
    survey_average: int | None  # tenths of a rating; None unless the survey has enough answers to show
    survey_answers: int | None  # likewise: below the threshold not even the count is shown

    @property
    def granted(self) -> int:
        return self.project.budget_granted

    @property
    def spent(self) -> int:
        return self.project.budget_spent


def evidence(proposal: Proposal) -> Evidence | None:
    """The evidence behind a renewal proposal; None for any other proposal."""
    if proposal.renewal_of_id is None:
        return None
    project = db.session.get(FundedProject, proposal.renewal_of_id)
    report = kpis.report(project)
    shown = report.survey is not None and report.survey.shown
    return Evidence(project, db.session.get(Cycle, project.cycle_id), report,
                    report.survey.average_tenths if shown else None, report.survey.total if shown else None)


def yearly(proposal: Proposal, total: int | None = None) -> list[int]:
    """The proposal's money per year, in cents: of `total` (what was funded), or of its cost."""
    amount = total if total is not None else (proposal.final_cost if proposal.final_cost is not None
                                              else proposal.estimated_cost)
    return rules.yearly(amount or 0, proposal.funding_years, proposal.funding_split)


# --- starting one ---------------------------------------------------------------------------


@use_case
def propose(actor, project_id: int, cycle_id: int, *, title_pattern: str = rules.RENEWAL_TITLE,
            now: datetime | None = None) -> Proposal:
    """Start a renewal of a delivered project in a cycle open for proposals: a draft pre-filled
    from the funded proposal, its cost the budget granted. `title_pattern` is
    rules.RENEWAL_TITLE in the proposer's language.

    The draft belongs to the original author, also when the youth coordinator starts it on
    the team's behalf; only when that account is gone is it the coordinator's own.
    """
    now = now or utcnow()
    begin_write()
    project = db.session.get(FundedProject, project_id)
    if project is None:
        raise refuse("projects.not_found", N_("That project does not exist."))
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None or cycle.phase_enum is Phase.DRAFT:
        raise refuse("cycle.missing", N_("There is no such budget cycle."))
    original = project.proposal
    refusals = rules.renewal_refusals(
        is_author=_is_author(actor, project), is_staff=_is_staff(actor), project_status=project.status,
        cycle_phase=cycle.phase, already_renewed=_active_renewal(project.id, cycle.id) is not None)
    if refusals:
        raise Refused(*refusals)
    author = db.session.get(User, original.author_id) if original.author_id else None
    author = author or actor
    # Whoever will own the proposal takes part in the new cycle, so its rules apply to them;
    # not to the coordinator, who owns it only when the team's account is gone.
    owner_takes_part = author.id != actor.id or not _is_staff(actor)
    if owner_takes_part and (not_eligible := cycles.eligibility(cycle, author, now)):
        raise Refused(*not_eligible)
    category = original.category.name.casefold() if original.category else None
    proposal = Proposal(
        cycle_id=cycle.id, author_id=author.id, status=ProposalStatus.DRAFT.value, created_at=now, updated_at=now,
        title=rules.renewal_title(original.title, title_pattern), summary=original.summary,
        description=original.description, estimated_cost=project.budget_granted, place=original.place,
        group_name=original.group_name, renewal_of_id=project.id, funding_years=1,
        # Categories are the cycle's own; the one with the same name, when there is one.
        category_id=next((c.id for c in cycle.categories if c.name.casefold() == category), None),
    )
    db.session.add(proposal)
    try:
        db.session.flush()
    except IntegrityError:
        # Two clicks at once: the first one started it.
        db.session.rollback()
        raise Refused(*rules.renewal_refusals(is_author=True, is_staff=True, project_status=rules.DELIVERED,
                                              cycle_phase=Phase.PROPOSALS, already_renewed=True)) from None
    audit.record(actor, "proposal.renewal", f"proposal:{proposal.id}",
                 {"project": project.id, "cycle": cycle.id, "author": author.id})
    db.session.commit()
    return proposal
