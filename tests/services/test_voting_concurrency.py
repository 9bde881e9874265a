"""ypb.services.voting under concurrency, on a SQLite FILE database and on PostgreSQL.

Each worker thread runs in its own app context (its own session and connection), the way
two requests of one voter arrive at two web workers. A barrier lets them all start at
once. The assertions are what a voter or a counter would notice: exactly one counted
ballot per voter and budget, equal to a ballot that voter really submitted (the last
one), never a stored ballot that breaks the rules, and no request failing with a
database error ("database is locked", a unique-constraint violation, a deadlock).
"""

from __future__ import annotations

import random
import threading
import time

import pytest
from sqlalchemy import select

from tests.conftest import make_user
from tests.services import count, user
from tests.services.test_voting_service import IN_VOTING, ballots_of, build_voting_cycle
from ypb.domain.ballot import BallotType
from ypb.extensions import db
from ypb.models import Ballot, Budget, Participation, User, VotingKey
from ypb.services import Refused, voting
from ypb.services.voting import BallotSettings, Voter

# A test that needs longer than this has threads queueing far longer than a voter would wait.
TIME_LIMIT_S = 20


def run_together(app, jobs):
    """Run each job in its own thread and app context, all released at the same moment.

    Returns one ("ok", value) or ("error", exception) per job, in the jobs' order.
    """
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(i, job):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[i] = ("ok", job())
            except Exception as exc:  # noqa: BLE001 - reported to the test below
                results[i] = ("error", exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIME_LIMIT_S * 3)
    elapsed = time.monotonic() - started
    assert all(not t.is_alive() for t in threads), "a voter's request never finished (deadlock?)"
    assert elapsed < TIME_LIMIT_S, f"{len(jobs)} submits took {elapsed:.1f} s"
    return results


def unexpected(results) -> list[Exception]:
    """Failures a voter must never see: anything but a Refused with a reason."""
    return [value for kind, value in results if kind == "error" and not isinstance(value, Refused)]


# --- one voter, many requests -----------------------------------------------------------------


def test_fifty_submits_of_one_voter_leave_exactly_their_last_ballot(app, world):
    cycle_id, projects, voter_id = world["cycle_voting"], world["ballot_projects"], world["youth"]
    # The ballot allows 1 or 2 of the 3 projects: every thread sends a random valid one.
    rng = random.Random(4)
    wanted = [dict.fromkeys(rng.sample(projects, rng.randint(1, 2)), 1) for _ in range(50)]

    def submit(choices):
        def job():
            return voting.cast(Voter(user=db.session.get(User, voter_id)), cycle_id, None, choices)
        return job

    results = run_together(app, [submit(c) for c in wanted])

    assert unexpected(results) == []
    assert [kind for kind, _ in results] == ["ok"] * 50
    receipts = [(value, choices) for (_, value), choices in zip(results, wanted, strict=True)]
    with app.app_context():
        stored = ballots_of(cycle_id, Voter(user=user(voter_id)))
        assert len(stored) == 1, "one counted ballot per voter and budget"
        ballot = stored[0]
        choices = {c.proposal_id: c.points for c in ballot.choices}
        assert choices in wanted, "the stored ballot is one the voter submitted, not a mix"
        # Versions only grow, so the receipt with the highest one came from the write that
        # counts: "only the last one counts".
        last_receipt, last_choices = max(receipts, key=lambda rc: rc[0].version)
        assert ballot.version == last_receipt.version
        assert choices == last_choices
        assert count(Participation, Participation.cycle_id == cycle_id, Participation.user_id == voter_id) == 1
        assert voting.my_ballots(cycle_id, Voter(user=user(voter_id))) == {ballot.budget_id: choices}


def test_double_tap_stores_one_ballot(app, world):
    cycle_id, projects, voter_id = world["cycle_voting"], world["ballot_projects"], world["youth"]
    choices = {projects[0]: 1, projects[2]: 1}

    def job():
        return voting.cast(Voter(user=db.session.get(User, voter_id)), cycle_id, None, dict(choices))

    results = run_together(app, [job, job])

    assert unexpected(results) == []
    assert [kind for kind, _ in results] == ["ok", "ok"]
    with app.app_context():
        stored = ballots_of(cycle_id, Voter(user=user(voter_id)))
        assert len(stored) == 1
        assert {c.proposal_id: c.points for c in stored[0].choices} == choices
        # The same ballot twice is one effect: the second tap changes nothing.
        assert stored[0].version == 1
        assert {value.version for _, value in results} == {1}
        assert count(Participation, Participation.cycle_id == cycle_id) == 1


def test_double_tap_with_a_voting_code_stores_one_ballot(app, world):
    cycle_id, projects = world["cycle_voting"], world["ballot_projects"]
    with app.app_context():
        code_id = voting.find_code(cycle_id, world["voting_code"]).id
    from ypb.models import VotingCode

    def job():
        return voting.cast(Voter(code=db.session.get(VotingCode, code_id)), cycle_id, None, {projects[1]: 1})

    results = run_together(app, [job, job, job])

    assert unexpected(results) == []
    with app.app_context():
        assert count(Ballot) == 1
        assert count(Participation, Participation.code_id == code_id) == 1


# --- knapsack: parallel "add one more project" -----------------------------------------------

KNAPSACK_COSTS = (1_500_000, 1_400_000, 1_300_000, 1_200_000, 1_100_000, 1_000_000, 900_000, 800_000)
KNAPSACK_BUDGET = 5_000_000  # the cycle's whole budget: only some of the projects fit together


@pytest.fixture
def knapsack(app, users):
    with app.app_context():
        made = build_voting_cycle(users["secretary"], users["youth"],
                                  BallotSettings(BallotType.KNAPSACK, min_choices=1), costs=KNAPSACK_COSTS)
    return made


def test_parallel_additions_never_store_a_ballot_over_the_budget(app, users, knapsack):
    cycle_id, projects, voter_id = knapsack["cycle"], knapsack["projects"], users["youth"]
    cost = dict(zip(projects, KNAPSACK_COSTS, strict=True))
    with app.app_context():
        voting.cast(Voter(user=user(voter_id)), cycle_id, None, {projects[0]: 1}, now=IN_VOTING)
    sent: list[dict[int, int]] = []
    lock = threading.Lock()

    def add_one(seed):
        def job():
            # Like a voter's phone: read the ballot as stored now, tick one more project, send.
            voter = Voter(user=db.session.get(User, voter_id))
            current = next(iter(voting.my_ballots(cycle_id, voter).values()), {})
            rng = random.Random(seed)
            extra = rng.choice([p for p in projects if p not in current])
            choices = {**current, extra: 1}
            with lock:
                sent.append(choices)
            return voting.cast(voter, cycle_id, None, choices, now=IN_VOTING)
        return job

    results = run_together(app, [add_one(seed) for seed in range(20)])

    assert unexpected(results) == []
    refusals = {r.code for kind, exc in results if kind == "error" for r in exc.refusals}
    assert refusals <= {"ballot.over_budget"}
    with app.app_context():
        stored = ballots_of(cycle_id, Voter(user=user(voter_id)))
        assert len(stored) == 1
        choices = {c.proposal_id: c.points for c in stored[0].choices}
        assert sum(cost[p] for p in choices) <= KNAPSACK_BUDGET
        assert choices in sent or choices == {projects[0]: 1}
        assert count(Participation, Participation.cycle_id == cycle_id) == 1


# --- many voters at once on a fresh cycle --------------------------------------------------------


def test_first_ballots_of_many_voters_at_once(app, users, knapsack):
    """The very first ballots of a cycle create its budget row and its key: two voters doing
    that at the same moment must not fail, nor end up with two keys or two budgets."""
    cycle_id, projects = knapsack["cycle"], knapsack["projects"]
    voter_ids = [make_user(app, f"voter{i}") for i in range(16)]

    def submit(voter_id, project):
        def job():
            return voting.cast(Voter(user=db.session.get(User, voter_id)), cycle_id, None, {project: 1},
                               now=IN_VOTING)
        return job

    results = run_together(app, [submit(v, projects[i % len(projects)]) for i, v in enumerate(voter_ids)])

    assert unexpected(results) == []
    assert [kind for kind, _ in results] == ["ok"] * len(voter_ids)
    with app.app_context():
        assert count(Budget, Budget.cycle_id == cycle_id) == 1
        assert count(VotingKey, VotingKey.cycle_id == cycle_id) == 1
        budget_id = db.session.scalar(select(Budget.id).where(Budget.cycle_id == cycle_id))
        assert count(Ballot, Ballot.budget_id == budget_id) == len(voter_ids)
        assert count(Participation, Participation.cycle_id == cycle_id) == len(voter_ids)
        assert voting.turnout(cycle_id)["online"] == len(voter_ids)
        for voter_id in voter_ids:
            assert len(ballots_of(cycle_id, Voter(user=user(voter_id)))) == 1
