"""The vote: ballot settings, secret ballots cast and replaced, voting codes, turnout.

Secrecy: a ballot is stored under a pseudonym, an HMAC of the voter (account or code)
with a per-cycle key; who took part is stored apart, without choices. When the key is
destroyed (results final), no one can link a ballot to a voter any more. Nothing else
may link them either: a ballot gets a random id (sequential ids would pair the n-th
ballot with the n-th participation row), and casting writes no audit entry.

Concurrency (one counted ballot per voter and budget, replaced atomically): `cast` runs
its checks and its writes in one write transaction. On SQLite that transaction is
`BEGIN IMMEDIATE`, so casts queue one after another. On PostgreSQL it takes, in this
order: a share lock on the cycle row (closing the vote waits for ballots being cast, and
a ballot cast after the close sees the new phase), a share lock on the voting code row
(revoking it waits), and an exclusive lock on the voter's participation row, so two
requests of one voter (double tap, retry, two tabs) run one after the other. Rows that
the first ballots of a cycle create (its budget row, its key) are inserted with "on
conflict do nothing", so two first voters at once do not fail.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from ypb.database import begin_write, database_now
from ypb.domain import codes as code_rules
from ypb.domain import cycle as phase_rules
from ypb.domain.ballot import BallotRules, BallotType, ballot_refusals, rules_refusals, running_total
from ypb.domain.eligibility import age_in_year
from ypb.domain.explain import RULES
from ypb.domain.messages import N_
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
from ypb.models.voting import VoteReceipt
from ypb.services import Refused, audit, cycles, refuse, use_case

MAX_BUDGET_NAME = 120  # the column's length



def _insert_if_absent(model, **values) -> None:
    """INSERT … ON CONFLICT DO NOTHING (SQLite and PostgreSQL both speak it): when a
    parallel transaction inserts the same row, this one waits for it and keeps that row
    instead of failing."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(model).values(**values).on_conflict_do_nothing())


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
    tally_rule: str = "greedy"  # a key of ypb.domain.explain.RULES
    tally_threshold: int = 0  # fewest supporters a project needs; greedy only
    jury_weight: int | None = None  # competition only: the jury's share in percent (None: keep the stored one)


MAX_TALLY_THRESHOLD = 1_000_000  # far above any vote's turnout, and well inside the column's range


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
    """Settings complete and valid for every budget, and with several budgets every
    approved project placed in one of them."""
    if cycle.ballot_type is None:
        return False
    if cycle.tally_rule == "competition" and not cycle.jury_criteria:
        return False  # the jury needs published criteria before the vote
    if any(rules_refusals(rules_for(cycle, b)) for b in budgets_of(cycle)):
        return False
    return not unplaced_projects(cycle)


def approved_projects(cycle: Cycle) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(
        Proposal.cycle_id == cycle.id, Proposal.status == ProposalStatus.APPROVED.value).order_by(Proposal.id)))


def unplaced_projects(cycle: Cycle) -> list[Proposal]:
    """Approved projects not yet put in a budget (only matters with several budgets)."""
    if len(cycle.budgets) < 2:
        return []
    ids = {b.id for b in cycle.budgets}
    return [p for p in approved_projects(cycle) if p.budget_id not in ids]


@use_case
def assign_budgets(actor, cycle_id: int, placement: dict[int, int]) -> Cycle:
    """Put approved projects in the cycle's budgets: {proposal id: budget id}."""
    begin_write()
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise refuse("cycle.missing", N_("There is no such budget cycle."))
    if phase_rules.ballot_settings_locked(cycle.phase_enum):
        raise refuse("ballot.locked", N_("The ballot cannot change once voting has opened: people have already "
                                          "voted on it."))
    budget_ids = {b.id for b in cycle.budgets}
    projects = {p.id: p for p in approved_projects(cycle)}
    if len(budget_ids) < 2:
        raise refuse("ballot.one_budget", N_("This vote has one budget: every project is in it."))
    if not set(placement) <= set(projects) or not set(placement.values()) <= budget_ids:
        raise refuse("ballot.placement", N_("Choose one of this vote's budgets for each approved project."))
    for proposal_id, budget_id in placement.items():
        projects[proposal_id].budget_id = budget_id
    audit.record(actor, "cycle.ballot_budgets", f"cycle:{cycle.id}",
                 {str(pid): bid for pid, bid in sorted(placement.items())})
    db.session.commit()
    return cycle


def _budget_refusal(wanted: list[tuple[str, int]]) -> Refused | None:
    """What is wrong with several budgets as typed; the database would otherwise answer
    a blank, too long or repeated name, or an amount of zero, with an error page."""
    names = [name.strip() for name, _ in wanted]
    if any(not name for name in names):
        return refuse("ballot.budget_name", N_("Give every budget a name."), "budgets")
    if any(len(name) > MAX_BUDGET_NAME for name in names):
        return refuse("ballot.budget_name_long", N_("Keep each budget's name under %(max)s characters."),
                       "budgets", max=MAX_BUDGET_NAME)
    if len({name.casefold() for name in names}) != len(names):
        return refuse("ballot.budget_names", N_("Each budget needs a name of its own."), "budgets")
    if any(amount < 1 for _, amount in wanted):
        return refuse("ballot.budget_amount", N_("Every budget must be more than zero."), "budgets")
    return None


@use_case
def save_settings(actor, cycle_id: int, data: BallotSettings) -> Cycle:
    begin_write()
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise refuse("cycle.missing", N_("There is no such budget cycle."))
    if phase_rules.ballot_settings_locked(cycle.phase_enum):
        raise refuse("ballot.locked", N_("The ballot cannot change once voting has opened: people have already "
                                          "voted on it."))
    cycle.ballot_type = BallotType(data.ballot_type).value
    cycle.min_choices, cycle.max_choices = data.min_choices, data.max_choices
    cycle.min_share_percent = data.min_share_percent
    cycle.points_total, cycle.max_points_per_project = data.points_total, data.max_points_per_project
    cycle.use_all_points = data.use_all_points
    cycle.budget_choice = data.budget_choice if data.budget_choice in ("one", "each") else "one"
    if data.tally_rule not in RULES:
        raise refuse("ballot.tally_rule", N_("Choose one of the counting rules."), "tally_rule")
    if not 0 <= data.tally_threshold <= MAX_TALLY_THRESHOLD:
        raise refuse("ballot.tally_threshold", N_("The fewest supporters must be a number from 0 to %(max)s."),
                     "tally_threshold", max=MAX_TALLY_THRESHOLD)
    if data.jury_weight is not None and not 0 <= data.jury_weight <= 100:
        raise refuse("ballot.jury_weight", N_("The jury's share must be a whole number from 0 to 100."),
                     "jury_weight")
    cycle.tally_rule = data.tally_rule
    # Only most-votes-first uses a minimum; kept at 0 otherwise so the record says what applies.
    cycle.tally_threshold = data.tally_threshold if data.tally_rule == "greedy" else 0
    if data.tally_rule == "competition" and data.jury_weight is not None:
        cycle.jury_weight = data.jury_weight
    wanted = [(name.strip(), amount) for name, amount in data.budgets or []]
    if len(wanted) > 1 and (problem := _budget_refusal(wanted)):
        raise problem
    if len(wanted) > 1 and sum(amount for _, amount in wanted) != cycle.budget_total:
        raise refuse("ballot.budgets_sum", N_("The budgets must add up to the cycle's total budget."), "budgets")
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
        "rule": cycle.tally_rule, "threshold": cycle.tally_threshold,
        **({"jury_weight": cycle.jury_weight} if cycle.tally_rule == "competition" else {}),
    })
    db.session.commit()
    return cycle


def _ensure_budget_rows(cycle: Cycle) -> list[Budget]:
    """Ballots point at a budget row: create the implicit one when voting begins.

    Call inside a write transaction. Two first ballots at once both try to create it: the
    (cycle, name) unique key and "on conflict do nothing" leave exactly one row.
    """
    if not cycle.budgets:
        _insert_if_absent(Budget, cycle_id=cycle.id, name=cycle.title[:MAX_BUDGET_NAME],
                          amount=cycle.budget_total, position=0)
        db.session.expire(cycle, ["budgets"])
    return list(cycle.budgets)


def projects_on_ballot(cycle: Cycle, budget: Budget) -> list[Proposal]:
    """Approved proposals of this budget (all approved ones when the cycle has one budget)."""
    stmt = select(Proposal).where(Proposal.cycle_id == cycle.id, Proposal.status == ProposalStatus.APPROVED.value)
    if len(budgets_of(cycle)) > 1:
        stmt = stmt.where(Proposal.budget_id == budget.id)
    return list(db.session.scalars(stmt.order_by(Proposal.id)))


# --- keys and pseudonyms ---------------------------------------------------------------

def _sealed() -> Refused:
    return refuse("vote.sealed", N_("This vote is sealed: the results are final."))


def _key_row(cycle_id: int) -> VotingKey | None:
    # Read afresh: the session may hold the row from before another transaction destroyed it.
    return db.session.scalars(select(VotingKey).where(VotingKey.cycle_id == cycle_id)
                              .execution_options(populate_existing=True)).first()


def _key(cycle_id: int) -> bytes:
    """The cycle's key, made on first use (call inside a write transaction)."""
    row = _key_row(cycle_id)
    if row is None:
        # Two first uses at once (two voters, or codes and a vote) keep one key between them.
        _insert_if_absent(VotingKey, cycle_id=cycle_id, key=secrets.token_bytes(32), created_at=utcnow())
        row = _key_row(cycle_id)
    if row.key is None:
        raise _sealed()
    return row.key


def _hmac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


@use_case
def destroy_key(actor, cycle_id: int, now: datetime | None = None) -> None:
    """Make ballots unlinkable for good (called when results are final).

    Refused while voting can still be open: without the key nobody could change their
    ballot or use a code. A cycle that never had a key is sealed too, so no new key can
    appear afterwards.
    """
    now = now or utcnow()
    begin_write()
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise refuse("cycle.missing", N_("There is no such budget cycle."))
    seal(actor, cycle, now)
    db.session.commit()


def seal(actor, cycle: Cycle, now: datetime) -> None:
    """Destroy the key inside the caller's transaction (results made final)."""
    if not phase_rules.results_exist(cycle.phase_enum):
        raise refuse("vote.key_in_use", N_("The voting key can only be destroyed once voting is over."))
    row = _key_row(cycle.id)
    if row is None:
        db.session.add(VotingKey(cycle_id=cycle.id, key=None, created_at=now, destroyed_at=now))
        audit.record(actor, "vote.key_destroyed", f"cycle:{cycle.id}")
    elif row.key is not None:
        row.key, row.destroyed_at = None, now
        audit.record(actor, "vote.key_destroyed", f"cycle:{cycle.id}")
    # Receipts are voter-linkable for as long as the key lives: they go with it.
    db.session.execute(delete(VoteReceipt).where(VoteReceipt.cycle_id == cycle.id)
                       .execution_options(synchronize_session=False))


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
        raise refuse("codes.count", N_("Make between 1 and 5000 codes at a time."), "count")
    begin_write()
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise refuse("cycle.missing", N_("There is no such budget cycle."))
    if cycle.phase_enum in (phase_rules.Phase.RESULTS, phase_rules.Phase.IMPLEMENTATION, phase_rules.Phase.CLOSED):
        raise refuse("codes.phase", N_("Voting is over: no new codes can be made."))
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


def code_by_id(cycle_id: int, code_id: int) -> VotingCode | None:
    """The code a browser entered earlier (kept by id in its session), while it is still a
    valid code of this cycle: None once it is revoked or the vote is sealed."""
    found = db.session.get(VotingCode, code_id)
    if found is None or found.cycle_id != cycle_id or found.revoked_at is not None:
        return None
    row = db.session.get(VotingKey, cycle_id)
    return found if row is not None and row.key is not None else None


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
        raise refuse("vote.closed", N_("Voting is not open in this budget cycle."))


def check_voter(cycle: Cycle, voter: Voter, now: datetime) -> None:
    if voter.code is not None:
        if voter.code.cycle_id != cycle.id or voter.code.revoked_at is not None:
            raise refuse("vote.code", N_("This voting code is not valid for this vote."))
        return
    from ypb.services import census  # census builds on this module's keys

    if refusals := cycles.eligibility(cycle, voter.user, now) + census.refusals(cycle, voter.user):
        raise Refused(*refusals)


def _locked_cycle(cycle_id: int) -> Cycle | None:
    """The cycle as committed now, share-locked on PostgreSQL: closing the vote (an UPDATE
    of this row) waits until ballots being cast are stored, and a ballot cast after the
    close sees the new phase. SQLite's BEGIN IMMEDIATE already serialises both."""
    return db.session.scalars(select(Cycle).where(Cycle.id == cycle_id).with_for_update(read=True, of=Cycle)
                              .execution_options(populate_existing=True)).first()


def _current_voter(voter: Voter) -> Voter:
    """The voter with their code read afresh and share-locked (a revocation committed a
    moment ago counts; one in progress waits for this ballot)."""
    if voter.code is None:
        return voter
    code = db.session.scalars(select(VotingCode).where(VotingCode.id == voter.code.id)
                              .with_for_update(read=True).execution_options(populate_existing=True)).first()
    if code is None:
        raise refuse("vote.code", N_("This voting code is not valid for this vote."))
    return Voter(code=code)


def _ballot_of(budget_id: int, name: str) -> Ballot | None:
    return db.session.scalars(select(Ballot).where(Ballot.budget_id == budget_id, Ballot.pseudonym == name)
                              .with_for_update().execution_options(populate_existing=True)).first()


def _random_ballot_id() -> int:
    # In the upper half of a 32-bit id: ids from the database's own sequence (paper
    # ballots) count up from 1 and would need a billion ballots to get here.
    return 2**30 + secrets.randbelow(2**30 - 1)


def _new_ballot(budget_id: int, name: str, channel: str) -> Ballot:
    """Insert this voter's first ballot in the budget, under a random id (the order of ids
    must not tell the order in which people voted)."""
    db.session.flush()  # anything pending goes before the savepoint, not into it
    for _attempt in range(8):
        ballot = Ballot(id=_random_ballot_id(), budget_id=budget_id, pseudonym=name, channel=channel, version=1)
        try:
            with db.session.begin_nested():
                db.session.add(ballot)
        except IntegrityError:
            # Another ballot has this id (or, defensively, this voter was stored after all).
            if (stored := _ballot_of(budget_id, name)) is not None:
                return stored
            continue
        return ballot
    raise RuntimeError("no free ballot id after 8 random tries")


IDEMPOTENCY_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def valid_idempotency_key(raw: object) -> str | None:
    """The form's idempotency key when it looks like one we hand out, else None."""
    if isinstance(raw, str) and 16 <= len(raw) <= 64 and set(raw) <= IDEMPOTENCY_KEY_CHARS:
        return raw
    return None


def _claim_key(cycle_id: int, voter: Voter, idempotency_key: str, budget_id: int | str | None,
               choices: dict[int, int]) -> Receipt | str:
    """Claim the key for this transaction: its hash when new, or the receipt it already got.

    The ballot itself is part of what is hashed: the same key with other choices (back
    button, "Change", send again) is a new ballot, not a repeat to be answered from memory.
    The insert is the decision: a parallel request with the same key waits on the primary
    key until this one commits or rolls back, then finds the row or claims it itself."""
    sent = ",".join(f"{pid}:{points}" for pid, points in sorted(choices.items()))
    key_hash = _hmac(_key(cycle_id), f"idempotency:{voter.subject()}:{idempotency_key}:{budget_id}:{sent}")
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    # RETURNING tells whether this insert made the row (rowcount is not reliable here on psycopg).
    claimed = db.session.scalar(dialect.insert(VoteReceipt).values(
        cycle_id=cycle_id, key_hash=key_hash, budget_id=0, picks=0, version=0)
        .on_conflict_do_nothing().returning(VoteReceipt.key_hash))
    if claimed is not None:
        return key_hash
    stored = db.session.scalars(select(VoteReceipt).where(VoteReceipt.cycle_id == cycle_id,
                                                          VoteReceipt.key_hash == key_hash)
                                .execution_options(populate_existing=True)).one()
    return Receipt(budget_id=stored.budget_id, picks=stored.picks, version=stored.version)


@use_case
def cast(voter: Voter, cycle_id: int, budget_id: int | None, choices: dict[int, int],
         now: datetime | None = None, idempotency_key: str | None = None) -> Receipt:
    """Record this voter's ballot, replacing their earlier one: only the last one counts.

    The checks run inside the write transaction that stores the ballot, so a ballot is
    never stored against rules it was not checked with. Repeating the same submit has one
    effect: the second time nothing changes, not even the version.

    With an idempotency key (one per ballot page shown), a request repeated with the same
    key returns the first one's receipt and changes nothing, even after later ballots of
    the same voter or the close of the vote: a retried "A" must not undo a newer "B".

    Without `now`, the close is judged by the database's clock, the one clock all workers
    share: read once the cycle row is locked, and again just before the commit, so a ballot
    whose transaction ran past the close is refused and nothing of it is stored.
    """
    by_database_clock = now is None
    begin_write()
    cycle = _locked_cycle(cycle_id)
    if cycle is None:
        raise refuse("cycle.missing", N_("There is no such budget cycle."))
    if by_database_clock:
        now = database_now()
    if (key_row := _key_row(cycle.id)) is not None and key_row.key is None:
        raise _sealed()
    key_hash = None
    if idempotency_key is not None:
        # With one budget its row may not exist yet on the first ballot: any sent id means it.
        sent_budget = budget_id if len(cycle.budgets) > 1 else "only"
        claim = _claim_key(cycle.id, voter, idempotency_key, sent_budget, choices)
        if isinstance(claim, Receipt):
            db.session.rollback()
            return claim
        key_hash = claim
    _voting_open(cycle, now)
    voter = _current_voter(voter)
    check_voter(cycle, voter, now)
    budgets = _ensure_budget_rows(cycle)
    budget = next((b for b in budgets if b.id == budget_id), budgets[0] if budget_id is None else None)
    if budget is None:
        raise refuse("vote.budget", N_("Choose one of this vote's budgets."), "budget")
    projects = projects_on_ballot(cycle, budget)
    costs = {p.id: p.final_cost for p in projects}
    if refusals := ballot_refusals(rules_for(cycle, budget), choices, costs):
        raise Refused(*refusals)

    name = pseudonym(cycle.id, voter)
    # From here on this voter's requests run one at a time (the participation row lock).
    _record_participation(cycle, voter, now)
    if cycle.budget_choice == "one":
        # Voting in one chosen budget: a ballot in another budget is replaced by this one.
        other_ids = [b.id for b in budgets if b.id != budget.id]
        if other_ids:
            db.session.execute(delete(Ballot).where(Ballot.budget_id.in_(other_ids), Ballot.pseudonym == name)
                               .execution_options(synchronize_session=False))
    wanted = dict(sorted(choices.items()))
    ballot = _ballot_of(budget.id, name)
    replacing = ballot is not None
    if ballot is None:
        ballot = _new_ballot(budget.id, name, voter.channel)
    if {c.proposal_id: c.points for c in ballot.choices} != wanted:
        if replacing:
            ballot.version += 1
        # Changed in place: kept choices are updated, dropped ones deleted, new ones added.
        current = {c.proposal_id: c for c in ballot.choices}
        for proposal_id, choice in current.items():
            if proposal_id not in wanted:
                ballot.choices.remove(choice)
        for proposal_id, points in wanted.items():
            if proposal_id in current:
                current[proposal_id].points = points
            else:
                ballot.choices.append(BallotChoice(proposal_id=proposal_id, points=points))
    receipt = Receipt(budget_id=budget.id, picks=len(wanted), version=ballot.version)
    if key_hash is not None:
        db.session.flush()
        db.session.execute(VoteReceipt.__table__.update().where(
            VoteReceipt.cycle_id == cycle.id, VoteReceipt.key_hash == key_hash).values(
            budget_id=receipt.budget_id, picks=receipt.picks, version=receipt.version))
    if by_database_clock:
        db.session.flush()
        _voting_open(cycle, database_now())
    db.session.commit()
    return receipt


def _record_participation(cycle: Cycle, voter: Voter, now: datetime) -> None:
    """Note that this voter took part (once per cycle), and lock that row until commit:
    it is the one row every request of this voter touches, so they queue on it."""
    column, value = (Participation.code_id, voter.code.id) if voter.code else (Participation.user_id, voter.user.id)
    mine = select(Participation.id).where(Participation.cycle_id == cycle.id, column == value)
    if db.session.scalar(mine) is None:
        # Only then: even a conflicting insert would use up an id, and gaps between ids
        # would tell how many changed ballots came in between.
        band = None
        if voter.user is not None:
            closing = cycle.voting_end or now
            band = age_band(age_in_year(voter.user.birth_year, closing.date()))
        _insert_if_absent(Participation, cycle_id=cycle.id, channel=voter.channel, age_band=band,
                          user_id=voter.user.id if voter.user else None,
                          code_id=voter.code.id if voter.code else None)
    db.session.execute(mine.with_for_update()).one()


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
        raise refuse("vote.totals_hidden", N_("Vote totals are published when voting has closed."))
    rows = db.session.execute(
        select(Ballot.budget_id, BallotChoice.proposal_id, func.sum(BallotChoice.points))
        .join(BallotChoice, BallotChoice.ballot_id == Ballot.id).join(Budget, Budget.id == Ballot.budget_id)
        .where(Budget.cycle_id == cycle_id).group_by(Ballot.budget_id, BallotChoice.proposal_id)).all()
    result: dict[int, dict[int, int]] = {}
    for budget_id, proposal_id, points in rows:
        result.setdefault(budget_id, {})[proposal_id] = int(points)
    return result
