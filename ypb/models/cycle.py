"""A budget cycle, its strategic-goal categories, and its schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ypb.domain.cycle import PHASES, Phase, Schedule
from ypb.domain.renewals import MAX_YEARS
from ypb.models.base import Base, UTCDateTime, utcnow


class Cycle(Base):
    __tablename__ = "cycles"
    __table_args__ = (
        CheckConstraint("phase IN (" + ", ".join(f"'{p.value}'" for p in PHASES) + ")", name="phase_known"),
        CheckConstraint("budget_total >= 0", name="budget_not_negative"),
        CheckConstraint("feedback_days >= 1", name="feedback_at_least_a_day"),
        CheckConstraint("min_age >= 0 AND max_age >= min_age", name="age_range"),
        CheckConstraint("ballot_type IS NULL OR ballot_type IN ('approval', 'knapsack', 'cumulative')",
                        name="ballot_type_known"),
        CheckConstraint("budget_choice IN ('one', 'each')", name="budget_choice_known"),
        CheckConstraint("tally_rule IN ('greedy', 'mes-add1', 'mes-add1-compare', 'competition')",
                        name="tally_rule_known"),
        CheckConstraint("tally_threshold >= 0", name="tally_threshold_not_negative"),
        CheckConstraint("jury_weight >= 0 AND jury_weight <= 100", name="jury_weight_percent"),
        CheckConstraint(f"renewal_max_years >= 1 AND renewal_max_years <= {MAX_YEARS}", name="renewal_years"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Money is an integer number of minor units (cents), never a float.
    budget_total: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    min_age: Mapped[int] = mapped_column(Integer, default=13)
    max_age: Mapped[int] = mapped_column(Integer, default=29)
    residency_required: Mapped[bool] = mapped_column(Boolean, default=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    phase: Mapped[str] = mapped_column(String(20), default=Phase.DRAFT.value, index=True)
    phase_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    feedback_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback_days: Mapped[int] = mapped_column(Integer, default=7)
    proposals_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voting_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_end: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_ratified: Mapped[bool] = mapped_column(Boolean, default=False)
    results_ratified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_ratified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The counting rule, fixed before voting opens: "greedy", "mes-add1", "mes-add1-compare" or
    # "competition" (see ypb.domain.explain.RULES); greedy may require a minimum number of supporters.
    tally_rule: Mapped[str] = mapped_column(String(20), default="greedy", server_default="greedy")
    tally_threshold: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Competition only: the jury's share of the combined score, in percent (the vote has the rest).
    jury_weight: Mapped[int] = mapped_column(Integer, default=50, server_default="50")

    # Ballot settings: they shape the vote, so they lock when voting opens.
    ballot_type: Mapped[str | None] = mapped_column(String(20))
    min_choices: Mapped[int] = mapped_column(Integer, default=1)
    max_choices: Mapped[int | None] = mapped_column(Integer)
    min_share_percent: Mapped[int] = mapped_column(Integer, default=0)
    points_total: Mapped[int | None] = mapped_column(Integer)
    max_points_per_project: Mapped[int | None] = mapped_column(Integer)
    use_all_points: Mapped[bool] = mapped_column(Boolean, default=False)
    # With several budgets: "one" (the voter picks one budget) or "each" (a ballot in each).
    budget_choice: Mapped[str] = mapped_column(String(10), default="one")
    census_required: Mapped[bool] = mapped_column(Boolean, default=False)
    # How many years a renewal of a delivered project may be funded for (1: one year at a time).
    renewal_max_years: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    contact = relationship("User", foreign_keys=[contact_id], lazy="joined")
    budgets = relationship("Budget", order_by="Budget.position", cascade="all, delete-orphan")
    categories: Mapped[list[Category]] = relationship(
        back_populates="cycle", order_by="Category.position", cascade="all, delete-orphan"
    )
    jury_criteria = relationship("JuryCriterion", order_by="[JuryCriterion.position, JuryCriterion.id]",
                                 cascade="all, delete-orphan", passive_deletes=True)

    @property
    def phase_enum(self) -> Phase:
        return Phase(self.phase)

    @property
    def schedule(self) -> Schedule:
        return Schedule(
            proposals_end=self.proposals_end, feedback_end=self.feedback_end,
            review_end=self.review_end, voting_end=self.voting_end, results_end=self.results_end,
        )


class Category(Base):
    """One of the municipality's strategic goals that proposals can be tagged with."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("cycle_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)

    cycle: Mapped[Cycle] = relationship(back_populates="categories")
