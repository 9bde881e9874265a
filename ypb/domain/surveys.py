"""The satisfaction survey of a funded project: one 1–5 rating and an optional comment,
answered anonymously from a link or QR code handed out at the project's activity.

Decisions, stated once:

- Anonymous means the answer carries nothing that points at a person: no account, no
  address, no browser, no time finer than the day. What stops one phone answering twice is a
  fingerprint: an HMAC, under the survey's own key, of the survey and a random nonce kept in
  the phone's session cookie. The database refuses a second answer with the same fingerprint.
- Closing is final, and it destroys the survey's key: afterwards nobody, not even with a
  participant's cookie and the database, can tell which answer came from which phone.
- A project that was cancelled has no activity to ask about, so no survey opens for it.
- Results are shown only from `MIN_ANSWERS` answers on: with fewer, one person's rating could
  be read straight off the figures. Totals over several surveys count only the surveys that
  are shown, so no hidden survey can be worked out by subtraction.
- Comments are for the secretary only (they may hold names or worse, and nobody moderates
  them before they would appear); the public sees the figures.

Pure: no database, no Flask, no translation.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from ypb.domain.messages import N_, Refusal
from ypb.domain.projects import ProjectStatus

__all__ = [
    "MAX_COMMENT",
    "MIN_ANSWERS",
    "RATINGS",
    "RATING_LABELS",
    "Distribution",
    "SurveyState",
    "answer_refusals",
    "close_refusals",
    "combined",
    "distribution",
    "fingerprint",
    "open_refusals",
]

MIN_ANSWERS = 5
MAX_COMMENT = 500
RATINGS: tuple[int, ...] = (1, 2, 3, 4, 5)
SATISFIED = 4  # a rating of 4 or 5 counts as satisfied

RATING_LABELS: Mapping[int, str] = MappingProxyType({
    1: N_("Very unhappy"),
    2: N_("Unhappy"),
    3: N_("Neither"),
    4: N_("Happy"),
    5: N_("Very happy"),
})


class SurveyState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


def answer_refusals(state, rating, comment) -> list[Refusal]:
    """Why this answer may not be recorded; empty means it may."""
    if state != SurveyState.OPEN:
        return [Refusal("surveys.closed", N_("This survey is closed and takes no more answers."), {})]
    refusals = []
    if not isinstance(rating, int) or isinstance(rating, bool) or rating not in RATINGS:
        refusals.append(Refusal("surveys.rating", N_("Choose a rating from 1 to 5."), {"field": "rating"}))
    if comment is not None and not isinstance(comment, str):
        refusals.append(Refusal("surveys.comment_invalid", N_("Write your comment as text."), {"field": "comment"}))
    elif len((comment or "").strip()) > MAX_COMMENT:
        refusals.append(Refusal("surveys.comment_long", N_("Use at most %(max)s characters."),
                                {"field": "comment", "max": MAX_COMMENT}))
    return refusals


def open_refusals(project_status, state) -> list[Refusal]:
    """Why a survey may not be opened for a project in `project_status` whose survey is in
    `state` (None: it has none yet); empty means it may."""
    if state == SurveyState.OPEN:
        return [Refusal("surveys.already_open", N_("The survey is already open."), {})]
    if state == SurveyState.CLOSED:
        return [Refusal("surveys.closed_for_good",
                        N_("The survey was closed, and a closed survey stays closed: its answers can no longer "
                           "be told apart from one another."), {})]
    if project_status == ProjectStatus.CANCELLED:
        return [Refusal("surveys.project_cancelled",
                        N_("The project was cancelled, so there is no activity to ask about."), {})]
    return []


def close_refusals(state) -> list[Refusal]:
    if state != SurveyState.OPEN:
        return [Refusal("surveys.not_open", N_("The survey is not open."), {})]
    return []


def fingerprint(key: bytes, survey_id: int, nonce: str) -> str:
    """What is stored instead of anything about the device: unlinkable without the key."""
    return hmac.new(key, f"survey:{survey_id}:{nonce}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Distribution:
    """How a survey's answers spread over the ratings, and whether they may be shown."""

    counts: tuple[int, ...]  # answers per rating, 1 to 5
    total: int

    @property
    def shown(self) -> bool:
        return self.total >= MIN_ANSWERS

    @property
    def missing(self) -> int:
        """How many more answers are needed before anything is shown."""
        return max(0, MIN_ANSWERS - self.total)

    @property
    def average_tenths(self) -> int | None:
        """The average rating in tenths, rounded half up (4.25 → 43); None while hidden."""
        if not self.shown:
            return None
        points = sum(r * n for r, n in zip(RATINGS, self.counts, strict=True))
        return (20 * points + self.total) // (2 * self.total)

    @property
    def share_satisfied(self) -> int | None:
        """The whole percentage who rated 4 or 5, rounded half up; None while hidden."""
        if not self.shown:
            return None
        satisfied = sum(n for r, n in zip(RATINGS, self.counts, strict=True) if r >= SATISFIED)
        return (200 * satisfied + self.total) // (2 * self.total)

    def rows(self) -> list[tuple[int, int, int]]:
        """(rating, answers, whole percent of all answers), from 5 down to 1, for a chart."""
        return [(r, n, (200 * n + self.total) // (2 * self.total) if self.total else 0)
                for r, n in reversed(list(zip(RATINGS, self.counts, strict=True)))]


def distribution(counts: Mapping[int, int]) -> Distribution:
    """{rating: answers} → a Distribution; ratings outside 1–5 are not answers and are ignored."""
    row = tuple(int(counts.get(r, 0)) for r in RATINGS)
    return Distribution(row, sum(row))


def combined(distributions: Iterable[Distribution]) -> Distribution:
    """All answers of the surveys that are shown, as one distribution."""
    shown = [d for d in distributions if d.shown]
    row = tuple(sum(d.counts[i] for d in shown) for i in range(len(RATINGS)))
    return Distribution(row, sum(row))
