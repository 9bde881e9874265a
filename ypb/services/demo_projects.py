"""Demo data for funded-project tracking: the autumn cycle's projects in every status, with
milestones, evidence, spending and a material change of terms the council allowed."""

from __future__ import annotations

from datetime import datetime, timedelta

from ypb.extensions import db
from ypb.models import Cycle, User
from ypb.services import projects

DAY = timedelta(days=1)


def load(secretary: User, cycle_id: int, wall_decision: int | None, now: datetime) -> None:
    funded = {p.proposal.title: p.id for p in projects.ensure_for_cycle(db.session.get(Cycle, cycle_id))}
    wall = funded.get("Climbing wall in the youth centre")
    if wall is not None:
        projects.add_milestone(secretary, wall, "Wall panels ordered", (now - 40 * DAY).date(), now=now - 45 * DAY)
        projects.add_milestone(secretary, wall, "Wall built and opened", (now + 20 * DAY).date(), now=now - 45 * DAY)
        first = projects.get(wall).milestones[0]
        projects.complete_milestone(secretary, wall, first.id, "Order 2025/118 from the supplier, 40% paid.",
                                    now=now - 38 * DAY)
        projects.update_status(secretary, wall, "in_progress", 45, 110_000, now=now - 38 * DAY)
        if wall_decision is not None:
            projects.change_terms(secretary, wall, {"budget_granted": 280_000},
                                  "The mats must meet the new safety norm; the cheaper ones no longer do.",
                                  True, wall_decision, now=now - 3 * DAY)
    bikes = funded.get("Bike repair station")
    if bikes is not None:
        projects.add_milestone(secretary, bikes, "Stand installed by the school", (now - 20 * DAY).date(),
                               now=now - 45 * DAY)
        projects.complete_milestone(secretary, bikes, projects.get(bikes).milestones[0].id,
                                    "Photos on the school's page; 14 repairs in the first week.", now=now - 19 * DAY)
        projects.update_status(secretary, bikes, "delivered", 100, 87_500, now=now - 18 * DAY)
    games = funded.get("Board-game evenings")
    if games is not None:
        projects.update_status(secretary, games, "in_progress", 60, 24_000, now=now - 30 * DAY)
    seeds = funded.get("Seed library")
    if seeds is not None:
        projects.update_status(secretary, seeds, "cancelled", 0, 0, now=now - 10 * DAY)
