"""How long a ballot submit takes: median and p95, on SQLite (a file, WAL) and, when
YPB_BENCH_DATABASE_URL is set, on PostgreSQL too.

For each database it builds a throwaway app, makes a cycle in voting through the services
(40 approved projects on a knapsack ballot), signs in voters, and then times SUBMITS
ballot submits one after another: every voter sends a first ballot, then a changed one
(half the submits are first ballots, half are changes, which replace a stored ballot).

What is timed is the real web route when it exists (POST to the `voting.confirm`
endpoint through the Flask test client: CSRF check, session, permission, form parsing,
`voting.cast`, commit, the 303 redirect), and `voting.cast` called directly for
comparison. Without the route only the direct calls are timed, and the output says so.
Not included: the network, TLS, a real WSGI server, and several requests at once.

Run from the repository root:

    .venv/bin/python bench/vote_submit.py
    YPB_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/ypb_bench .venv/bin/python bench/vote_submit.py

The PostgreSQL database must be a throwaway one: every table in it is dropped and made again.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.voting_cycle import BUDGET, PASSWORD, make_voting_cycle  # noqa: E402
from ypb import create_app  # noqa: E402
from ypb.config import TestConfig, normalise_database_url  # noqa: E402
from ypb.extensions import db  # noqa: E402

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of all at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def figures(values: list[float]) -> str:
    return (f"median {statistics.median(values):7.2f} ms   p95 {percentile(values, 0.95):7.2f} ms   "
            f"max {max(values):7.2f} ms   (n={len(values)})")


def build_app(url: str):
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        if not url.startswith("sqlite"):
            db.drop_all()
        db.create_all()
    return app


def make_cycle(app, projects: int, rng: random.Random) -> tuple[int, dict[int, int]]:
    """A cycle in voting with `projects` approved projects: (its id, cost by project id)."""
    from ypb.services.proposals import ProposalInput

    def proposals_for(_categories: list[int]) -> list[ProposalInput]:
        return [ProposalInput(title=f"Project {n}", summary=f"Project {n} for everyone.",
                              estimated_cost=rng.randrange(100_000, 1_000_000, 10_000))
                for n in range(1, projects + 1)]

    with app.app_context():
        return make_voting_cycle("Bench budget", "Timing ballots.", ["Sport", "Culture"], proposals_for)


def make_voters(app, prefix: str, count: int) -> list[int]:
    from ypb.services import accounts

    with app.app_context():
        return [accounts.create_account(username=f"{prefix}{n}", display_name=f"Voter {n}", password=PASSWORD,
                                        birth_year=2008, resident=True, actor="bench").id
                for n in range(count)]


def a_ballot(costs: dict[int, int], rng: random.Random) -> dict[int, int]:
    """Up to six projects that fit the budget together (a knapsack ballot)."""
    chosen, used = {}, 0
    for pid in rng.sample(list(costs), len(costs)):
        if used + costs[pid] <= BUDGET:
            chosen[pid], used = 1, used + costs[pid]
        if len(chosen) == rng.randint(1, 6):
            break
    return chosen


def token(client, path: str) -> str:
    match = CSRF_RE.search(client.get(path).get_data(as_text=True))
    if not match:
        raise SystemExit(f"no CSRF token on {path}: has the page changed?")
    return match.group(1)


def time_route(app, cycle_id: int, costs, voter_ids, rng) -> tuple[list[float], list[float], str]:
    """Each voter signs in (not timed), then every voter submits once and once more (timed)."""
    from ypb.models import User
    from ypb.services import voting

    with app.test_request_context():
        from flask import url_for

        path = url_for("voting.confirm", cycle_id=cycle_id)
        ballot_path = url_for("voting.ballot", cycle_id=cycle_id)
    clients = []
    with app.app_context():
        usernames = [db.session.get(User, v).username for v in voter_ids]
    for username in usernames:
        client = app.test_client()
        response = client.post("/login", data={"login": username, "password": PASSWORD,
                                               "csrf_token": token(client, "/login")})
        if response.status_code != 302:
            raise SystemExit(f"signing in {username} failed: {response.status_code}")
        clients.append((client, token(client, ballot_path)))
    # One submit first, not timed: the first request of a process loads templates, translations…
    warm_client, warm_csrf = clients.pop(0)
    voter_ids = voter_ids[1:]
    warm_client.post(path, data={"csrf_token": warm_csrf, **{f"p{pid}": "1" for pid in a_ballot(costs, rng)}})
    rounds: list[list[float]] = [[], []]
    last: dict[int, dict[int, int]] = {}
    for timings in rounds:
        for voter_id, (client, csrf) in zip(voter_ids, clients, strict=True):
            choices = a_ballot(costs, rng)
            data = {"csrf_token": csrf, **{f"p{pid}": "1" for pid in choices}}
            started = time.perf_counter()
            response = client.post(path, data=data)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 303:
                raise SystemExit(f"submit refused with {response.status_code}: "
                                 f"{response.get_data(as_text=True)[:300]}")
            last[voter_id] = choices
    with app.app_context():  # every voter's stored ballot is their last one
        for voter_id, choices in last.items():
            stored = voting.my_ballots(cycle_id, voting.Voter(user=db.session.get(User, voter_id)))
            assert list(stored.values()) == [choices], (voter_id, stored, choices)
    return rounds[0], rounds[1], path


def time_service(app, cycle_id: int, costs, voter_ids, rng) -> tuple[list[float], list[float]]:
    from ypb.models import User
    from ypb.services import voting

    rounds: list[list[float]] = [[], []]
    with app.app_context():
        voting.cast(voting.Voter(user=db.session.get(User, voter_ids[0])), cycle_id, None, a_ballot(costs, rng))
        voter_ids = voter_ids[1:]  # that one was the untimed warm-up
        db.session.remove()
        for timings in rounds:
            for voter_id in voter_ids:
                voter = voting.Voter(user=db.session.get(User, voter_id))
                choices = a_ballot(costs, rng)
                started = time.perf_counter()
                voting.cast(voter, cycle_id, None, choices)
                timings.append((time.perf_counter() - started) * 1000)
                db.session.remove()  # a fresh session, as each request gets
    return rounds[0], rounds[1]


def run(label: str, url: str, submits: int, projects: int, seed: int) -> None:
    rng = random.Random(seed)
    app = build_app(url)
    from ypb.models import Ballot

    cycle_id, costs = make_cycle(app, projects, rng)
    voters = submits // 2
    has_route = any(rule.endpoint == "voting.confirm" for rule in app.url_map.iter_rules())
    print(f"\n== {label}")
    print(f"   {projects} approved projects, knapsack ballot of {BUDGET / 100:,.0f} EUR; {voters} voters each "
          f"send a first ballot and then a changed one = {voters * 2} submits, one after another")
    if has_route:
        first, change, path = time_route(app, cycle_id, costs, make_voters(app, "web", voters + 1), rng)
        print(f"   measured: POST {path} (endpoint voting.confirm) through the Flask test client: CSRF,")
        print("             session, permission, form parsing, voting.cast, commit, 303 redirect")
        print(f"     all submits    {figures(first + change)}")
        print(f"     first ballots  {figures(first)}")
        print(f"     changes        {figures(change)}")
    else:
        print("   the web route voting.confirm does not exist yet: only voting.cast is timed")
    first, change = time_service(app, cycle_id, costs, make_voters(app, "svc", voters + 1), rng)
    print("   measured: voting.cast() called directly (the service alone, one session per submit)")
    print(f"     all submits    {figures(first + change)}")
    print(f"     first ballots  {figures(first)}")
    print(f"     changes        {figures(change)}")
    with app.app_context():
        stored = db.session.query(Ballot).count()
        expected = (voters + 1) * (2 if has_route else 1)  # with the warm-up voters
        assert stored == expected, f"{stored} ballots stored, expected {expected}"
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submits", type=int, default=200, help="ballot submits to time (default 200)")
    parser.add_argument("--projects", type=int, default=40, help="approved projects on the ballot (default 40)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"ypb ballot submit bench: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="ypb-bench-") as tmp:
        path = Path(tmp) / "bench.sqlite3"
        run(f"SQLite (file {path}, WAL, synchronous=NORMAL)", f"sqlite:///{path}", args.submits, args.projects,
            args.seed)
    if url := os.environ.get("YPB_BENCH_DATABASE_URL"):
        url = normalise_database_url(url)
        run(f"PostgreSQL ({url.rsplit('@', 1)[-1]})", url, args.submits, args.projects, args.seed)
    else:
        print("\n(set YPB_BENCH_DATABASE_URL to a throwaway PostgreSQL database to time PostgreSQL too)")


if __name__ == "__main__":
    main()
