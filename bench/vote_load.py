"""Votes under load and faults: is any acknowledged vote lost or counted twice?

Starts the app under gunicorn (4 workers on PostgreSQL, 2 on SQLite in WAL mode) on a
fresh throwaway database, makes one cycle in voting per scenario with a voting code per
voter (through the services, before gunicorn starts), and drives the voters from this
process over loopback with httpx's async client. Every voter keeps a ledger of what the
server acknowledged (a 303 to the "done" page); an unclear outcome (timeout, reset
connection, 5xx) is sent again with the same idempotency key and the same cookies, as a
browser retrying the same form would. At the end the database is reconciled against the
ledgers, and one line per scenario is printed.

Run from the repository root (see docs/reliability.md for the figures):

    .venv/bin/python bench/vote_load.py                      # PostgreSQL, then SQLite
    .venv/bin/python bench/vote_load.py --db sqlite --scenario steady
    .venv/bin/python bench/vote_load.py --pg-admin-url postgresql+psycopg://postgres@127.0.0.1/postgres

The PostgreSQL database (ypb_load_<random>) is created and dropped by the script.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
IDEM = re.compile(r'name="idem" value="([^"]+)"')
TIMEOUT_S = 10.0


@dataclasses.dataclass
class Scenario:
    name: str
    title: str
    voters: int
    ops: int  # ballots each voter (each tab) sends one after another
    concurrency: int
    tabs: int = 1
    same_key_burst: int = 0  # the last ballot's key sent this many times at once
    kill_every_s: float = 0  # kill -9 a random worker this often (0: never)
    max_kills: int = 0  # stop killing after this many (0: no limit)
    closing_burst: bool = False


def scenarios(small: bool) -> list[Scenario]:
    if small:
        return [Scenario("small", "20 voters x 3, 1 worker killed", 20, 3, 10, kill_every_s=1.0, max_kills=1)]
    return [
        Scenario("steady", "steady casting", 200, 5, 50),
        Scenario("two_tabs", "rapid changes from two tabs per voter", 100, 4, 50, tabs=2),
        Scenario("same_key", "the same key sent 5 times at once", 100, 2, 50, same_key_burst=5),
        Scenario("kill9", "kill -9 of a random worker every 5 s", 200, 5, 50, kill_every_s=5.0),
        Scenario("closing", "a burst at the closing second", 200, 1, 200, closing_burst=True),
    ]


# --- the database and the server ---------------------------------------------------------------

def make_database(kind: str, pg_admin_url: str, workdir: Path) -> tuple[str, object]:
    """A fresh database URL, and how to remove it."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'load.sqlite3'}", lambda: None
    import psycopg

    name = f"ypb_load_{secrets.token_hex(4)}"
    admin = pg_admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    base = pg_admin_url.rsplit("/", 1)[0]
    return f"{base}/{name}", drop


def server_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, SECRET_KEY="load-test-" + secrets.token_hex(16), YPB_ENV="development")
    return env


def upgrade(env: dict) -> None:
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, workers: int, port: int, log: Path) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--timeout", "30", "--graceful-timeout", "5", "app:app"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code < 500:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"gunicorn did not start; see {log}")


def workers_of(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


# --- the cycles ----------------------------------------------------------------------------------

def setup_cycles(database_url: str, plan: list[Scenario]) -> dict:
    """One cycle in voting per scenario, a code per voter; returns what the voters need."""
    from tests.conftest import _voting_cycle, make_user
    from ypb import create_app
    from ypb.extensions import db
    from ypb.models import Cycle, User
    from ypb.services import voting

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    made = {}
    secretary_id = make_user(app, "load-secretary", "secretary")
    author_id = make_user(app, "load-author", "youth")
    with app.app_context():
        for sc in plan:
            secretary, author = db.session.get(User, secretary_id), db.session.get(User, author_id)
            world = _voting_cycle(secretary, author, datetime.now(UTC))
            cycle_id = world["cycle_voting"]
            codes = voting.generate_codes(secretary, cycle_id, sc.voters, label=sc.name)
            made[sc.name] = {"cycle": cycle_id, "projects": world["ballot_projects"], "codes": codes}
        db.session.remove()
    _ = Cycle
    return made


def set_voting_end(database_url: str, cycle_id: int, end: datetime) -> None:
    from sqlalchemy import update

    from ypb import create_app
    from ypb.extensions import db
    from ypb.models import Cycle

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.session.execute(update(Cycle).where(Cycle.id == cycle_id).values(voting_end=end))
        db.session.commit()
        db.session.remove()


# --- the voters -------------------------------------------------------------------------------------

@dataclasses.dataclass
class Op:
    choices: tuple[int, ...]
    started: float
    finished: float = 0.0
    outcome: str = "unclear"  # "ack", "refused"
    wall_sent: datetime | None = None


@dataclasses.dataclass
class Stats:
    requests: int = 0
    errors: int = 0  # 5xx and transport errors (each then retried)
    limited: int = 0  # 429
    vote_latencies: list = dataclasses.field(default_factory=list)


class Tab:
    """One browser tab: its own cookies, entering the code, loading the ballot, confirming."""

    def __init__(self, base: str, cycle_id: int, code: str, stats: Stats):
        self.http = httpx.AsyncClient(base_url=base, timeout=TIMEOUT_S, follow_redirects=False)
        self.cycle_id, self.code, self.stats = cycle_id, code, stats
        self.csrf: str | None = None

    async def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        """Send until the outcome is clear: a retry is the same request with the same cookies."""
        for attempt in range(60):
            self.stats.requests += 1
            started = time.monotonic()
            try:
                response = await self.http.request(method, url, **kwargs)
            except httpx.TransportError:
                self.stats.errors += 1
                await asyncio.sleep(min(0.05 * 2 ** attempt, 1.0))
                continue
            if url.endswith("/confirm"):
                self.stats.vote_latencies.append(time.monotonic() - started)
            if response.status_code == 429:
                self.stats.limited += 1
                await asyncio.sleep(1.0)
                continue
            if response.status_code >= 500:
                self.stats.errors += 1
                await asyncio.sleep(min(0.05 * 2 ** attempt, 1.0))
                continue
            return response
        raise RuntimeError(f"{method} {url}: no clear answer after 60 tries")

    def _remember_csrf(self, html: str) -> None:
        if found := CSRF.search(html):
            self.csrf = found.group(1)

    async def enter_code(self) -> None:
        if self.csrf is None:
            self._remember_csrf((await self.request("GET", f"/cycles/{self.cycle_id}/vote/code")).text)
        response = await self.request("POST", f"/cycles/{self.cycle_id}/vote/code",
                                      data={"code": self.code, "csrf_token": self.csrf})
        if response.status_code != 303:
            raise RuntimeError(f"code refused: {response.status_code}")

    async def ballot_page(self) -> dict | None:
        """The form's hidden fields, or None when voting is closed."""
        for _ in range(3):
            response = await self.request("GET", f"/cycles/{self.cycle_id}/vote")
            self._remember_csrf(response.text)
            if found := IDEM.search(response.text):
                return {"csrf_token": self.csrf, "idem": found.group(1), "budget": ""}
            if 'name="code"' not in response.text:
                return None  # the closed page
            await self.enter_code()
        raise RuntimeError("no ballot page")

    async def confirm(self, form: dict, choices: tuple[int, ...]) -> str:
        data = {**form, **{f"p{pid}": "1" for pid in choices}}
        response = await self.request("POST", f"/cycles/{self.cycle_id}/vote/confirm", data=data)
        if response.status_code == 303 and response.headers["location"].split("?")[0].endswith("/vote/done"):
            return "ack"
        if response.status_code in (303, 422):
            return "refused"
        raise RuntimeError(f"confirm answered {response.status_code}")


def new_choices(rng: random.Random, projects: list[int], previous: tuple[int, ...] | None) -> tuple[int, ...]:
    while True:
        picked = tuple(sorted(rng.sample(projects, rng.randint(1, 2))))
        if picked != previous:
            return picked


async def run_tab(tab: Tab, ledger: list[Op], sc: Scenario, projects: list[int], sem: asyncio.Semaphore,
                  rng: random.Random, closing_at: float | None) -> None:
    previous = None
    for n in range(sc.ops):
        async with sem:
            form = await tab.ballot_page()
            if form is None:
                return
            choices = new_choices(rng, projects, previous)
            previous = choices
            last = n == sc.ops - 1
            if closing_at is not None:
                # Everyone waits with a filled-in ballot, then sends in the second around the close.
                await asyncio.sleep(max(0.0, closing_at - time.time() + rng.uniform(-1.0, 1.0)))
            if sc.same_key_burst and last:
                ops = [Op(choices, time.monotonic(), wall_sent=datetime.now(UTC)) for _ in range(sc.same_key_burst)]
                # Separate connections, the same cookies and form: a flaky network resending.
                copies = [Tab(str(tab.http.base_url), tab.cycle_id, tab.code, tab.stats) for _ in ops]
                for copy in copies:
                    copy.http.cookies = httpx.Cookies(tab.http.cookies)
                outcomes = await asyncio.gather(*(c.confirm(form, choices) for c in copies))
                for op, outcome, copy in zip(ops, outcomes, copies, strict=True):
                    op.outcome, op.finished = outcome, time.monotonic()
                    await copy.http.aclose()
                ledger.extend(ops)
                continue
            op = Op(choices, time.monotonic(), wall_sent=datetime.now(UTC))
            op.outcome = await tab.confirm(form, choices)
            op.finished = time.monotonic()
            ledger.append(op)


async def killer(master: int, every: float, stop: asyncio.Event, killed: list[int], rng: random.Random,
                 max_kills: int) -> None:
    while not stop.is_set() and not (max_kills and len(killed) >= max_kills):
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
            return
        except TimeoutError:
            pass
        if pids := workers_of(master):
            pid = rng.choice(pids)
            try:
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            except ProcessLookupError:
                pass


async def drive(base: str, sc: Scenario, cycle: dict, master: int, closing_at: float | None, seed: int) -> dict:
    rng = random.Random(seed)
    stats = Stats()
    sem = asyncio.Semaphore(sc.concurrency)
    tabs, ledgers = [], {}
    for code in cycle["codes"]:
        ledgers[code] = []
        for _ in range(sc.tabs):
            tabs.append((Tab(base, cycle["cycle"], code, stats), ledgers[code]))
    stop, killed = asyncio.Event(), []
    kill_task = (asyncio.create_task(killer(master, sc.kill_every_s, stop, killed, random.Random(seed + 1),
                                                     sc.max_kills))
                 if sc.kill_every_s else None)
    started = time.monotonic()
    await asyncio.gather(*(run_tab(tab, ledger, sc, cycle["projects"], sem, random.Random(rng.random()), closing_at)
                           for tab, ledger in tabs))
    elapsed = time.monotonic() - started
    stop.set()
    if kill_task:
        await kill_task
    for tab, _ in tabs:
        await tab.http.aclose()
    return {"ledgers": ledgers, "stats": stats, "elapsed": elapsed, "killed": len(killed)}


# --- reconciliation --------------------------------------------------------------------------------

def reconcile(database_url: str, sc: Scenario, cycle: dict, run: dict, voting_end: datetime | None) -> dict:
    """Compare each voter's stored ballot with what the server acknowledged to them."""
    from sqlalchemy import func, select

    from ypb import create_app
    from ypb.domain.ballot import ballot_refusals
    from ypb.extensions import db
    from ypb.models import Ballot, Budget, Cycle, Participation
    from ypb.services import voting

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    lost = double = over = late = 0
    with app.app_context():
        cycle_row = db.session.get(Cycle, cycle["cycle"])
        budgets = voting.budgets_of(cycle_row)
        projects = voting.projects_on_ballot(cycle_row, budgets[0])
        rules, costs = voting.rules_for(cycle_row, budgets[0]), {p.id: p.final_cost for p in projects}
        voters_with_acks = 0
        for code, ledger in run["ledgers"].items():
            acked = [op for op in ledger if op.outcome == "ack"]
            found = voting.find_code(cycle["cycle"], code)
            name = voting.pseudonym(cycle["cycle"], voting.Voter(code=found))
            rows = db.session.scalars(select(Ballot).join(Budget).where(
                Budget.cycle_id == cycle["cycle"], Ballot.pseudonym == name)).all()
            if voting_end is not None:
                late += sum(1 for op in acked if op.wall_sent > voting_end)
            if acked:
                voters_with_acks += 1
            double += max(0, len(rows) - 1)
            if not rows:
                lost += 1 if acked else 0
                continue
            stored = rows[0]
            choices = tuple(sorted(c.proposal_id for c in stored.choices))
            if ballot_refusals(rules, {c.proposal_id: c.points for c in stored.choices}, costs):
                over += 1
            # The stored ballot must be an acknowledged one that no later acknowledged ballot
            # (sent after it was acknowledged) replaced.
            latest = [op for op in acked if not any(o.started > op.finished for o in acked)]
            if not acked or choices not in {op.choices for op in latest}:
                lost += 1
            if sc.tabs == 1:
                # One change counted per acknowledged ballot that differed from the one before.
                expected, prev = 0, None
                for op in sorted(acked, key=lambda o: o.started):
                    if op.choices != prev:
                        expected, prev = expected + 1, op.choices
                double += 1 if stored.version > expected else 0
            elif stored.version > len(acked):
                double += 1
        participations = db.session.scalar(select(func.count()).select_from(Participation)
                                           .where(Participation.cycle_id == cycle["cycle"]))
        double += max(0, participations - voters_with_acks)
        db.session.remove()
    stats: Stats = run["stats"]
    acks = sum(1 for ledger in run["ledgers"].values() for op in ledger if op.outcome == "ack")
    refused = sum(1 for ledger in run["ledgers"].values() for op in ledger if op.outcome == "refused")
    lat = sorted(stats.vote_latencies) or [0.0]

    def pct(p):
        return lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] * 1000

    return {
        "scenario": sc.name, "voters_x_ops": f"{sc.voters}x{sc.ops}" + (f"x{sc.tabs} tabs" if sc.tabs > 1 else ""),
        "concurrency": sc.concurrency, "acked": acks, "refused": refused,
        "lost": lost, "double_counted": double, "over_limit": over, "late": late,
        "votes_per_s": round(acks / run["elapsed"], 1), "requests_per_s": round(stats.requests / run["elapsed"], 1),
        "p50_ms": round(pct(50)), "p95_ms": round(pct(95)), "p99_ms": round(pct(99)),
        "error_rate": round(stats.errors / max(1, stats.requests), 4),
        "rate_429": round(stats.limited / max(1, stats.requests), 4), "killed": run["killed"],
    }


# --- one database ------------------------------------------------------------------------------------

def run_database(kind: str, workers: int, plan: list[Scenario], pg_admin_url: str, seed: int = 7) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="ypb_load_") as tmp:
        workdir = Path(tmp)
        url, drop = make_database(kind, pg_admin_url, workdir)
        proc = None
        try:
            env = server_env(url)
            upgrade(env)
            cycles = setup_cycles(url, plan)
            port = free_port()
            proc = start_gunicorn(env, workers, port, workdir / "gunicorn.log")
            base = f"http://127.0.0.1:{port}"
            for sc in plan:
                voting_end = closing_at = None
                if sc.closing_burst:
                    voting_end = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=45)
                    set_voting_end(url, cycles[sc.name]["cycle"], voting_end)
                    closing_at = voting_end.timestamp()
                run = asyncio.run(drive(base, sc, cycles[sc.name], proc.pid, closing_at, seed))
                result = reconcile(url, sc, cycles[sc.name], run, voting_end)
                result.update(database=kind, workers=workers)
                results.append(result)
                print(format_row(result), flush=True)
        finally:
            if proc is not None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
            drop()
    return results


COLUMNS = [("database", 10), ("workers", 7), ("scenario", 9), ("voters_x_ops", 15), ("concurrency", 11),
           ("acked", 6), ("refused", 7), ("lost", 4), ("double_counted", 14), ("over_limit", 10), ("late", 4),
           ("votes_per_s", 11), ("p50_ms", 6), ("p95_ms", 6), ("p99_ms", 6), ("error_rate", 10),
           ("rate_429", 8), ("killed", 6)]


def format_row(result: dict) -> str:
    return "| " + " | ".join(str(result[name]).ljust(width) for name, width in COLUMNS) + " |"


def header() -> str:
    return ("| " + " | ".join(name.ljust(width) for name, width in COLUMNS) + " |\n"
            + "|" + "|".join("-" * (width + 2) for _, width in COLUMNS) + "|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--scenario", action="append", help="run only these (default: all)")
    parser.add_argument("--small", action="store_true", help="the short scenario that make test runs")
    parser.add_argument("--pg-admin-url", default=os.environ.get(
        "YPB_LOAD_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1/postgres"))
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    plan = [sc for sc in scenarios(args.small) if not args.scenario or sc.name in args.scenario]
    print(header(), flush=True)
    results = []
    if args.db in ("postgresql", "both"):
        results += run_database("postgresql", 4, plan, args.pg_admin_url)
    if args.db in ("sqlite", "both"):
        results += run_database("sqlite", 2, plan, args.pg_admin_url)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    bad = [r for r in results if r["lost"] or r["double_counted"] or r["over_limit"] or r["late"]]
    print("\nOK: 0 lost, 0 double-counted, 0 over-limit, 0 late in every scenario" if not bad
          else f"\nFAILED in: {', '.join(r['database'] + '/' + r['scenario'] for r in bad)}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
