"""Tally results: what the counting rule decided for one budget of a cycle, with its reasons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ypb.models.base import Base, UTCDateTime, utcnow


class TallyResult(Base):
    """The outcome of one budget's tally, computed once when voting closes.

    Draft until the cycle's results are ratified; never recomputed after that. `rows` keeps,
    per project, the numbers and the reason shown to the public (see `ypb.domain.explain`),
    `what_if` the other rule's selection for the side-by-side view, and `pb_sha256` the digest
    of the published anonymised ballots file, so anyone can check the file they download.
    """

    __tablename__ = "tally_results"
    __table_args__ = (UniqueConstraint("budget_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    budget_id: Mapped[int] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(40))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voters: Mapped[int] = mapped_column(Integer)
    budget_amount: Mapped[int] = mapped_column(BigInteger)
    spent: Mapped[int] = mapped_column(BigInteger)
    selected: Mapped[list[int]] = mapped_column(JSON)  # proposal ids, in the order the rule took them
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    what_if: Mapped[dict[str, Any]] = mapped_column(JSON)
    pb_sha256: Mapped[str] = mapped_column(String(64))
    # "seq:hash" of the audit chain's head when the results were confirmed (the confirmation's own
    # entry): a published anchor, so later rewriting of the trail up to it would show.
    chain_head: Mapped[str | None] = mapped_column(String(80))
