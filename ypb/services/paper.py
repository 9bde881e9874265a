"""Paper ballots: numbered batches the secretary types in, checked like online ballots.

A batch is saved whole: saving it again REPLACES its ballots (a correction), in one write
transaction with one audit entry that carries the batch's number, its size and a SHA-256
of its content (and of the content it replaced), so any later change to stored paper
ballots shows against the audit trail. Batches can be saved and deleted while the cycle is
in voting or results, until the results are ratified ("until the tally").

Paper ballots are ordinary `Ballot` rows with channel "paper", the batch's id and a
pseudonym per slot, "paper:<batch id>:<n>": no person stands behind a paper ballot, so
there is nothing to hide in it. They count in the totals and in `voting.turnout`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ypb.database import begin_write
from ypb.domain.audit import canonical_json
from ypb.domain.ballot import BallotType, ballot_refusals
from ypb.domain.cycle import Phase
from ypb.domain.messages import N_, Refusal
from ypb.domain.paper import format_batch, parse_batch
from ypb.extensions import db
from ypb.models import Ballot, BallotChoice, Budget, Cycle, PaperBatch, Proposal
from ypb.models.base import utcnow
from ypb.services import Refused, audit, refuse, use_case
from ypb.services.voting import _ensure_budget_rows, budgets_of, projects_on_ballot, rules_for

MAX_NUMBER = 99_999
MAX_LABEL = 120  # the column's length
MAX_BALLOTS = 2_000  # per batch: a bundle of paper, not the whole vote
MAX_SHOWN = 20  # refusals listed for one save; the rest are counted


@dataclass(frozen=True)
class BallotProblem:
    """One ballot's refusal inside "Ballot n: …". `str()` gives it in the reader's
    language, so the generic `refusal_text` shows the whole sentence; a caller that
    formats money params renders `refusal` itself."""

    refusal: Refusal

    def __str__(self) -> str:
        return gettext(self.refusal.message, **self.refusal.params)


@dataclass(frozen=True)
class BatchRow:
    number: int
    label: str | None
    budget_name: str
    count: int
    updated_at: datetime



# --- reading ---------------------------------------------------------------------------

def entry_refusal(cycle: Cycle) -> Refusal | None:
    """Why paper ballots cannot be typed in or changed now (None: they can)."""
    if cycle.phase_enum not in (Phase.VOTING, Phase.RESULTS):
        if cycle.phase_enum in (Phase.IMPLEMENTATION, Phase.CLOSED):
            return Refusal("paper.final", N_("The results are final: paper ballots can no longer change."))
        return Refusal("paper.not_yet", N_("Paper ballots can be typed in once voting has opened."))
    if cycle.results_ratified:
        return Refusal("paper.final", N_("The results are final: paper ballots can no longer change."))
    return None


def batches(cycle_id: int) -> list[BatchRow]:
    """The cycle's batches by number, with how many ballots each holds."""
    counts = (select(Ballot.paper_batch_id, func.count(Ballot.id).label("n"))
              .where(Ballot.paper_batch_id.is_not(None)).group_by(Ballot.paper_batch_id).subquery())
    rows = db.session.execute(
        select(PaperBatch, Budget.name, func.coalesce(counts.c.n, 0))
        .join(Budget, Budget.id == PaperBatch.budget_id)
        .outerjoin(counts, counts.c.paper_batch_id == PaperBatch.id)
        .where(PaperBatch.cycle_id == cycle_id).order_by(PaperBatch.number)
    ).all()
    return [BatchRow(b.number, b.label, name, int(n), b.updated_at) for b, name, n in rows]


def get_batch(cycle_id: int, number: int) -> PaperBatch | None:
    return db.session.scalars(select(PaperBatch).where(PaperBatch.cycle_id == cycle_id,
                                                       PaperBatch.number == number)).first()


def next_number(cycle_id: int) -> int:
    highest = db.session.scalar(select(func.max(PaperBatch.number)).where(PaperBatch.cycle_id == cycle_id))
    return min((highest or 0) + 1, MAX_NUMBER)


def legends(cycle: Cycle) -> list[tuple[Budget, list[Proposal]]]:
    """Each budget with its projects in legend order (legend number = position + 1)."""
    return [(budget, projects_on_ballot(cycle, budget)) for budget in budgets_of(cycle)]


def uses_points(cycle: Cycle) -> bool:
    return cycle.ballot_type == BallotType.CUMULATIVE.value


def batch_text(cycle: Cycle, batch: PaperBatch) -> str:
    """The batch as the lines the secretary typed (for correcting it)."""
    budget = db.session.get(Budget, batch.budget_id)
    legend = [p.id for p in projects_on_ballot(cycle, budget)]
    ballots = [{c.proposal_id: c.points for c in b.choices} for b in batch.ballots]
    return format_batch(ballots, legend, points=uses_points(cycle))


def digest(budget_id: int, ballots: list[dict[int, int]]) -> str:
    """SHA-256 of a batch's content: its budget and each ballot's choices, in order."""
    content = {"budget": budget_id,
               "ballots": [sorted([pid, points] for pid, points in b.items()) for b in ballots]}
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


# --- writing ---------------------------------------------------------------------------

def _open_cycle(cycle_id: int) -> Cycle:
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise refuse("cycle.missing", N_("There is no such budget cycle."))
    if (why := entry_refusal(cycle)) is not None:
        raise Refused(why)
    return cycle


def _budget(cycle: Cycle, budget_id: int | None) -> Budget:
    budgets = _ensure_budget_rows(cycle)
    budget = next((b for b in budgets if b.id == budget_id), budgets[0] if budget_id is None else None)
    if budget is None:
        raise refuse("paper.budget", N_("Choose one of this vote's budgets."), "budget_id")
    return budget


def _header(number: int, label: str | None) -> str | None:
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_NUMBER:
        raise refuse("paper.number", N_("Give the batch a number from 1 to %(max)s."), "number", max=MAX_NUMBER)
    label = " ".join((label or "").split())
    if len(label) > MAX_LABEL:
        raise refuse("paper.label", N_("Keep the label under %(max)s characters."), "label", max=MAX_LABEL)
    return label or None


def _capped(refusals: list[Refusal]) -> list[Refusal]:
    if len(refusals) <= MAX_SHOWN:
        return refusals
    more = len(refusals) - MAX_SHOWN
    return refusals[:MAX_SHOWN] + [Refusal("paper.more", N_("…and %(more)s more problems further down."),
                                           {"more": more})]


def _size_check(ballots: list) -> None:
    if not ballots:
        raise refuse("paper.empty", N_("Type at least one ballot."), "ballots")
    if len(ballots) > MAX_BALLOTS:
        raise refuse("paper.too_many", N_("A batch can hold at most %(max)s ballots. Split it into several "
                                           "batches."), "ballots", max=MAX_BALLOTS)


def _rule_refusals(cycle: Cycle, budget: Budget, ballots: list[dict[int, int]],
                   skip: frozenset[int] = frozenset()) -> list[Refusal]:
    """Each ballot checked by the online rules; `skip` holds ballot numbers already refused."""
    rules = rules_for(cycle, budget)
    costs = {p.id: p.final_cost for p in projects_on_ballot(cycle, budget)}
    found = []
    for n, choices in enumerate(ballots, start=1):
        if n in skip:
            continue
        for inner in ballot_refusals(rules, choices, costs):
            # The inner code stays, so callers can tell "too many" from "over budget".
            found.append(Refusal(inner.code, N_("Ballot %(n)s: %(problem)s"),
                                 {"n": n, "problem": BallotProblem(inner)}))
    return found


def _exists(number: int) -> Refused:
    return refuse("paper.exists", N_("Batch %(number)s already exists. Open it from the list to correct it, "
                                      "or give this batch another number."), "number", number=number)


def _refuse_taken(cycle: Cycle, number: int, new: bool) -> None:
    # Before the ballots are checked, so nobody fixes every line only to hear this then.
    if new and get_batch(cycle.id, number) is not None:
        raise _exists(number)


def _store(actor, cycle: Cycle, budget: Budget, number: int, label: str | None,
           ballots: list[dict[int, int]], new: bool, now: datetime) -> PaperBatch:
    batch = get_batch(cycle.id, number)
    if batch is not None and new:
        raise _exists(number)
    previous = None
    if batch is None:
        batch = PaperBatch(cycle_id=cycle.id, number=number, budget_id=budget.id, created_at=now)
        db.session.add(batch)
        try:
            db.session.flush()
        except IntegrityError:
            # Another secretary saved this number a moment ago (PostgreSQL lets both get here).
            raise _exists(number) from None
    else:
        old = [{c.proposal_id: c.points for c in b.choices} for b in batch.ballots]
        previous = {"count": len(old), "sha256": digest(batch.budget_id, old)}
        # The old ballots go first: the new ones reuse their pseudonyms (one per slot).
        batch.ballots.clear()
        db.session.flush()
    batch.budget_id, batch.label, batch.updated_at = budget.id, label, now
    batch.ballots = [
        Ballot(budget_id=budget.id, pseudonym=f"paper:{batch.id}:{n}", channel="paper", version=1,
               choices=[BallotChoice(proposal_id=pid, points=points) for pid, points in sorted(choices.items())])
        for n, choices in enumerate(ballots, start=1)
    ]
    audit.record(actor, "paper.batch_corrected" if previous else "paper.batch_saved", f"cycle:{cycle.id}", {
        "number": number, "label": label, "budget": budget.id, "count": len(ballots),
        "sha256": digest(budget.id, ballots), "replaced": previous,
    })
    db.session.commit()
    return batch


@use_case
def save_batch(actor, cycle_id: int, number: int, label: str | None, budget_id: int | None,
               ballots: list[dict[int, int]], *, new: bool = False, now: datetime | None = None) -> PaperBatch:
    """Create batch `number`, or replace its ballots when it exists (a correction).

    `ballots` holds each ballot's choices (project id -> points), in the order of the
    stack; each is checked by the same rules as an online ballot, and a refusal names the
    ballot's position ("Ballot 7: …", params {"n": 7, "problem": …}). Nothing is stored
    unless every ballot is valid. With `new`, an existing number is refused instead of
    replaced (the form for a new batch must not overwrite one by a typo).
    """
    now = now or utcnow()
    begin_write()
    cycle = _open_cycle(cycle_id)
    label = _header(number, label)
    _refuse_taken(cycle, number, new)
    budget = _budget(cycle, budget_id)
    ballots = [dict(b) for b in ballots]
    _size_check(ballots)
    if found := _rule_refusals(cycle, budget, ballots):
        raise Refused(*_capped(found), field="ballots")
    return _store(actor, cycle, budget, number, label, ballots, new, now)


@use_case
def save_batch_text(actor, cycle_id: int, number: int, label: str | None, budget_id: int | None, text: str,
                    *, new: bool = False, now: datetime | None = None) -> PaperBatch:
    """`save_batch` from typed lines (see `ypb.domain.paper`), read against the legend of
    the chosen budget inside the same transaction that stores them."""
    now = now or utcnow()
    begin_write()
    cycle = _open_cycle(cycle_id)
    label = _header(number, label)
    _refuse_taken(cycle, number, new)
    budget = _budget(cycle, budget_id)
    legend = [p.id for p in projects_on_ballot(cycle, budget)]
    parsed = parse_batch(text, legend, points=uses_points(cycle))
    ballots = list(parsed.ballots)
    _size_check(ballots)
    # Every problem at once, in line order: lines not understood, then the rules for the rest.
    unread = frozenset(r.params["n"] for r in parsed.refusals)
    found = sorted([*parsed.refusals, *_rule_refusals(cycle, budget, ballots, skip=unread)],
                   key=lambda r: r.params["n"])
    if found:
        raise Refused(*_capped(found), field="ballots")
    return _store(actor, cycle, budget, number, label, ballots, new, now)


@use_case
def delete_batch(actor, cycle_id: int, number: int) -> None:
    begin_write()
    cycle = _open_cycle(cycle_id)
    batch = get_batch(cycle.id, number)
    if batch is None:
        raise refuse("paper.missing", N_("There is no batch %(number)s."), number=number)
    old = [{c.proposal_id: c.points for c in b.choices} for b in batch.ballots]
    audit.record(actor, "paper.batch_deleted", f"cycle:{cycle.id}", {
        "number": number, "label": batch.label, "budget": batch.budget_id, "count": len(old),
        "sha256": digest(batch.budget_id, old),
    })
    db.session.delete(batch)
    db.session.commit()
