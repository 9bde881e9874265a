"""What the youth's participation led to, year by year: the council's influence figures.

Proposals count in the year they were submitted, approvals in the year they were decided,
funding in the year the results were confirmed. Meetings and motions count in the year of
the meeting (the municipality's calendar). Implementation is counted once funded projects
are tracked; until then it is None, shown as "not tracked yet".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from ypb.domain import council as rules
from ypb.extensions import db
from ypb.models import Cycle, Proposal, TallyResult
from ypb.models.meeting import Meeting
from ypb.services import council as council_service
from ypb.services import meetings as meeting_service


@dataclass
class YearFigures:
    year: int
    submitted: int = 0
    approved: int = 0
    funded: int = 0
    implemented: int | None = None
    meetings_held: int = 0
    meetings_with_quorum: int = 0
    motions_by_youth: int = 0
    motions_by_youth_adopted: int = 0
    motions_voted: int = 0
    motions_adopted: int = 0

    @property
    def quorum_rate(self) -> float | None:
        """Share of held meetings that had quorum; None without meetings."""
        return self.meetings_with_quorum / self.meetings_held if self.meetings_held else None


def _local_year(when) -> int:
    from zoneinfo import ZoneInfo

    from flask import current_app

    return when.astimezone(ZoneInfo(current_app.config["YPB_TIMEZONE"])).year


def by_year() -> list[YearFigures]:
    """Every year with any activity, newest first."""
    years: dict[int, YearFigures] = {}

    def year(y: int) -> YearFigures:
        return years.setdefault(y, YearFigures(y))

    for submitted_at, decided_at, status in db.session.execute(
        select(Proposal.submitted_at, Proposal.decided_at, Proposal.status).where(Proposal.submitted_at.is_not(None))
    ):
        year(_local_year(submitted_at)).submitted += 1
        if status == "approved" and decided_at is not None:
            year(_local_year(decided_at)).approved += 1

    for ratified_at, selected in db.session.execute(
        select(Cycle.results_ratified_at, TallyResult.selected).join(TallyResult, TallyResult.cycle_id == Cycle.id)
        .where(Cycle.results_ratified_at.is_not(None))
    ):
        year(_local_year(ratified_at)).funded += len(selected)

    found = council_service.get_council()
    youth_seats = set()
    if found is not None:
        youth_seats = {s.id for s in council_service.seats(found) if s.constituency == rules.Constituency.YOUTH}
    for meeting in db.session.scalars(select(Meeting).where(Meeting.status == "held")):
        figures = year(_local_year(meeting.starts_at))
        figures.meetings_held += 1
        figures.meetings_with_quorum += meeting_service.quorum_of(meeting).met
        members = {m.person_id: m for m in meeting_service.members_on(meeting)}
        for motion in meeting.motions:
            mover = members.get(motion.mover_id)
            by_youth = mover is not None and mover.seat_id in youth_seats
            figures.motions_by_youth += by_youth
            if motion.outcome is not None:
                figures.motions_voted += 1
                figures.motions_adopted += motion.outcome == "adopted"
                figures.motions_by_youth_adopted += by_youth and motion.outcome == "adopted"
    return [years[y] for y in sorted(years, reverse=True)]


def totals(rows: list[YearFigures]) -> Counter:
    """The figures summed over all years (quorum rate left out: a rate does not add up)."""
    keys = ("submitted", "approved", "funded", "meetings_held", "meetings_with_quorum", "motions_by_youth",
            "motions_by_youth_adopted", "motions_voted", "motions_adopted")
    return Counter({k: sum(getattr(r, k) for r in rows) for k in keys})

