"""Open data: a public cycle's proposals, results and anonymised ballots as plain rows.

Rows are dicts with the same keys for the CSV and the JSON files. Amounts are integer minor
units (cents), as everywhere in ypb. Only what the public pages show goes out: published
proposals (never drafts) with their author's display name, the stored results once voting
has closed, and the ballots as in the published `.pb` file (no voter, no time, no channel).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ypb.extensions import db
from ypb.models import Ballot, BallotChoice, Cycle, Proposal, ProposalStatus
from ypb.services import public_data, results, voting

PROPOSAL_FIELDS = ("id", "title", "summary", "category", "status", "author", "group", "estimated_cost",
                   "final_cost", "decision_reason")
RESULT_FIELDS = ("budget", "project_id", "title", "cost", "votes", "points", "funded", "reason", "rule",
                 "ratified")
BALLOT_FIELDS = ("budget", "ballot", "project_id", "points")


def cycle(cycle_id: int) -> Cycle | None:
    """A public cycle (never a draft, whoever asks: open data is the same for everyone)."""
    return public_data.cycle(cycle_id)


def proposals(found: Cycle) -> list[dict]:
    """Published proposals (withdrawn ones included, as on the public pages), oldest first."""
    rows = db.session.scalars(
        select(Proposal).where(Proposal.cycle_id == found.id, Proposal.submitted_at.is_not(None),
                               Proposal.status != ProposalStatus.DRAFT.value)
        .options(selectinload(Proposal.author), selectinload(Proposal.category))
        .order_by(Proposal.submitted_at, Proposal.id))
    return [{
        "id": p.id,
        "title": p.title,
        "summary": p.summary,
        "category": p.category.name if p.category else None,
        "status": p.status,
        "author": p.author.display_name if p.author else None,
        "group": p.group_name,
        "estimated_cost": p.estimated_cost,
        "final_cost": p.final_cost,
        "decision_reason": p.decision_reason,
    } for p in rows]


def results_visible(found: Cycle) -> bool:
    return bool(results.results_of(found))


def result_budgets(found: Cycle) -> list[dict]:
    """Per budget: its totals and one row per project; empty until voting has closed."""
    budgets = []
    for item in results.results_of(found):
        result = item.result
        rows = [{
            "budget": item.budget.name,
            "project_id": row["proposal_id"],
            "title": item.proposals[row["proposal_id"]].title,
            "cost": row["cost"],
            "votes": row["votes"],
            "points": row["points"],
            "funded": row["funded"],
            "reason": row["reason"],
            "reason_params": row["params"],
            "rule": result.rule,
            "ratified": found.results_ratified,
        } for row in result.rows]
        budgets.append({
            "name": item.budget.name, "amount": result.budget_amount, "rule": result.rule,
            "threshold": found.tally_threshold, "voters": result.voters, "spent": result.spent,
            "selected": result.selected, "ratified": found.results_ratified, "pb_sha256": result.pb_sha256,
            "projects": rows,
        })
    return budgets


def ballot_rows(found: Cycle) -> Iterator[dict]:
    """One row per choice, ballots numbered per budget in the order of the `.pb` file (by ballot id).

    A blank ballot still gets its number, in a row without a project. Call only once
    `results_visible` is true.
    """
    for budget in voting.budgets_of(found):
        if budget.id is None:
            continue  # an implicit budget nobody voted in has no ballots
        on_ballot = {p.id for p in voting.projects_on_ballot(found, budget)}
        # One query, in file order; choices sorted by project as in the .pb file.
        stmt = (select(Ballot.id, BallotChoice.proposal_id, BallotChoice.points)
                .outerjoin(BallotChoice, BallotChoice.ballot_id == Ballot.id)
                .where(Ballot.budget_id == budget.id)
                .order_by(Ballot.id, BallotChoice.proposal_id))
        number, current, wrote = 0, None, False
        for ballot_id, proposal_id, points in db.session.execute(stmt):
            if ballot_id != current:
                if current is not None and not wrote:
                    yield {"budget": budget.name, "ballot": number, "project_id": None, "points": None}
                number, current, wrote = number + 1, ballot_id, False
            if proposal_id in on_ballot and points > 0:
                wrote = True
                yield {"budget": budget.name, "ballot": number, "project_id": proposal_id, "points": points}
        if current is not None and not wrote:
            yield {"budget": budget.name, "ballot": number, "project_id": None, "points": None}
