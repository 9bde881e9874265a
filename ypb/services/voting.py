"""The vote: ballot settings, secret ballots cast and replaced, voting codes, turnout.

Secrecy: a ballot is stored under a pseudonym, an HMAC of the voter (account or code)
with a per-cycle key; who took part is stored apart, without choices. When the key is
destroyed (results final), no one can link a ballot to a voter any more.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ypb.database import begin_write
from ypb.domain import codes as code_rules
from ypb.domain import cycle as phase_rules
from ypb.domain.ballot import BallotRules, BallotType, ballot_refusals, rules_refusals, running_total
from ypb.domain.eligibility import age_in_year
from ypb.domain.messages import N_, Refusal
from ypb.domain.turnout import age_band, suppressed
from ypb.extensions import db
from ypb.models import (
    Ballot,
    BallotChoice,
    Budget,
    Cycle,
    Participation,
    Proposal,
    ProposalStatus,
    VotingCode,
    VotingKey,
)
from ypb.models.base import utcnow
from ypb.services import Refused, audit, cycles, use_case


def _refuse(code: str, message: str, field: str | None = None, **params) -> Refused:
    return Refused(Refusal(code, message, params), field=field)


# --- settings --------------------------------------------------------------------------

@dataclass
class BallotSettings:
    ballot_type: BallotType
    min_choices: int = 1
    max_choices: int | None = None
    min_share_percent: int = 0
    points_total: int | None = None
    max_points_per_project: int | None = None
    use_all_points: bool = False
    budget_choice: str = "one"
    budgets: list[tuple[str, int]] | None = None  # (name, amount); None: one budget, the whole amount


def budgets_of(cycle: Cycle) -> list[Budget]:
    """The cycle's budgets; a cycle without any has one implicit budget of its whole amount."""
    if cycle.budgets:
        return list(cycle.budgets)
    return [Budget(id=None, cycle_id=cycle.id, name=cycle.title, amount=cycle.budget_total, position=0)]


def rules_for(cycle: Cycle, budget: Budget) -> BallotRules:
    return BallotRules(
        ballot_type=BallotType(cycle.ballot_type), budget=budget.amount, min_choices=cycle.min_choices,
        max_choices=cycle.max_choices, min_share_percent=cycle.min_share_percent,
        points_total=cycle.points_total, max_points_per_project=cycle.max_points_per_project,
        use_all_points=cycle.use_all_points,
    )


def ballot_ready(cycle: Cycle) -> bool:
    """Settings complete and valid for every budget."""
    if cycle.ballot_type is None:
        return False
    return all(not rules_refusals(rules_for(cycle, b)) for b in budgets_of(cycle))


@use_case
def save_settings(actor, cycle_id: int, data: BallotSettings) -> Cycle:
    begin_write()
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise _refuse("cycle.missing", N_("There is no such budget cycle."))
    if phase_rules.ballot_settings_locked(cycle.phase_enum):
        raise _refuse("ballot.locked", N_("The ballot cannot change once voting has opened: people have already "
                                          "voted on it."))
    cycle.ballot_type = BallotType(data.ballot_type).value
    cycle.min_choices, cycle.max_choices = data.min_choices, data.max_choices
    cycle.min_share_percent = data.min_share_percent
    cycle.points_total, cycle.max_points_per_project = data.points_total, data.max_points_per_project
    cycle.use_all_points = data.use_all_points
    cycle.budget_choice = data.budget_choice if data.budget_choice in ("one", "each") else "one"
    wanted = data.budgets or []
    if len(wanted) > 1 and sum(amount for _, amount in wanted) != cycle.budget_total:
        raise _refuse("ballot.budgets_sum", N_("The budgets must add up to the cycle's total budget."), "budgets")
    existing = {b.name.casefold(): b for b in cycle.budgets}
    kept = []
    for position, (name, amount) in enumerate(wanted if len(wanted) > 1 else []):
        budget = existing.get(name.casefold()) or Budget(name=name, amount=amount)
        budget.name, budget.amount, budget.position = name, amount, position
        kept.append(budget)
    cycle.budgets = kept
    for budget in budgets_of(cycle):
        if found := rules_refusals(rules_for(cycle, budget)):
            raise Refused(*found, field="ballot_type")
    audit.record(actor, "cycle.ballot_settings", f"cycle:{cycle.id}", {
        "ballot_type": cycle.ballot_type, "min": cycle.min_choices, "max": cycle.max_choices,
        "min_share": cycle.min_share_percent, "points": cycle.points_total,
        "max_points": cycle.max_points_per_project, "budgets": [[n, a] for n, a in wanted],
    })
    db.session.commit()
    return cycle


def _ensure_budget_rows(cycle: Cycle) -> list[Budget]:
    """Ballots point at a budget row: create the implicit one when voting begins."""
    if not cycle.budgets:
        cycle.budgets = [Budget(name=cycle.title[:120], amount=cycle.budget_total, position=0)]
        db.session.flush()
    return list(cycle.budgets)


def projects_on_ballot(cycle: Cycle, budget: Budget) -> list[Proposal]:
    """Approved proposals of this budget (all approved ones when the cycle has one budget)."""
    stmt = select(Proposal).where(Proposal.cycle_id == cycle.id, Proposal.status == ProposalStatus.APPROVED.value)
    if len(budgets_of(cycle)) > 1:
        stmt = stmt.where(Proposal.budget_id == budget.id)
    return list(db.session.scalars(stmt.order_by(Proposal.id)))


# --- keys and pseudonyms ---------------------------------------------------------------

def _key(cycle_id: int) -> bytes:
    row = db.session.get(VotingKey, cycle_id)
    if row is None:
        row = VotingKey(cycle_id=cycle_id, key=secrets.token_bytes(32))
        db.session.add(row)
        db.session.flush()
    if row.key is None:
        raise _refuse("vote.sealed", N_("This vote is sealed: the results are final."))
    return row.key


def _hmac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


@use_case
def destroy_key(actor, cycle_id: int, now: datetime | None = None) -> None:
    """Make ballots unlinkable for good (called when results are final)."""
    begin_write()
    row = db.session.get(VotingKey, cycle_id)
    if row is not None and row.key is not None:
        row.key, row.destroyed_at = None, now or utcnow()
        audit.record(actor, "vote.key_destroyed", f"cycle:{cycle_id}")
    db.session.commit()


@dataclass(frozen=True)
class Voter:
    """Who is voting: a signed-in account, or the holder of a voting code."""

    user: object | None = None
    code: VotingCode | None = None

    @property
    def channel(self) -> str:
        return "code" if self.code is not None else "online"

    def subject(self) -> str:
        return f"code:{self.code.id}" if self.code is not None else f"user:{self.user.id}"


def pseudonym(cycle_id: int, voter: Voter) -> str:
    return _hmac(_key(cycle_id), voter.subject())


# --- voting codes ------------------------------------------------------------------------

def _code_hash(cycle_id: int, code: str) -> str:
    return _hmac(_key(cycle_id), f"voting-code:{code}")


@use_case
def generate_codes(actor, cycle_id: int, count: int, label: str | None = None,
                   now: datetime | None = None) -> list[str]:
    """New codes for a cycle; the plain codes are returned once and never stored."""
    if not 1 <= count <= 5000:
        raise _refuse("codes.count", N_("Make between 1 and 5000 codes at a time."), "count")
    begin_write()
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise _refuse("cycle.missing", N_("There is no such budget cycle."))
    if cycle.phase_enum in (phase_rules.Phase.RESULTS, phase_rules.Phase.IMPLEMENTATION, phase_rules.Phase.CLOSED):
        raise _refuse("codes.phase", N_("Voting is over: no new codes can be made."))
    plain = [code_rules.new_code() for _ in range(count)]
    label = (label or "").strip()[:120] or None
    db.session.add_all(VotingCode(cycle_id=cycle.id, code_hash=_code_hash(cycle.id, c), label=label,
                                  created_at=now or utcnow()) for c in plain)
    audit.record(actor, "codes.generate", f"cycle:{cycle.id}", {"count": count, "label": label})
    db.session.commit()
    return plain


def find_code(cycle_id: int, typed: str) -> VotingCode | None:
    """The valid (unrevoked) code of this cycle matching what was typed, else None."""
    code = code_rules.normalise(typed or "")
    if code is None:
        return None
    row = db.session.get(VotingKey, cycle_id)
    if row is None or row.key is None:
        return None
    found = db.session.scalars(select(VotingCode).where(
        VotingCode.cycle_id == cycle_id, VotingCode.code_hash == _hmac(row.key, f"voting-code:{code}"))).first()
    return found if found is not None and found.revoked_at is None else None


@use_case
def revoke_codes(actor, cycle_id: int, code_ids: list[int], now: datetime | None = None) -> int:
    begin_write()
    rows = db.session.scalars(select(VotingCode).where(VotingCode.cycle_id == cycle_id,
                                                       VotingCode.id.in_(code_ids),
                                                       VotingCode.revoked_at.is_(None))).all()
    for row in rows:
        row.revoked_at = now or utcnow()
    audit.record(actor, "codes.revoke", f"cycle:{cycle_id}", {"count": len(rows)})
    db.session.commit()
    return len(rows)


# --- casting -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Receipt:
    budget_id: int
    picks: int
    version: int


def _voting_open(cycle: Cycle, now: datetime) -> None:
    if not phase_rules.can_vote(cycles.state_of(cycle), now):
        raise _refuse("vote.closed", N_("Voting is not open in this budget cycle."))


def check_voter(cycle: Cycle, voter: Voter, now: datetime) -> None:
    if voter.code is not None:
        if voter.code.cycle_id != cycle.id or voter.code.revoked_at is not None:
            raise _refuse("vote.code", N_("This voting code is not valid for this vote."))
        return
    if refusals := cycles.eligibility(cycle, voter.user, now):
        raise Refused(*refusals)


@use_case
def cast(voter: Voter, cycle_id: int, budget_id: int | None, choices: dict[int, int],
         now: datetime | None = None) -> Receipt:
    """Record this voter's ballot, replacing their earlier one: only the last one counts.

    The checks run inside the write transaction that stores the ballot, so a ballot is
    never stored against rules it was not checked with. Repeating the same submit has one
    effect: the stored choices are the same afterwards.
    """
    now = now or utcnow()
    begin_write()
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise _refuse("cycle.missing", N_("There is no such budget cycle."))
    _voting_open(cycle, now)
    check_voter(cycle, voter, now)
    budgets = _ensure_budget_rows(cycle)
    budget = next((b for b in budgets if b.id == budget_id), budgets[0] if budget_id is None else None)
    if budget is None:
        raise _refuse("vote.budget", N_("Choose one of this vote's budgets."), "budget")
    projects = projects_on_ballot(cycle, budget)
    costs = {p.id: p.final_cost for p in projects}
    if refusals := ballot_refusals(rules_for(cycle, budget), choices, costs):
        raise Refused(*refusals)

    name = pseudonym(cycle.id, voter)
    if cycle.budget_choice == "one":
        # Voting in one chosen budget: a ballot in another budget is replaced by this one.
        other_ids = [b.id for b in budgets if b.id != budget.id]
        if other_ids:
            db.session.execute(delete(Ballot).where(Ballot.budget_id.in_(other_ids), Ballot.pseudonym == name))
    ballot = db.session.scalars(select(Ballot).where(Ballot.budget_id == budget.id, Ballot.pseudonym == name)
                                .with_for_update()).first()
    if ballot is None:
        ballot = Ballot(budget_id=budget.id, pseudonym=name, channel=voter.channel, version=1)
        db.session.add(ballot)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:
            # Another request of the same voter stored first: replace that one instead.
            ballot = db.session.scalars(select(Ballot).where(Ballot.budget_id == budget.id,
                                                             Ballot.pseudonym == name).with_for_update()).one()
    else:
        ballot.version += 1
    ballot.choices = [BallotChoice(proposal_id=pid, points=points) for pid, points in sorted(choices.items())]
    _record_participation(cycle, voter, now)
    db.session.commit()
    return Receipt(budget_id=budget.id, picks=len(choices), version=ballot.version)


def _record_participation(cycle: Cycle, voter: Voter, now: datetime) -> None:
    column, value = (Participation.code_id, voter.code.id) if voter.code else (Participation.user_id, voter.user.id)
    if db.session.scalar(select(Participation.id).where(Participation.cycle_id == cycle.id, column == value)):
        return
    band = None
    if voter.user is not None:
        closing = cycle.voting_end or now
        band = age_band(age_in_year(voter.user.birth_year, closing.date()))
    row = Participation(cycle_id=cycle.id, channel=voter.channel, age_band=band,
                        user_id=voter.user.id if voter.user else None, code_id=voter.code.id if voter.code else None)
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        pass  # a parallel request of the same voter recorded it first


def my_ballots(cycle_id: int, voter: Voter) -> dict[int, dict[int, int]]:
    """The voter's own current choices by budget, for the voter alone to see."""
    row = db.session.get(VotingKey, cycle_id)
    if row is None or row.key is None:
        return {}
    name = _hmac(row.key, voter.subject())
    ballots = db.session.scalars(select(Ballot).join(Budget).where(Budget.cycle_id == cycle_id,
                                                                   Ballot.pseudonym == name))
    return {b.budget_id: {c.proposal_id: c.points for c in b.choices} for b in ballots}


def has_voted(cycle_id: int, voter: Voter) -> bool:
    column, value = (Participation.code_id, voter.code.id) if voter.code else (Participation.user_id, voter.user.id)
    return db.session.scalar(select(Participation.id).where(Participation.cycle_id == cycle_id,
                                                            column == value)) is not None


def preview(cycle: Cycle, budget: Budget, choices: dict[int, int]):
    """The running total the ballot page shows (the same rules as `cast`)."""
    projects = projects_on_ballot(cycle, budget)
    return running_total(rules_for(cycle, budget), choices, {p.id: p.final_cost for p in projects})


# --- turnout and totals ---------------------------------------------------------------------

def turnout(cycle_id: int) -> dict:
    """Public at any time: how many took part, by channel and age band (small cells hidden)."""
    by_channel = dict(db.session.execute(select(Participation.channel, func.count())
                                         .where(Participation.cycle_id == cycle_id)
                                         .group_by(Participation.channel)).all())
    paper = db.session.scalar(select(func.count(Ballot.id)).join(Budget).where(
        Budget.cycle_id == cycle_id, Ballot.channel == "paper")) or 0
    bands = dict(db.session.execute(select(Participation.age_band, func.count())
                                    .where(Participation.cycle_id == cycle_id, Participation.age_band.is_not(None))
                                    .group_by(Participation.age_band)).all())
    online, code = by_channel.get("online", 0), by_channel.get("code", 0)
    return {"total": online + code + paper, "online": online, "code": code, "paper": paper,
            "age_bands": suppressed(dict(sorted(bands.items())))}


def totals(cycle_id: int) -> dict[int, dict[int, int]]:
    """Votes (or points) per project by budget — only once voting has closed."""
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None or not phase_rules.vote_totals_visible(cycle.phase_enum):
        raise _refuse("vote.totals_hidden", N_("Vote totals are published when voting has closed."))
    rows = db.session.execute(
        select(Ballot.budget_id, BallotChoice.proposal_id, func.sum(BallotChoice.points))
        .join(BallotChoice, BallotChoice.ballot_id == Ballot.id).join(Budget, Budget.id == Ballot.budget_id)
        .where(Budget.cycle_id == cycle_id).group_by(Ballot.budget_id, BallotChoice.proposal_id)).all()
    result: dict[int, dict[int, int]] = {}
    for budget_id, proposal_id, points in rows:
        result.setdefault(budget_id, {})[proposal_id] = int(points)
    return result
