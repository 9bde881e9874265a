"""Importing a real election from a Pabulib `.pb` file as a finished budget cycle.

The imported cycle is a public record of an election held elsewhere: its projects become
approved proposals, its votes anonymous ballots of one budget, and its results are counted
by `results.compute` with the rule the file names, exactly as for a cycle voted here.

Choices made (see `import_pb`):

- Phase **closed**, results **ratified**. The election is over and decided: there is no
  proposal, feedback, draft-results window or delivery to follow on this platform. A closed
  cycle cannot be edited, moved, voted in or given codes, and its results show as final.
- Pabulib amounts are whole currency units; ypb keeps minor units (cents), so they are
  multiplied by 100. (`results.compute` counts in whole units again when every amount is
  whole, so MES's "add1" takes the same one-unit steps as the official count.)
- Ordinal ballots (Kraków) are stored as cumulative points: of k ranked projects the first
  gets k points, the last 1. That is how such files are counted (greedy by points); the
  ranking stays readable from the points. Scoring ballots have no equivalent and are refused.
- Ballots keep the file's order: their ids are random (in the range voting uses, clear of
  the database's own sequence) but increasing, so ballot n of the published `.pb` file is
  voter n of the imported one. Voter ids are not kept. They are stored as paper ballots,
  the channel for ballots collected outside the platform.
- The cycle's creator and contact, and the proposals' author, is one system account
  (`SYSTEM_USERNAME`): inactive and without a password, so nobody can sign in as it.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ypb.database import begin_write
from ypb.domain.ballot import BallotType
from ypb.domain.cycle import Phase
from ypb.domain.messages import N_
from ypb.domain.money import MAX_AMOUNT
from ypb.domain.pabulib import Ballot as PbBallot
from ypb.domain.pabulib import Instance, parse_pabulib
from ypb.domain.roles import Role
from ypb.extensions import db
from ypb.models import Ballot, BallotChoice, Budget, Cycle, Proposal, ProposalStatus, Revision, User
from ypb.models.base import utcnow
from ypb.services import audit, refuse, results, use_case, voting

SYSTEM_USERNAME = "pabulib-import"
SYSTEM_DISPLAY_NAME = "Pabulib import (system account)"
# The column is required; 1900, its lowest allowed value, says "not a person" rather than inventing an age.
SYSTEM_BIRTH_YEAR = 1900
# Not a hash any password can match (argon2 rejects it as malformed): the account cannot sign in.
NO_LOGIN_HASH = "!"

MINOR_PER_UNIT = 100  # Pabulib amounts are whole currency units; ypb stores cents
CHUNK = 10_000  # rows per executemany on SQLite: bounded memory, few calls
# Ballot ids: the upper half of a 32-bit id, as voting uses (the database's sequence counts up from 1).
ID_LOW, ID_HIGH = 2**30, 2**31 - 1

# Pabulib rule → (ypb rule, whether it takes min_project_score_threshold).
RULES = {
    "greedy": ("greedy", False),
    "greedy-threshold": ("greedy", True),
    "equalshares/add1": ("mes-add1", False),
    "equalshares/add1-comparison": ("mes-add1-compare", False),
}

TITLE_MAX, PROJECT_TITLE_MAX, BUDGET_NAME_MAX = 200, 140, 120  # the columns' lengths


@dataclass
class Imported:
    """What the operator is told: the new cycle, what won, and what was assumed."""

    cycle_id: int
    title: str
    ballots: int
    rule: str
    threshold: int
    currency: str
    selected: list[tuple[str, int]]  # (title, cost in cents) in the order the rule took them
    spent: int
    budget: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Plan:
    """The file read and mapped onto ypb's settings, before anything is stored."""

    instance: Instance
    ballots: list[PbBallot]
    title: str
    description: str
    ballot_type: BallotType
    rule: str
    threshold: int
    currency: str
    voting_start: datetime | None
    voting_end: datetime | None
    min_choices: int
    max_choices: int | None
    points_total: int | None
    max_points: int | None
    warnings: list[str]


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date(text: str | None) -> datetime | None:
    """Pabulib writes dates as dd.mm.yyyy (some files yyyy-mm-dd); midnight UTC of that day."""
    if not text:
        return None
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def _count(meta: dict[str, str], key: str, warnings: list[str]) -> int | None:
    text = meta.get(key, "").strip()
    if not text:
        return None
    try:
        value = int(float(text))
    except ValueError:
        warnings.append(f"META {key} {text!r} is not a number; ignored")
        return None
    return value if value >= 0 else None


def _plan(instance: Instance, ballots: list[PbBallot], filename: str, title: str | None) -> _Plan:
    meta, warnings = instance.meta, []
    if instance.vote_type == "scoring":
        raise refuse("import.scoring", N_(
            "Scoring ballots cannot be imported: ypb has approval and cumulative ballots only."))
    if not instance.projects:
        raise refuse("import.no_projects", N_("The file has no projects."))
    if instance.budget <= 0:
        raise refuse("import.budget", N_("The file's budget must be more than zero."))
    largest = max(instance.budget, *(p.cost for p in instance.projects.values()))
    if largest * MINOR_PER_UNIT > MAX_AMOUNT:
        raise refuse("import.amount", N_("An amount in the file is too large to store."))

    named_rule = meta.get("rule", "").strip()
    rule, takes_threshold = RULES.get(named_rule, ("greedy", False))
    if named_rule not in RULES:
        warnings.append(f"rule {named_rule or '(none)'!r} is not one ypb counts with; counted with greedy")
    threshold = 0
    if takes_threshold:
        threshold = _count(meta, "min_project_score_threshold", warnings) or 0
        if not threshold:
            warnings.append("greedy-threshold without min_project_score_threshold; counted without a threshold")

    currency = meta.get("currency", "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        warnings.append(f"currency {currency or '(none)'!r} is not a three-letter code; EUR assumed")
        currency = "EUR"

    start, end = _date(meta.get("date_begin")), _date(meta.get("date_end"))
    if end is not None:
        end += timedelta(days=1)  # the end date is the last day of voting
    if start is not None and end is not None and end <= start:
        warnings.append("date_end is before date_begin; dates ignored")
        start = end = None

    lengths = [len(b.choices) for b in ballots]
    min_choices = _count(meta, "min_length", warnings)
    if min_choices is None:
        min_choices = min(lengths, default=1)
    max_choices = _count(meta, "max_length", warnings) or None
    points_total = max_points = None
    ballot_type = BallotType.APPROVAL
    if instance.vote_type in ("cumulative", "ordinal"):
        ballot_type = BallotType.CUMULATIVE
        sums = [sum(b.choices.values()) for b in ballots]
        points_total = _count(meta, "max_sum_points", warnings) or max(sums, default=0) or 1
        max_points = _count(meta, "max_points", warnings) or None
    if instance.vote_type == "ordinal":
        warnings.append("ordinal ballots stored as cumulative points: of k ranked projects the first gets k, "
                        "the last 1")
        longest = max_choices or max(lengths, default=1)
        points_total = longest * (longest + 1) // 2

    described = meta.get("description", "").strip()
    cycle_title = _shorten(title or described or filename, TITLE_MAX)
    lines = [described] if described and described != cycle_title else []
    lines.append(f"Imported from the Pabulib file {filename}: {len(ballots)} ballots, "
                 f"{len(instance.projects)} projects.")
    if comment := meta.get("comment", "").strip():
        lines.append(comment)
    return _Plan(instance, ballots, cycle_title, "\n\n".join(lines), ballot_type, rule, threshold, currency,
                 start, end, min_choices, max_choices, points_total, max_points, warnings)


def system_account(now: datetime) -> User:
    """The account imported records are attributed to, created on first use (inside a write transaction)."""
    found = db.session.scalar(select(User).where(User.username == SYSTEM_USERNAME))
    if found is not None:
        return found
    user = User(username=SYSTEM_USERNAME, display_name=SYSTEM_DISPLAY_NAME, birth_year=SYSTEM_BIRTH_YEAR,
                password_hash=NO_LOGIN_HASH, role=Role.SECRETARY.value, active=False, created_at=now)
    db.session.add(user)
    db.session.flush()
    audit.record("cli", "account.create", f"user:{user.id}", {"role": user.role, "system": True})
    return user


def _ballot_ids(count: int) -> list[int]:
    """`count` unused random ballot ids, increasing (the file's order is kept)."""
    chooser = random.SystemRandom()
    taken = set(db.session.scalars(select(Ballot.id).where(Ballot.id >= ID_LOW)))
    wanted: set[int] = set()
    while len(wanted) < count:
        wanted.update(chooser.sample(range(ID_LOW, ID_HIGH), count - len(wanted)))
        wanted -= taken
    return sorted(wanted)


def _bulk_insert(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """Many rows in the session's transaction without an ORM object (or a dict) per row.

    PostgreSQL: COPY, about three times faster than batched INSERTs for Kraków's 260,000 rows
    (the rest is the server checking foreign keys).
    SQLite: the driver's executemany, in chunks so memory stays bounded.
    """
    table = model.__table__.name
    dbapi = db.session.connection().connection.dbapi_connection
    names = ", ".join(columns)
    cursor = dbapi.cursor()
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608  # nosec B608  # table and column names come from the model; values are bound
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                cursor.executemany(statement, chunk)
                chunk = []
        if chunk:
            cursor.executemany(statement, chunk)
    finally:
        cursor.close()


def _store_ballots(budget_id: int, ballots: list[PbBallot], proposal_ids: dict[str, int]) -> None:
    ids = _ballot_ids(len(ballots))
    db.session.flush()  # the budget and proposals the rows point at go first
    _bulk_insert(Ballot, ("id", "budget_id", "pseudonym", "channel", "version"),
                 ((bid, budget_id, f"import:{n}", "paper", 1) for n, bid in enumerate(ids, start=1)))
    _bulk_insert(BallotChoice, ("ballot_id", "proposal_id", "points"),
                 ((bid, proposal_ids[pid], points)
                  for bid, ballot in zip(ids, ballots, strict=True) for pid, points in ballot.choices.items()))


@use_case
def import_pb(text: str, filename: str, *, title: str | None = None, actor="cli",
              now: datetime | None = None) -> Imported:
    """Parse `.pb` text and store it as a closed cycle with ratified results, in one transaction.

    Raises `PabulibError` (section and line) for a malformed file and `Refused` for one that
    ypb cannot represent.
    """
    now = now or utcnow()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    instance, ballots = parse_pabulib(text)
    plan = _plan(instance, ballots, filename, title)
    begin_write()
    system = system_account(now)
    created = plan.voting_start or now
    closed_at = plan.voting_end or now
    cycle = Cycle(
        title=plan.title, description=plan.description, budget_total=instance.budget * MINOR_PER_UNIT,
        currency=plan.currency, min_age=0, max_age=120, residency_required=False,  # not known for the election
        contact_id=system.id, created_by_id=system.id, created_at=created,
        phase=Phase.CLOSED.value, phase_started_at=closed_at, feedback_days=1,
        # Unknown for the election; every cycle past proposals has one. A day before voting, so
        # the timeline shows feedback ending when voting began.
        feedback_started_at=created - timedelta(days=1),
        review_end=plan.voting_start, voting_end=plan.voting_end,
        results_ratified=True, results_ratified_at=closed_at, results_ratified_by_id=system.id,
        tally_rule=plan.rule, tally_threshold=plan.threshold,
        ballot_type=plan.ballot_type.value, min_choices=plan.min_choices, max_choices=plan.max_choices,
        points_total=plan.points_total, max_points_per_project=plan.max_points, budget_choice="one",
    )
    budget = Budget(name=_shorten(plan.title, BUDGET_NAME_MAX), amount=cycle.budget_total, position=0)
    cycle.budgets = [budget]
    db.session.add(cycle)
    db.session.flush()

    proposals = {}
    for pid, project in instance.projects.items():
        cost = project.cost * MINOR_PER_UNIT
        proposals[pid] = Proposal(
            cycle_id=cycle.id, author_id=system.id, title=_shorten(project.name or f"Project {pid}",
                                                                   PROJECT_TITLE_MAX),
            summary="", description=f"Project {pid} of the Pabulib file {filename}.",
            estimated_cost=cost, final_cost=cost, status=ProposalStatus.APPROVED.value,
            created_at=created, submitted_at=created, updated_at=created, decided_at=created,
            decided_by_id=system.id,
        )
    db.session.add_all(proposals.values())
    db.session.flush()
    db.session.add_all(Revision(proposal_id=p.id, number=1, title=p.title, summary=p.summary,
                                description=p.description, estimated_cost=p.estimated_cost, created_at=created)
                       for p in proposals.values())
    _store_ballots(budget.id, ballots, {pid: p.id for pid, p in proposals.items()})

    [stored] = results.compute(cycle, closed_at)
    voting.seal(actor, cycle, now)  # no key ever existed: this records that none can appear
    audit.record(actor, "cycle.import_pb", f"cycle:{cycle.id}", {
        "file": filename, "sha256": digest, "ballots": len(ballots), "rule": plan.rule,
        "threshold": plan.threshold, "projects": {pid: p.id for pid, p in proposals.items()},
        "warnings": plan.warnings,
    })
    db.session.commit()
    titles = {p.id: p.title for p in proposals.values()}
    costs = {p.id: p.final_cost for p in proposals.values()}
    return Imported(cycle.id, cycle.title, len(ballots), plan.rule, plan.threshold, plan.currency,
                    [(titles[p], costs[p]) for p in stored.selected], stored.spent, stored.budget_amount,
                    plan.warnings)
