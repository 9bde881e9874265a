"""What the open-data API may show, page by page: public cycles and published proposals.

Read-only and the same for everyone who asks: a draft cycle or a draft proposal is never
found here, not even by its author or by staff, because the API answers without accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import Budget, Cycle, Proposal, ProposalStatus
from ypb.services import cycles

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int  # across all pages


def _page(stmt: Select, order_by: tuple, offset: int, limit: int) -> Page:
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if offset >= total:
        # Nothing to fetch, and a huge offset never reaches the database.
        return Page([], total)
    return Page(list(db.session.scalars(stmt.order_by(*order_by).offset(offset).limit(limit))), total)


def _is_public(cycle: Cycle | None) -> bool:
    return cycle is not None and cycle.phase != Phase.DRAFT.value


def _published():
    # Withdrawn proposals stay listed if they were ever published; a withdrawn draft never was.
    return (Proposal.submitted_at.is_not(None), Proposal.status != ProposalStatus.DRAFT.value)


def cycles_page(offset: int, limit: int) -> Page[Cycle]:
    """Every cycle but drafts, newest first."""
    stmt = select(Cycle).where(Cycle.phase != Phase.DRAFT.value)
    return _page(stmt, (Cycle.created_at.desc(), Cycle.id.desc()), offset, limit)


def cycle(cycle_id: int) -> Cycle | None:
    """A public cycle in its current phase (planned ends that passed move it on first), or None."""
    cycles.catch_up(cycle_id)
    found = cycles.get(cycle_id)
    return found if _is_public(found) else None


def budgets(found: Cycle) -> list[Budget]:
    """The cycle's budgets; without any stored, one unsaved budget of the whole amount."""
    from ypb.services import voting

    return voting.budgets_of(found)


def proposals_page(cycle_id: int, offset: int, limit: int) -> Page[Proposal]:
    """Published proposals of a cycle (withdrawn ones included), in the order they were published.
    The caller has checked that the cycle is public."""
    stmt = (select(Proposal).where(Proposal.cycle_id == cycle_id, *_published())
            .options(selectinload(Proposal.author), selectinload(Proposal.category)))
    return _page(stmt, (Proposal.submitted_at, Proposal.id), offset, limit)


def proposal(proposal_id: int) -> Proposal | None:
    """A published proposal of a public cycle, or None."""
    found = db.session.get(Proposal, proposal_id)
    if found is None or not found.is_public:
        return None
    return found if cycle(found.cycle_id) is not None else None


# --- the youth council ------------------------------------------------------------------------


def council():
    """The council, or None before it is set up."""
    from ypb.services import council as council_service

    return council_service.get_council()


def council_decisions_page(offset: int, limit: int) -> Page:
    """Published council decisions, newest first (unpublished roll calls may still be corrected)."""
    from ypb.models.meeting import Decision

    return _page(select(Decision), (Decision.published_at.desc(), Decision.id.desc()), offset, limit)


def meetings_page(offset: int, limit: int) -> Page:
    """Council meetings, latest first, cancelled ones included (marked so)."""
    from ypb.models.meeting import Meeting

    return _page(select(Meeting).options(selectinload(Meeting.items)), (Meeting.starts_at.desc(), Meeting.id.desc()),
                 offset, limit)
