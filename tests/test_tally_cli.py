"""`flask --app app ypb tally FILE.pb`: the JSON an auditor reads, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SMALL = """META
key;value
description;hand-made
num_projects;3
num_votes;4
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
1;60;Skate lights
2;50;Repair cafe
10;40;Book shelf
VOTES
voter_id;vote
a;1,2
b;1
c;2,10
d;10,1
"""

ASSEN = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pabulib" / "Netherlands_Assen_2024.pb"


def run(app, tmp_path, text, *args):
    path = tmp_path / "instance.pb"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["ypb", "tally", str(path), *args])


def test_greedy_prints_the_selected_projects_as_json(app, tmp_path):
    result = run(app, tmp_path, SMALL, "--rule", "greedy")
    assert result.exit_code == 0, result.output
    # Supporters: 1 → 3, 2 → 2, 10 → 2; "10" wins the tie with "2" as a string; 1 (60) + 10 (40) fill 100.
    assert json.loads(result.output) == {"selected": ["1", "10"], "cost": 100, "rule": "greedy"}


def test_mes_and_threshold(app, tmp_path):
    result = run(app, tmp_path, SMALL, "--rule", "mes", "--sat", "cardinality")
    assert result.exit_code == 0
    outcome = json.loads(result.output)
    assert outcome["rule"] == "mes --sat cardinality" and outcome["cost"] <= 100
    strict = json.loads(run(app, tmp_path, SMALL, "--rule", "greedy", "--threshold", "3").output)
    assert strict["selected"] == ["1"]
    filled = json.loads(run(app, tmp_path, SMALL, "--rule", "mes", "--completion", "add1-greedy").output)
    assert filled["rule"] == "mes --sat cost --completion add1-greedy" and filled["cost"] <= 100


def test_a_malformed_file_names_section_and_line(app, tmp_path):
    broken = SMALL.replace("c;2,10", "c;2,7")
    result = run(app, tmp_path, broken, "--rule", "greedy")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "section VOTES" in lines[0] and "line" in lines[0]


@pytest.mark.skipif(not ASSEN.exists(), reason=f"real Pabulib files are read from {ASSEN.parent}")
def test_a_real_file(app):
    result = app.test_cli_runner().invoke(args=["ypb", "tally", str(ASSEN), "--rule", "mes"])
    assert result.exit_code == 0
    outcome = json.loads(result.output)
    assert outcome["selected"] == sorted(outcome["selected"]) and outcome["cost"] > 0
