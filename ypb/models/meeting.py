"""Council meetings and what they decide (Popolo / OParl names where they fit).

A meeting (OParl: Meeting) has a numbered agenda (AgendaItem), each item optionally about a
cycle or a proposal (OParl: Paper). Attendance is stored apart from votes. A motion is put to
a roll-call vote (Popolo: VoteEvent with one Vote per member); its outcome and counts are
computed by `ypb.domain.council` when the roll call is saved, and stored as computed so later
changes to memberships never rewrite what was decided. A decision is the published record of
a voted motion: once published it never changes; a correction is a new decision that names
the one it corrects. Minutes are drafted, approved at a later meeting, then published.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ypb.models.base import Base, UTCDateTime, utcnow

MEETING_STATUSES = ("scheduled", "held", "cancelled")
ITEM_KINDS = ("information", "discussion", "decision")
MINUTES_STATUSES = ("draft", "approved", "published")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Meeting(Base):
    __tablename__ = "council_meetings"
    __table_args__ = (CheckConstraint(_in("status", MEETING_STATUSES), name="status_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    online_url: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list[AgendaItem]] = relationship(back_populates="meeting", order_by="AgendaItem.position",
                                                   cascade="all, delete-orphan")
    attendance: Mapped[list[AttendanceRecord]] = relationship(back_populates="meeting", cascade="all, delete-orphan")
    motions: Mapped[list[Motion]] = relationship(back_populates="meeting", order_by="Motion.number",
                                                 cascade="all, delete-orphan")
    minutes: Mapped[Minutes | None] = relationship(back_populates="meeting", foreign_keys="Minutes.meeting_id",
                                                   uselist=False)


class AgendaItem(Base):
    __tablename__ = "council_agenda_items"
    __table_args__ = (
        CheckConstraint(_in("kind", ITEM_KINDS), name="kind_known"),
        UniqueConstraint("meeting_id", "position"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12), default="information")
    description: Mapped[str] = mapped_column(Text, default="")
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id", ondelete="SET NULL"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="items")


class AttendanceRecord(Base):
    __tablename__ = "council_attendance"
    __table_args__ = (
        CheckConstraint("status IN ('present', 'absent', 'excused', 'remote')", name="status_known"),
        UniqueConstraint("meeting_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("council_persons.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")


class Motion(Base):
    __tablename__ = "council_motions"
    __table_args__ = (
        CheckConstraint("requirement IN ('simple', 'absolute', 'two_thirds', 'double')", name="requirement_known"),
        CheckConstraint("outcome IS NULL OR outcome IN ('adopted', 'rejected', 'no_quorum')", name="outcome_known"),
        CheckConstraint("action IS NULL OR "
                        "(action IN ('open_voting', 'ratify_results') AND action_cycle_id IS NOT NULL)",
                        name="action_known"),
        UniqueConstraint("meeting_id", "number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ... within the meeting
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("council_agenda_items.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    mover_id: Mapped[int | None] = mapped_column(ForeignKey("council_persons.id", ondelete="SET NULL"))
    seconder_id: Mapped[int | None] = mapped_column(ForeignKey("council_persons.id", ondelete="SET NULL"))
    requirement: Mapped[str] = mapped_column(String(12), default="simple")
    # A cycle step the decision carries out once published and adopted: approving the ballot
    # list (review -> voting) or confirming the results.
    action: Mapped[str | None] = mapped_column(String(20))
    action_cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id", ondelete="SET NULL"))
    # Set together when the roll call is saved, from ypb.domain.council.tally_motion; never typed in.
    outcome: Mapped[str | None] = mapped_column(String(10))
    quorum_met: Mapped[bool | None] = mapped_column(Boolean)
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"total": {...}, "municipal": {...}, "youth": {...}}
    explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # {"code", "message", "params"}
    voted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="motions")
    votes: Mapped[list[Vote]] = relationship(back_populates="motion", cascade="all, delete-orphan")
    decision: Mapped[Decision | None] = relationship(back_populates="motion", foreign_keys="Decision.motion_id",
                                                     uselist=False)


class Vote(Base):
    __tablename__ = "council_votes"
    __table_args__ = (
        CheckConstraint("choice IN ('yes', 'no', 'abstain', 'absent')", name="choice_known"),
        UniqueConstraint("motion_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("council_motions.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("council_persons.id", ondelete="CASCADE"), index=True)
    choice: Mapped[str] = mapped_column(String(8))

    motion: Mapped[Motion] = relationship(back_populates="votes")


class Minutes(Base):
    __tablename__ = "council_minutes"
    __table_args__ = (
        CheckConstraint(_in("status", MINUTES_STATUSES), name="status_known"),
        UniqueConstraint("meeting_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    approved_at_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("council_meetings.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="minutes", foreign_keys=[meeting_id])


class Decision(Base):
    """The published record of a voted motion. Never updated: corrections are new decisions."""

    __tablename__ = "council_decisions"
    __table_args__ = (UniqueConstraint("number"), UniqueConstraint("motion_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20))  # "2030/4": year of the meeting / running number
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meetings.id", ondelete="RESTRICT"), index=True)
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("council_motions.id", ondelete="RESTRICT"))
    text: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(10))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("council_decisions.id", ondelete="RESTRICT"))
    correction_note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    motion: Mapped[Motion | None] = relationship(back_populates="decision", foreign_keys=[motion_id])
    corrects: Mapped[Decision | None] = relationship(remote_side=[id], foreign_keys=[corrects_id])


class PublishedDecisionChanged(Exception):
    """Raised on any attempt to change or delete a published decision."""


@event.listens_for(Session, "before_flush")
def _decisions_are_immutable(session: Session, _context, _instances) -> None:
    # A last line of defence under the service, which never offers to change one.
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Decision) and (obj in session.deleted or session.is_modified(obj)):
            raise PublishedDecisionChanged(f"decision {obj.number} is published and cannot change")
