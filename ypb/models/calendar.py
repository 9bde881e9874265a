"""Events on the public calendar that the secretary adds: workshops, hackathons, forums.

Phase deadlines and council meetings are not copied here: the calendar reads them from
their cycles and meetings, so a changed date shows everywhere at once. An event is never
deleted: a cancelled one stays listed as cancelled. `sequence` counts the changes since it
was published, so calendar apps replace their copy (iCalendar SEQUENCE).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ypb.domain.calendar import KINDS, MAX_PLACE, MAX_TITLE
from ypb.models.base import Base, UTCDateTime, utcnow


class CalendarEvent(Base):
    __tablename__ = "calendar_events"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")", name="kind_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        # Cancelled and its moment go together, so "cancelled on ..." is always known.
        CheckConstraint("(cancelled AND cancelled_at IS NOT NULL) OR (NOT cancelled AND cancelled_at IS NULL)",
                        name="cancelled_at_set"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(MAX_TITLE))
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown (ypb.domain.richtext)
    kind: Mapped[str] = mapped_column(String(12))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    place: Mapped[str] = mapped_column(String(MAX_PLACE), default="")
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id", ondelete="SET NULL"), index=True)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cycle = relationship("Cycle", lazy="joined")
