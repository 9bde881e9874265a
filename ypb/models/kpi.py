"""A funded project's four KPIs, each a target and an actual (see ypb.domain.kpis).

One row per project, made the first time the secretary saves them. Empty columns are
"not reported yet". How they changed over time is in the audit trail (action "project.kpis").
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ypb.domain.kpis import AVERAGE_RANGE, SatisfactionKind
from ypb.models.base import Base, UTCDateTime, utcnow


def _satisfaction(column: str) -> str:
    # NULL passes a CHECK, so "not reported yet" needs no case of its own.
    low, high = AVERAGE_RANGE
    return (f"(satisfaction_kind = 'average' AND {column} >= {low} AND {column} <= {high}) OR "
            f"(satisfaction_kind = 'share' AND {column} >= 0 AND {column} <= 100)")


class ProjectKpis(Base):
    __tablename__ = "project_kpis"
    __table_args__ = (
        CheckConstraint("engaged_target >= 0 AND engaged_actual >= 0", name="engaged"),
        CheckConstraint("benefited_target >= 0 AND benefited_actual >= 0", name="benefited"),
        CheckConstraint(f"satisfaction_kind IN ({', '.join(repr(k.value) for k in SatisfactionKind)})",
                        name="satisfaction_kind"),
        CheckConstraint(_satisfaction("satisfaction_target"), name="satisfaction_target"),
        CheckConstraint(_satisfaction("satisfaction_actual"), name="satisfaction_actual"),
        CheckConstraint("effect_target_number >= 0 AND effect_actual_number >= 0", name="effect_number"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("funded_projects.id", ondelete="CASCADE"), primary_key=True)
    engaged_target: Mapped[int | None] = mapped_column(Integer)
    engaged_actual: Mapped[int | None] = mapped_column(Integer)
    benefited_target: Mapped[int | None] = mapped_column(Integer)
    benefited_actual: Mapped[int | None] = mapped_column(Integer)
    satisfaction_kind: Mapped[str] = mapped_column(String(8), default=SatisfactionKind.AVERAGE.value)
    # Tenths of a rating (average) or whole percent (share), as satisfaction_kind says.
    satisfaction_target: Mapped[int | None] = mapped_column(Integer)
    satisfaction_actual: Mapped[int | None] = mapped_column(Integer)  # entered; a survey with answers wins
    effect_unit: Mapped[str] = mapped_column(String(40), default="")
    effect_target_number: Mapped[int | None] = mapped_column(BigInteger)  # hundredths
    effect_actual_number: Mapped[int | None] = mapped_column(BigInteger)  # hundredths
    effect_target_text: Mapped[str] = mapped_column(Text, default="")
    effect_actual_text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project = relationship("FundedProject")
