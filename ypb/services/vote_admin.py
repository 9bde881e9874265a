"""Read-only figures for the secretary's vote pages: how many voting codes a cycle has,
by label, and which of them a revocation would touch.

Writes (settings, making and revoking codes) stay in `ypb.services.voting`; nothing here
changes the database or sees a plain code (only hashes are stored).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select

from ypb.extensions import db
from ypb.models import Participation, VotingCode


@dataclass(frozen=True)
class LabelCount:
    """The codes of one label (None: made without a label)."""

    label: str | None
    total: int
    revoked: int
    used: int  # someone voted with it (revoked afterwards or not)
    used_valid: int  # someone voted with it and it is not revoked
    first_made: datetime | None
    last_made: datetime | None

    @property
    def unused(self) -> int:
        """Still valid and nobody has voted with it yet."""
        return self.total - self.revoked - self.used_valid


def code_summary(cycle_id: int) -> list[LabelCount]:
    """One row per label, labelled codes first in alphabetical order, unlabelled last."""
    used = select(Participation.code_id).where(Participation.cycle_id == cycle_id,
                                               Participation.code_id.is_not(None)).scalar_subquery()
    is_used = VotingCode.id.in_(used)
    is_revoked = VotingCode.revoked_at.is_not(None)
    rows = db.session.execute(
        select(
            VotingCode.label,
            func.count(VotingCode.id),
            func.sum(case((is_revoked, 1), else_=0)),
            func.sum(case((is_used, 1), else_=0)),
            func.sum(case((and_(is_used, ~is_revoked), 1), else_=0)),
            func.min(VotingCode.created_at),
            func.max(VotingCode.created_at),
        ).where(VotingCode.cycle_id == cycle_id).group_by(VotingCode.label)
    ).all()
    result = []
    for label, total, revoked, used_count, used_valid, first, last in rows:
        result.append(LabelCount(label=label, total=int(total), revoked=int(revoked or 0),
                                 used=int(used_count or 0), used_valid=int(used_valid or 0),
                                 first_made=first, last_made=last))
    result.sort(key=lambda r: (r.label is None, (r.label or "").casefold()))
    return result


def labels(cycle_id: int) -> list[str | None]:
    """The labels the cycle's codes were made with (None for codes without one)."""
    return [row.label for row in code_summary(cycle_id)]


def revocable_ids(cycle_id: int, label: str | None, unused_only: bool) -> list[int]:
    """Ids of the still valid codes of `label`; with `unused_only`, only those nobody has
    voted with yet."""
    stmt = select(VotingCode.id).where(
        VotingCode.cycle_id == cycle_id, VotingCode.revoked_at.is_(None),
        VotingCode.label.is_(None) if label is None else VotingCode.label == label,
    )
    if unused_only:
        stmt = stmt.where(VotingCode.id.not_in(
            select(Participation.code_id).where(Participation.cycle_id == cycle_id,
                                                Participation.code_id.is_not(None))))
    return list(db.session.scalars(stmt.order_by(VotingCode.id)))
