"""The small version of bench/vote_load.py: 20 code voters x 3 changes, 10 at a time,
against gunicorn with 2 workers, one of them killed with SIGKILL mid-run. Every
acknowledged vote must be the one stored, none counted twice, none over the ballot's
limits (no timing assertions: the machine may be busy)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("YPB_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.mark.parametrize("database", DATABASES)
def test_no_vote_lost_or_double_counted_under_a_killed_worker(database, tmp_path):
    out = tmp_path / "results.json"
    command = [sys.executable, str(ROOT / "bench/vote_load.py"), "--small", "--db", database, "--json", str(out)]
    if database == "postgresql":
        # A fresh database on the test server, made and dropped by the script.
        command += ["--pg-admin-url", PG_URL.rsplit("/", 1)[0] + "/postgres"]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    (result,) = json.loads(out.read_text())
    assert result["acked"] == 20 * 3
    assert (result["lost"], result["double_counted"], result["over_limit"]) == (0, 0, 0)
    assert result["killed"] == 1
