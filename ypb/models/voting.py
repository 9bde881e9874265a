"""The vote: budgets on a cycle's ballot, secret ballots under per-cycle pseudonyms,
who took part (kept apart from what they chose), voting codes, census lists, paper batches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ypb.models.base import Base, UTCDateTime, utcnow

CHANNELS = ("online", "code", "paper")


class Budget(Base):
    """One pot of money on a cycle's ballot (one per district or school, or just one)."""

    __tablename__ = "budgets"
    __table_args__ = (UniqueConstraint("cycle_id", "name"), CheckConstraint("amount > 0", name="amount_positive"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    amount: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer, default=0)


class VotingKey(Base):
    """The per-cycle secret that turns a voter into a pseudonym. Destroyed once results are
    final, after which nobody can link a ballot to a voter, not even with the database."""

    __tablename__ = "voting_keys"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Ballot(Base):
    """What one (pseudonymous) voter chose in one budget. No timestamps, no user id: only
    the last version counts, and it is replaced in place."""

    __tablename__ = "ballots"
    __table_args__ = (
        # The database's promise: one counted ballot per voter and budget.
        UniqueConstraint("budget_id", "pseudonym"),
        CheckConstraint("channel IN ('online', 'code', 'paper')", name="channel_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(10))
    paper_batch_id: Mapped[int | None] = mapped_column(ForeignKey("paper_batches.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    choices: Mapped[list[BallotChoice]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                       order_by="BallotChoice.proposal_id")


class BallotChoice(Base):
    __tablename__ = "ballot_choices"
    __table_args__ = (CheckConstraint("points >= 1", name="points_positive"),)

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    points: Mapped[int] = mapped_column(Integer, default=1)


class Participation(Base):
    """Who voted, for turnout — kept apart from ballots so no row links a person to choices."""

    __tablename__ = "participations"
    __table_args__ = (
        UniqueConstraint("cycle_id", "user_id"),
        UniqueConstraint("cycle_id", "code_id"),
        CheckConstraint("channel IN ('online', 'code')", name="channel_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    code_id: Mapped[int | None] = mapped_column(ForeignKey("voting_codes.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(10))
    # "13-15", "16-18", …: enough for turnout by age, never a birth year.
    age_band: Mapped[str | None] = mapped_column(String(10))


class VotingCode(Base):
    """A printed code that lets one person vote without an account. Only its hash is kept."""

    __tablename__ = "voting_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CensusEntry(Base):
    """One identifier from the secretary's list (student number…), kept as a keyed hash."""

    __tablename__ = "census_entries"
    __table_args__ = (UniqueConstraint("cycle_id", "id_hash"), UniqueConstraint("cycle_id", "claimed_by_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    id_hash: Mapped[str] = mapped_column(String(64))
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PaperBatch(Base):
    """A numbered bundle of paper ballots typed in by the secretary."""

    __tablename__ = "paper_batches"
    __table_args__ = (UniqueConstraint("cycle_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    label: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ballots: Mapped[list[Ballot]] = relationship(order_by="Ballot.id", cascade="all, delete-orphan")


class VoteReceipt(Base):
    """What a cast with an idempotency key acknowledged, so a retried request (timeout, two
    taps, a worker that died before answering) gets the same answer and changes nothing.

    The key is stored as an HMAC of the voter and the form's token under the cycle's voting
    key, and the rows are deleted when that key is destroyed: they cannot link a ballot to
    a voter. The primary key is the database's guarantee that one token is used once.
    """

    __tablename__ = "vote_receipts"

    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    budget_id: Mapped[int] = mapped_column(Integer)
    picks: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
