"""An empty database upgraded to head matches the models (`flask db check`)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ypb.config import normalise_database_url

ROOT = Path(__file__).resolve().parents[1]


def flask(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "YPB_ENV": "development",
           "SECRET_KEY": "migration-test"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def upgrade_and_check(url: str) -> None:
    up = flask("db", "upgrade", database_url=url)
    assert up.returncode == 0, up.stderr
    check = flask("db", "check", database_url=url)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def test_sqlite_upgrade_to_head_matches_models(tmp_path):
    upgrade_and_check(f"sqlite:///{tmp_path / 'migrate.sqlite3'}")


@pytest.mark.skipif(not os.environ.get("YPB_TEST_DATABASE_URL"),
                    reason="set YPB_TEST_DATABASE_URL to check migrations on PostgreSQL")
def test_postgresql_upgrade_to_head_matches_models():
    base = normalise_database_url(os.environ["YPB_TEST_DATABASE_URL"])
    name = f"ypb_migrate_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        upgrade_and_check(base.rsplit("/", 1)[0] + "/" + name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
