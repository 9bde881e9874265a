"""A cycle in voting for the benches, made through the services the way people make one.

`make_voting_cycle` creates a secretary and an author, opens a cycle 50 days ago, takes the
proposals the caller describes through feedback and review, approves them all at their
estimated cost and opens a knapsack vote (at least one pick). Must run in an app context.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

PASSWORD = "correct horse battery"  # noqa: S105 (throwaway bench accounts)
BUDGET = 5_000_000  # minor units


def make_voting_cycle(title: str, description: str, categories: list[str],
                      proposals_for: Callable[[list[int]], list]) -> tuple[int, dict[int, int]]:
    """(cycle id, cost of each approved project by id).

    `proposals_for(category_ids)` gives the `ProposalInput`s to submit, in order.
    """
    from ypb.domain.ballot import BallotType
    from ypb.domain.cycle import Phase, Schedule
    from ypb.domain.roles import Role
    from ypb.models.base import utcnow
    from ypb.services import accounts, cycles, proposals, review, voting
    from ypb.services.cycles import CycleInput

    now, day = utcnow(), timedelta(days=1)
    start = now - 50 * day
    secretary = accounts.create_account(username="bench-secretary", display_name="Secretary", password=PASSWORD,
                                        birth_year=1985, resident=True, role=Role.SECRETARY, actor="bench")
    author = accounts.create_account(username="bench-author", display_name="Author", password=PASSWORD,
                                     birth_year=2008, resident=True, actor="bench")
    schedule = Schedule(proposals_end=start + 14 * day, feedback_end=start + 40 * day,
                        review_end=start + 50 * day, voting_end=start + 60 * day, results_end=start + 67 * day)
    cycle_id = cycles.create(secretary, CycleInput(
        title=title, description=description, budget_total=BUDGET, currency="EUR", min_age=13, max_age=29,
        residency_required=True, contact_id=secretary.id, feedback_days=7, categories=categories,
        schedule=schedule), now=start).id
    cycles.advance(secretary, cycle_id, Phase.PROPOSALS, now=start)
    category_ids = [c.id for c in cycles.get(cycle_id).categories]
    costs = {}
    for data in proposals_for(category_ids):
        pid = proposals.create(author, cycle_id, data, submit=True, now=start + day).id
        costs[pid] = data.estimated_cost
    cycles.advance(secretary, cycle_id, Phase.FEEDBACK, now=start + 2 * day)
    cycles.advance(secretary, cycle_id, Phase.REVIEW, now=now - 9 * day)
    for pid, cost in costs.items():
        review.decide(secretary, pid, review.Decision.APPROVE, final_cost=cost, now=now - 8 * day)
    voting.save_settings(secretary, cycle_id, voting.BallotSettings(BallotType.KNAPSACK, min_choices=1))
    cycles.advance(secretary, cycle_id, Phase.VOTING, now=now - 5 * day)
    return cycle_id, costs
