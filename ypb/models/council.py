"""The youth council's composition, in the civic data standard Popolo's terms.

A council (Popolo: Organization) has seats (Post), each in the municipal or the youth
constituency, or the coordinator's non-voting secretary seat. People (Person) hold a seat
through memberships (Membership) with start and end dates. A person need not have a user
account, and their contact details are never shown to the public.

One membership per seat per day is checked by the council service while it holds a lock on
the seat's row: date ranges cannot be compared by a portable unique constraint.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ypb.models.base import Base, UTCDateTime, utcnow

CONSTITUENCIES = ("municipal", "youth")
SEAT_ROLES = ("member", "chair", "vice_chair", "secretary")
QUORUM_RULES = ("majority", "majority_each_side")


class Council(Base):
    __tablename__ = "councils"
    __table_args__ = (
        CheckConstraint("parity_municipal >= 1 AND parity_youth >= 1", name="parity_positive"),
        CheckConstraint("quorum_rule IN ('majority', 'majority_each_side')", name="quorum_rule_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    # The parity rule: how many voting seats each constituency holds (Trakai: 5 and 5).
    parity_municipal: Mapped[int] = mapped_column(Integer, default=5)
    parity_youth: Mapped[int] = mapped_column(Integer, default=5)
    quorum_rule: Mapped[str] = mapped_column(String(30), default="majority")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    seats: Mapped[list[Seat]] = relationship(back_populates="council", order_by="Seat.position")


class Seat(Base):
    __tablename__ = "council_seats"
    __table_args__ = (
        CheckConstraint("role IN ('member', 'chair', 'vice_chair', 'secretary')", name="role_known"),
        # The secretary seat belongs to no constituency; every voting seat to exactly one.
        CheckConstraint(
            "(role = 'secretary' AND constituency IS NULL) OR "
            "(role <> 'secretary' AND constituency IN ('municipal', 'youth'))",
            name="constituency_fits_role",
        ),
        UniqueConstraint("council_id", "label"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    constituency: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20), default="member")
    position: Mapped[int] = mapped_column(Integer, default=0)

    council: Mapped[Council] = relationship(back_populates="seats")
    memberships: Mapped[list[Membership]] = relationship(back_populates="seat", order_by="Membership.start_date")

    @property
    def voting(self) -> bool:
        return self.role != "secretary"


class Person(Base):
    __tablename__ = "council_persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Optional: a member who signs in (to vote on motions) has an account; many never do.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    # Private: for the secretary only, never in pages, exports or the API.
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="person", order_by="Membership.start_date")
    affiliations: Mapped[list[Affiliation]] = relationship(back_populates="person",
                                                           order_by="Affiliation.start_date")


class Membership(Base):
    __tablename__ = "council_memberships"
    __table_args__ = (CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("council_seats.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("council_persons.id", ondelete="CASCADE"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)  # the last day in the seat; open while serving
    end_reason: Mapped[str | None] = mapped_column(String(200))
    # Who nominated the member: the municipal council, a youth organisations' union, ...
    on_behalf_of: Mapped[str] = mapped_column(String(160), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    seat: Mapped[Seat] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships")


class Affiliation(Base):
    """A seat the person holds in another body (a youth chair who also sits on the municipal board)."""

    __tablename__ = "council_affiliations"
    __table_args__ = (CheckConstraint("end_date IS NULL OR end_date >= start_date", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("council_persons.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(String(160))
    role: Mapped[str] = mapped_column(String(80), default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(back_populates="affiliations")
