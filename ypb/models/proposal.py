"""Proposals, their public revision history, feasibility notes and review decisions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ypb.domain.renewals import MAX_YEARS
from ypb.models.base import Base, UTCDateTime, utcnow


class ProposalStatus(StrEnum):
    DRAFT = "draft"  # private to its author
    SUBMITTED = "submitted"  # public, open to feedback, not yet decided
    APPROVED = "approved"  # on the ballot
    REJECTED = "rejected"  # with a public reason
    MERGED = "merged"  # folded into another proposal
    WITHDRAWN = "withdrawn"


class Verdict(StrEnum):
    FEASIBLE = "feasible"
    NEEDS_CHANGE = "needs_change"
    NOT_FEASIBLE = "not_feasible"


def _in(column: str, enum) -> str:
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in enum) + ")"


_ACTIVE_RENEWAL = "renewal_of_id IS NOT NULL AND status != 'withdrawn'"


class Proposal(Base):
    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(_in("status", ProposalStatus), name="status_known"),
        CheckConstraint("estimated_cost IS NULL OR estimated_cost >= 0", name="cost_not_negative"),
        CheckConstraint("final_cost IS NULL OR final_cost >= 0", name="final_cost_not_negative"),
        CheckConstraint("status != 'rejected' OR decision_reason IS NOT NULL", name="rejection_has_reason"),
        CheckConstraint("status != 'merged' OR merged_into_id IS NOT NULL", name="merge_has_target"),
        CheckConstraint("status != 'approved' OR final_cost IS NOT NULL", name="approval_has_cost"),
        CheckConstraint(f"funding_years >= 1 AND funding_years <= {MAX_YEARS}", name="funding_years_range"),
        CheckConstraint("funding_years = 1 OR renewal_of_id IS NOT NULL", name="multi_year_only_renewals"),
        # One renewal of a project per cycle; a withdrawn one makes room for another.
        Index("uq_proposals_renewal_per_cycle", "cycle_id", "renewal_of_id", unique=True,
              sqlite_where=text(_ACTIVE_RENEWAL), postgresql_where=text(_ACTIVE_RENEWAL)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Free text: an informal group or organisation; no registration is required.
    group_name: Mapped[str | None] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(140))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    estimated_cost: Mapped[int | None] = mapped_column(BigInteger)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    place: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.DRAFT.value, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # The review decision (published with its reason).
    final_cost: Mapped[int | None] = mapped_column(BigInteger)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The budget whose ballot an approved proposal is on.
    budget_id: Mapped[int | None] = mapped_column(ForeignKey("budgets.id", ondelete="SET NULL"))
    # The council decision behind the review, when there is one (free reference for now).
    council_decision_ref: Mapped[str | None] = mapped_column(String(200))
    # A renewal of a delivered project (see ypb.domain.renewals); use_alter because funded
    # projects point back at proposals.
    renewal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("funded_projects.id", ondelete="RESTRICT", use_alter=True), index=True)
    funding_years: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The author's amount per year in cents; NULL: equal shares (ypb.domain.renewals.yearly).
    funding_split: Mapped[list[int] | None] = mapped_column(JSON)

    cycle = relationship("Cycle")
    author = relationship("User", foreign_keys=[author_id])
    category = relationship("Category")
    merged_into = relationship("Proposal", remote_side=[id], foreign_keys=[merged_into_id])
    renewal_of = relationship("FundedProject", foreign_keys=[renewal_of_id])
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="proposal", order_by="Revision.number", cascade="all, delete-orphan"
    )
    notes: Mapped[list[FeasibilityNote]] = relationship(
        back_populates="proposal", order_by="FeasibilityNote.created_at", cascade="all, delete-orphan"
    )

    @property
    def status_enum(self) -> ProposalStatus:
        return ProposalStatus(self.status)

    @property
    def is_public(self) -> bool:
        # A withdrawn proposal stays readable if it was ever published; a withdrawn draft never was.
        return self.status != ProposalStatus.DRAFT.value and self.submitted_at is not None

    @property
    def latest_note(self) -> FeasibilityNote | None:
        return self.notes[-1] if self.notes else None


revision_addresses = Table(
    "revision_addresses",
    Base.metadata,
    Column("revision_id", ForeignKey("revisions.id", ondelete="CASCADE"), primary_key=True),
    Column("comment_id", ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True),
)


class Revision(Base):
    """A public snapshot of a proposal, made at submission and at every later edit."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(140))
    summary: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    estimated_cost: Mapped[int | None] = mapped_column(BigInteger)
    category_name: Mapped[str | None] = mapped_column(String(120))
    place: Mapped[str | None] = mapped_column(String(200))
    group_name: Mapped[str | None] = mapped_column(String(120))
    # The author's own words on what changed, and whether it answers feedback.
    change_note: Mapped[str | None] = mapped_column(String(500))
    answers_feedback: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="revisions")
    addresses = relationship("Comment", secondary=revision_addresses, order_by="Comment.id")


class FeasibilityNote(Base):
    """The municipality's view on a proposal, published during feedback so authors can revise."""

    __tablename__ = "feasibility_notes"
    __table_args__ = (
        CheckConstraint(_in("verdict", Verdict), name="verdict_known"),
        CheckConstraint("municipal_cost IS NULL OR municipal_cost >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verdict: Mapped[str] = mapped_column(String(20))
    municipal_cost: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="notes")
    author = relationship("User")

    @property
    def verdict_enum(self) -> Verdict:
        return Verdict(self.verdict)
