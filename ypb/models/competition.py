"""Competition cycles: the jury's published criteria and each juror's scores (see
`ypb.domain.competition`). The jury weight is a column of the cycle, with the other ballot
settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ypb.models.base import Base, UTCDateTime, utcnow


class JuryCriterion(Base):
    """One criterion the jury scores every approved proposal on, published before the vote."""

    __tablename__ = "jury_criteria"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(300), default="")


class JuryScore(Base):
    """One council member's score (1 to 5) of one proposal on one criterion.

    Private until the results: the public sees only each project's mean and how many jurors
    scored it. Replaced in place while scoring is open, so `updated_at` is the last change.
    """

    __tablename__ = "jury_scores"
    __table_args__ = (
        UniqueConstraint("criterion_id", "proposal_id", "juror_id"),
        CheckConstraint("score >= 1 AND score <= 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("jury_criteria.id", ondelete="CASCADE"))
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criterion = relationship("JuryCriterion")
