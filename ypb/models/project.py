"""Funded projects: what happens to a proposal after the vote funded it.

One `FundedProject` per funded proposal holds the current status, progress, spending and
terms (budget granted, scope, planned end, who delivers). Its milestones are dated steps,
marked done with a note of evidence. Every change of terms is kept in `TermsChange`, an
append-only history with its reason and, for a material change, the council decision that
allowed it: the public can always see what was agreed first and how it changed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ypb.domain.projects import ProjectStatus
from ypb.models.base import Base, UTCDateTime, utcnow


def _statuses() -> str:
    return f"status IN ({', '.join(repr(s.value) for s in ProjectStatus)})"


class FundedProject(Base):
    __tablename__ = "funded_projects"
    __table_args__ = (
        UniqueConstraint("proposal_id"),
        CheckConstraint(_statuses(), name="status"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
        CheckConstraint("budget_spent >= 0", name="spent"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="RESTRICT"))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=ProjectStatus.NOT_STARTED.value)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # whole percent
    budget_spent: Mapped[int] = mapped_column(BigInteger, default=0)  # cents
    # The current terms; how they came to be is in `changes`.
    budget_granted: Mapped[int] = mapped_column(BigInteger)  # cents
    scope: Mapped[str] = mapped_column(Text, default="")
    planned_end: Mapped[date | None] = mapped_column(Date)
    responsible: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # foreign_keys: a renewal proposal points back at its project (proposals.renewal_of_id).
    proposal = relationship("Proposal", foreign_keys=[proposal_id])
    milestones: Mapped[list[ProjectMilestone]] = relationship(
        back_populates="project", order_by="(ProjectMilestone.day, ProjectMilestone.id)")
    changes: Mapped[list[TermsChange]] = relationship(
        back_populates="project", order_by="(TermsChange.changed_at, TermsChange.id)")

    @property
    def status_enum(self) -> ProjectStatus:
        return ProjectStatus(self.status)


class ProjectMilestone(Base):
    __tablename__ = "project_milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("funded_projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)  # planned, or when it happened
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evidence: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[FundedProject] = relationship(back_populates="milestones")


class TermsChange(Base):
    """One change of a project's terms. Never updated or deleted."""

    __tablename__ = "project_terms_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("funded_projects.id", ondelete="RESTRICT"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # {"term": {"old": ..., "new": ...}}: cents as integers, dates as ISO strings.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    material: Mapped[bool] = mapped_column(Boolean, default=False)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("council_decisions.id", ondelete="RESTRICT"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    project: Mapped[FundedProject] = relationship(back_populates="changes")
    decision = relationship("Decision")
    actor = relationship("User")


class TermsHistoryChanged(Exception):
    """Raised on any attempt to change or delete a recorded change of terms."""


@event.listens_for(Session, "before_flush")
def _terms_history_is_append_only(session: Session, _context, _instances) -> None:
    # The service never offers to edit the history; this guards against a slip elsewhere.
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, TermsChange) and (obj in session.deleted or session.is_modified(obj)):
            raise TermsHistoryChanged(f"terms change {obj.id} is part of the public history")
