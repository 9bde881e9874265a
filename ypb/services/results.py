"""Results: the tally when voting closes (draft), its ratification, and the anonymised ballots file.

When a cycle moves from voting to results, `compute` runs the cycle's counting rule on every
budget and stores a `TallyResult` with each project's reason. The results are a draft during the
short feedback window (`results_end`); then the secretary ratifies them (`ratify`), after which
work on the projects may start. Draft results are public: feedback before approval.

`pb_file` writes a budget's ballots in Pabulib's `.pb` format: no voter ids, no timestamps, no
channel, in the order of the ballots' random ids (a shuffle unrelated to when or how anyone
voted), so anyone can re-count with pabutools or `flask --app app ypb tally`. The SHA-256 of
that exact text is stored with the result and shown on the results page.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ypb.database import begin_write
from ypb.domain import cycle as phase_rules
from ypb.domain.ballot import BallotType
from ypb.domain.competition import hundredths
from ypb.domain.explain import AMOUNT_PARAMS, RULES, explain
from ypb.domain.messages import N_
from ypb.domain.pabulib import Ballot as PbBallot
from ypb.domain.pabulib import Instance, Project
from ypb.extensions import db
from ypb.models import Ballot, Budget, Cycle, Proposal, TallyResult
from ypb.models.base import utcnow
from ypb.services import Refused, audit, competition, cycles, refuse, use_case, voting


@dataclass(frozen=True)
class BudgetResult:
    budget: Budget
    result: TallyResult
    proposals: dict[int, Proposal]


def _vote_type(cycle: Cycle) -> str:
    return "cumulative" if cycle.ballot_type == BallotType.CUMULATIVE.value else "approval"


def money_unit(budget: Budget, proposals) -> int:
    """100 when every amount is whole (in currency units), else 1: the tally's and the file's unit.

    The add1 completion raises every share by one unit per step; the official rule (Assen,
    Świecie, Wieliczka) uses one whole currency unit, and a re-count of the published file
    must use the same step, so the file is written in that unit too.
    """
    amounts = [budget.amount, *((p.final_cost or 0) for p in proposals)]
    return 100 if all(a % 100 == 0 for a in amounts) else 1


def instance_for(cycle: Cycle, budget: Budget) -> tuple[Instance, list[PbBallot], dict[int, Proposal]]:
    """One budget's projects and ballots as the tally sees them (project ids are proposal ids).

    Amounts are in `money_unit` (whole currency units when all amounts are whole).
    """
    proposals = {p.id: p for p in voting.projects_on_ballot(cycle, budget)}
    unit = money_unit(budget, proposals.values())
    projects = {str(pid): Project(str(pid), (p.final_cost or 0) // unit, p.title) for pid, p in proposals.items()}
    meta = {"description": cycle.title, "budget": str(budget.amount // unit), "vote_type": _vote_type(cycle)}
    instance = Instance(meta, projects, budget.amount // unit, _vote_type(cycle))
    rows = db.session.scalars(select(Ballot).where(Ballot.budget_id == budget.id).order_by(Ballot.id))
    ballots = []
    for number, ballot in enumerate(rows, start=1):
        choices = {str(c.proposal_id): c.points for c in sorted(ballot.choices, key=lambda c: c.proposal_id)
                   if c.points > 0 and str(c.proposal_id) in projects}
        ballots.append(PbBallot(str(number), choices))
    return instance, ballots, proposals


def compute(cycle: Cycle, now: datetime) -> list[TallyResult]:
    """Tally every budget of the cycle (inside the caller's transaction); existing results stay."""
    stored = []
    # A vote nobody cast in still gets its (empty) result: the implicit budget row comes with the first ballot.
    voting._ensure_budget_rows(cycle)
    for budget in voting.budgets_of(cycle):
        existing = db.session.scalar(select(TallyResult).where(TallyResult.budget_id == budget.id))
        if existing is not None:
            stored.append(existing)
            continue
        instance, ballots, proposals = instance_for(cycle, budget)
        unit = money_unit(budget, proposals.values())
        jury = competition.jury_for(cycle, proposals) if competition.is_competition(cycle) else None
        explained = explain(instance, ballots, cycle.tally_rule, cycle.tally_threshold, jury=jury)
        rows = [
            {"proposal_id": int(r.id), "cost": r.cost * unit, "votes": r.votes, "points": r.points,
             "funded": r.funded, "reason": r.reason.code,
             "params": {k: v * unit if k in AMOUNT_PARAMS else v for k, v in r.reason.params.items()},
             **(_competition_row(r) if jury is not None else {})}
            for r in explained.rows
        ]
        what_if = dict(explained.what_if, selected=[int(p) for p in explained.what_if["selected"]],
                       spent=explained.what_if["spent"] * unit)
        if explained.comparison:
            what_if["comparison"] = explained.comparison
        text = pb_text(cycle, budget, instance, ballots, explained.selected)
        result = TallyResult(
            cycle_id=cycle.id, budget_id=budget.id, rule=cycle.tally_rule, computed_at=now,
            voters=len(ballots), budget_amount=budget.amount, spent=explained.spent * unit,
            selected=[int(p) for p in explained.selected], rows=rows, what_if=what_if,
            pb_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )
        db.session.add(result)
        stored.append(result)
    return stored


def _competition_row(row) -> dict:
    """What the results page shows of a competition besides the votes: the place, the jury
    mean (None: nobody scored it) and the combined score out of 100, both in hundredths."""
    return {"rank": row.rank, "jurors": row.jurors,
            "jury_mean": hundredths(row.jury_mean) if row.jury_mean is not None else None,
            "score": hundredths(row.score)}


def results_of(cycle: Cycle) -> list[BudgetResult]:
    """The stored results, one per budget; empty before voting has closed."""
    if not phase_rules.vote_totals_visible(cycle.phase_enum):
        return []
    found = []
    for budget in voting.budgets_of(cycle):
        result = db.session.scalar(select(TallyResult).where(TallyResult.budget_id == budget.id))
        if result is not None:
            ids = [row["proposal_id"] for row in result.rows]
            proposals = {p.id: p for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(ids)))}
            found.append(BudgetResult(budget, result, proposals))
    return found


def ratify_refusals(cycle: Cycle, now: datetime):
    return phase_rules.ratify_refusals(cycles.state_of(cycle), now)


@use_case
def ratify(actor, cycle_id: int, now: datetime | None = None) -> Cycle:
    """Confirm the draft results once their feedback window has run."""
    now = now or utcnow()
    begin_write()
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise refuse("cycle.missing", N_("There is no such budget cycle."))
    _confirm(actor, cycle, now, {})
    db.session.commit()
    return cycle


def confirm_by_decision(actor, cycle: Cycle, now: datetime, decision_number: str) -> None:
    """Confirm the results as a published council decision orders, in the caller's transaction."""
    _confirm(actor, cycle, now, {"decision": decision_number})


def _confirm(actor, cycle: Cycle, now: datetime, extra: dict) -> None:
    refusals = phase_rules.ratify_refusals(cycles.state_of(cycle), now)
    if refusals:
        raise Refused(*refusals)
    stored = results_of(cycle)
    if not stored:
        raise refuse("results.missing", N_("There are no results to confirm yet."))
    cycle.results_ratified = True
    cycle.results_ratified_at = now
    cycle.results_ratified_by_id = getattr(actor, "id", None)
    entry = audit.record(actor, "results.ratify", f"cycle:{cycle.id}",
                         {**{r.budget.name: r.result.pb_sha256 for r in stored}, **extra})
    for r in stored:
        r.result.chain_head = f"{entry.seq}:{entry.hash}"


def pb_file(cycle: Cycle, budget: Budget) -> str:
    """The published anonymised ballots of one budget, as stored when the tally ran."""
    result = db.session.scalar(select(TallyResult).where(TallyResult.budget_id == budget.id))
    if result is None or not phase_rules.vote_totals_visible(cycle.phase_enum):
        raise refuse("results.missing", N_("The ballots are published when voting has closed."))
    instance, ballots, _ = instance_for(cycle, budget)
    return pb_text(cycle, budget, instance, ballots, [str(p) for p in result.selected])


def pb_text(cycle: Cycle, budget: Budget, instance: Instance, ballots: list[PbBallot], selected) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    cumulative = instance.vote_type == "cumulative"
    rule = RULES[cycle.tally_rule]
    meta = [
        ("description", cycle.title if len(voting.budgets_of(cycle)) == 1 else f"{cycle.title}: {budget.name}"),
        ("instance", str(cycle.created_at.year)),
        ("num_projects", str(len(instance.projects))),
        ("num_votes", str(len(ballots))),
        ("budget", str(instance.budget)),
        ("vote_type", instance.vote_type),
        ("rule", "greedy-threshold" if rule == "greedy" and cycle.tally_threshold else rule),
        ("currency", cycle.currency),
        ("comment", "#1: amounts in " + ("whole currency units" if instance.budget * 100 == budget.amount
                                         else "minor units (cents)") + "; ballots in a random order"
         + ("; #2: a competition: the projects were ranked by the jury's scores together with these votes; "
            "the jury's scores are not in this file, so only the votes can be counted again"
            if rule == "competition" else "")),
        ("min_length", str(cycle.min_choices)),
    ]
    if cycle.tally_threshold and cycle.tally_rule == "greedy":
        meta.append(("min_project_score_threshold", str(cycle.tally_threshold)))
    if cycle.max_choices:
        meta.append(("max_length", str(cycle.max_choices)))
    if cumulative and cycle.points_total:
        meta.append(("max_sum_points", str(cycle.points_total)))
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(meta)
    votes = dict.fromkeys(instance.projects, 0)
    score = dict.fromkeys(instance.projects, 0)
    for ballot in ballots:
        for pid, points in ballot.choices.items():
            votes[pid] += 1
            score[pid] += points
    chosen = set(selected)
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", "votes", *(["score"] if cumulative else []), "name", "selected"])
    for pid, project in instance.projects.items():
        writer.writerow([pid, project.cost, votes[pid], *([score[pid]] if cumulative else []), project.name,
                         int(pid in chosen)])
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote", *(["points"] if cumulative else [])])
    for ballot in ballots:
        row = [ballot.voter_id, ",".join(ballot.choices)]
        if cumulative:
            row.append(",".join(str(p) for p in ballot.choices.values()))
        writer.writerow(row)
    return out.getvalue()
