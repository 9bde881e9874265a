"""Backup and restore: a database taken while ballots and comments keep arriving comes back
whole (tallies, turnout, comments, an unbroken audit trail) in a fresh database."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from tests.conftest import PASSWORD
from ypb import create_app
from ypb.config import TestConfig
from ypb.extensions import db
from ypb.models import AuditEntry, Ballot, BallotChoice, Budget, Comment, Participation, User
from ypb.services import accounts, audit, comments, voting


def _tally(cycle_id: int) -> dict[int, int]:
    rows = db.session.execute(
        select(BallotChoice.proposal_id, func.sum(BallotChoice.points))
        .join(Ballot, Ballot.id == BallotChoice.ballot_id).join(Budget, Budget.id == Ballot.budget_id)
        .where(Budget.cycle_id == cycle_id).group_by(BallotChoice.proposal_id)).all()
    return {pid: int(points) for pid, points in rows}


def _state(app, world) -> dict:
    """What must survive a round trip: the count, who took part, comments, the audit trail."""
    with app.app_context():
        cycle_id = world["cycle_voting"]
        head = audit.head()
        state = {
            "tally": _tally(cycle_id),
            "ballots": db.session.scalar(select(func.count()).select_from(Ballot)),
            "participations": db.session.scalar(select(func.count()).where(Participation.cycle_id == cycle_id)),
            "comments": db.session.scalar(select(func.count()).select_from(Comment)),
            "audit_head": (head.seq, head.hash) if head else None,
            "audit_broken": audit.verify(),
        }
        db.session.remove()
        return state


def _writer(app, world, stop: threading.Event, done: list) -> None:
    """Casts ballots (one new voter each) and adds comments until told to stop."""
    projects = world["ballot_projects"]
    with app.app_context():
        n = 0
        while not stop.is_set() or n < 4:
            n += 1
            user = accounts.create_account(username=f"bvoter{n}", display_name=f"Voter {n}", password=PASSWORD,
                                           birth_year=2009, resident=True)
            voting.cast(voting.Voter(user=user), world["cycle_voting"], None,
                        {projects[n % 3]: 1, projects[(n + 1) % 3]: 1})
            council = db.session.get(User, world["council"])
            comments.add(council, world["proposal"], f"Comment number {n}")
            audit.record("test", "test.write", f"n:{n}")
            db.session.commit()
            done.append(n)
        db.session.remove()


@pytest.fixture
def fresh_url(database_url, tmp_path):
    """An empty database of the same kind, to restore into."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_restore"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["ypb", *args])


def test_a_backup_taken_under_writes_restores_whole_and_identical(app, world, tmp_path, fresh_url):
    stop, done = threading.Event(), []
    writer = threading.Thread(target=_writer, args=(app, world, stop, done))
    writer.start()
    try:
        while len(done) < 2:  # the backup starts in the middle of the writing
            time.sleep(0.05)
        before = len(done)
        during = _cli(app, "backup", str(tmp_path / "during.bak"))
        after = len(done)
    finally:
        stop.set()
        writer.join(timeout=120)
    assert during.exit_code == 0, during.output
    assert "backup written to" in during.output

    restored = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": fresh_url})
    result = _cli(restored, "restore", str(tmp_path / "during.bak"))
    assert result.exit_code == 0, result.output
    got = _state(restored, world)
    # A consistent snapshot: every ballot with its participation, the chain whole, and each
    # writer round (ballot, comment, audit entry in their own commits) present or absent as a whole.
    assert got["audit_broken"] is None
    assert got["ballots"] == got["participations"]
    assert before <= got["ballots"] <= after + 1
    assert sum(got["tally"].values()) == 2 * got["ballots"]

    # Once the writing has stopped, a backup restores to exactly what the site shows.
    source = _state(app, world)
    assert _cli(app, "backup", str(tmp_path / "final.bak")).exit_code == 0
    refused = _cli(restored, "restore", str(tmp_path / "final.bak"))
    assert refused.exit_code == 2 and "not empty" in refused.output
    result = _cli(restored, "restore", "--yes", str(tmp_path / "final.bak"))
    assert result.exit_code == 0, result.output
    assert _state(restored, world) == source
    assert source["ballots"] == len(done) and source["audit_broken"] is None
    with restored.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == source["audit_head"][0]
        db.session.remove()
        db.engine.dispose()


def test_backup_refuses_to_overwrite_a_file_and_restore_a_non_backup(app, tmp_path):
    existing = tmp_path / "taken.bak"
    existing.write_text("keep me")
    result = _cli(app, "backup", str(existing))
    assert result.exit_code == 2 and "already exists" in result.output
    assert existing.read_text() == "keep me"


def test_restoring_something_that_is_not_a_backup_changes_nothing(tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database at all" * 100)
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url})
    result = _cli(app, "restore", str(bogus))
    assert result.exit_code == 2 and "not an SQLite backup" in result.output
    assert not (tmp_path / "empty.sqlite3").exists() or (tmp_path / "empty.sqlite3").stat().st_size == 0


def test_missing_postgres_tools_give_a_clear_message(monkeypatch, tmp_path):
    from ypb.services import backup

    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    with pytest.raises(backup.BackupError, match="pg_dump was not found"):
        backup.backup("postgresql+psycopg://u:secret@127.0.0.1/x", tmp_path / "x.bak")
