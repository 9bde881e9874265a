"""A funded project's satisfaction survey and its anonymous answers (see ypb.domain.surveys).

An answer holds a rating, an optional comment, the day and a fingerprint; nothing about the
person, their account, address or browser, and no time finer than the day. The fingerprint is
an HMAC under the survey's key of a nonce in the answering phone's session cookie: the UNIQUE
constraint on it is what keeps one phone to one answer, whichever worker serves the request.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ypb.domain.surveys import SurveyState
from ypb.models.base import Base, UTCDateTime, utcnow


class Survey(Base):
    __tablename__ = "project_surveys"
    __table_args__ = (
        UniqueConstraint("project_id"),  # one survey per project
        UniqueConstraint("token"),
        CheckConstraint(f"state IN ({', '.join(repr(s.value) for s in SurveyState)})", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("funded_projects.id", ondelete="RESTRICT"))
    token: Mapped[str] = mapped_column(String(64))  # the unguessable part of the link /s/<token>
    state: Mapped[str] = mapped_column(String(8), default=SurveyState.OPEN.value)
    # Keys the answers' fingerprints; set to NULL when the survey closes, which makes them unlinkable.
    key: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    project = relationship("FundedProject")

    @property
    def is_open(self) -> bool:
        return self.state == SurveyState.OPEN


class SurveyAnswer(Base):
    __tablename__ = "survey_answers"
    __table_args__ = (
        UniqueConstraint("survey_id", "fingerprint"),
        CheckConstraint("rating >= 1 AND rating <= 5", name="rating"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("project_surveys.id", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date] = mapped_column(Date)  # the day only, on purpose
    fingerprint: Mapped[str] = mapped_column(String(64))
