"""Open-data downloads: proposals, results and anonymised ballots as CSV and JSON files that a
spreadsheet opens safely and that match what the site publishes."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from flask import render_template_string

from tests.conftest import PASSWORD
from ypb.domain.cycle import Phase
from ypb.domain.pabulib import parse_pabulib
from ypb.extensions import db
from ypb.models import Cycle, User
from ypb.services import accounts, cycles, pbimport, proposals, results, voting
from ypb.services.proposals import ProposalInput

KINDS = ("proposals.csv", "proposals.json", "results.csv", "results.json", "ballots.csv")


def read_csv(response) -> list[dict]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff"), "no byte-order mark: Excel would garble accented names"
    return list(csv.DictReader(io.StringIO(body[1:])))


def close_voting(app, world, picks: list[tuple[int, ...]]) -> int:
    """Cast one ballot per pick (indexes into the ballot's projects), then close the vote."""
    with app.app_context():
        cycle = db.session.get(Cycle, world["cycle_voting"])
        projects = world["ballot_projects"]
        for i, pick in enumerate(picks):
            voter = voting.Voter(user=accounts.create_account(
                username=f"voter{i}", display_name=f"Voter {i}", password=PASSWORD, birth_year=2008, resident=True))
            voting.cast(voter, cycle.id, None, {projects[j]: 1 for j in pick})
        cycles.advance(db.session.get(User, world["secretary"]), cycle.id, Phase.RESULTS,
                       now=cycle.voting_end + timedelta(seconds=1))
        return cycle.id


@pytest.fixture
def tricky(app, world):
    """A published proposal whose texts a spreadsheet would run as formulas."""
    with app.app_context():
        youth = db.session.get(User, world["youth"])
        return proposals.create(youth, world["cycle_proposals"], ProposalInput(
            title='=HYPERLINK("http://example.com","Win")', summary="+1 for benches, \"quoted\", and commas",
            description="", estimated_cost=150_050), submit=True).id


def test_proposals_csv_lists_published_proposals_safely(client_for, world, tricky):
    response = client_for("anonymous").get(f"/cycles/{world['cycle_proposals']}/proposals.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="cycle-{world["cycle_proposals"]}-proposals.csv"')
    rows = read_csv(response)
    assert list(rows[0]) == ["id", "title", "summary", "category", "status", "author", "group",
                             "estimated_cost", "final_cost", "decision_reason"]
    # The author's draft in this cycle is not published: only the submitted proposal is there.
    [row] = rows
    assert row["id"] == str(tricky) and row["status"] == "submitted"
    assert row["title"] == "'=HYPERLINK(\"http://example.com\",\"Win\")"
    assert row["summary"] == "'+1 for benches, \"quoted\", and commas"
    assert row["author"] == "Youth-User" and row["estimated_cost"] == "150050" and row["final_cost"] == ""


def test_proposals_json_has_the_same_rows_unaltered(client_for, world, tricky):
    response = client_for("youth").get(f"/cycles/{world['cycle_proposals']}/proposals.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    document = response.get_json()
    assert document["cycle"]["id"] == world["cycle_proposals"] and document["cycle"]["currency"] == "EUR"
    [proposal] = document["proposals"]
    assert proposal["title"] == '=HYPERLINK("http://example.com","Win")'  # JSON is not opened by spreadsheets
    assert proposal["estimated_cost"] == 150_050 and proposal["author"] == "Youth-User"
    assert "youth-user" not in response.get_data(as_text=True)  # the username never goes out


@pytest.mark.parametrize("role", ["anonymous", "secretary"])
def test_a_draft_cycle_has_no_open_data_even_for_staff(client_for, world, role):
    client = client_for(role)
    for kind in KINDS:
        assert client.get(f"/cycles/{world['cycle_draft']}/{kind}").status_code == 404
        assert client.get(f"/cycles/999999/{kind}").status_code == 404


def test_results_and_ballots_appear_when_voting_closes(app, client_for, world):
    client = client_for("anonymous")
    for kind in KINDS[2:]:
        assert client.get(f"/cycles/{world['cycle_voting']}/{kind}").status_code == 404
    cycle_id = close_voting(app, world, [(0, 1), (0,), (1, 2), (0, 2), (2,)])
    bikes, gym, books = world["ballot_projects"]

    rows = read_csv(client.get(f"/cycles/{cycle_id}/results.csv"))
    by_id = {int(r["project_id"]): r for r in rows}
    assert list(rows[0]) == ["budget", "project_id", "title", "cost", "votes", "points", "funded", "reason",
                             "rule", "ratified"]
    assert by_id[bikes] == {"budget": "Voting cycle", "project_id": str(bikes), "title": "Bike racks",
                            "cost": "300000", "votes": "3", "points": "3", "funded": "true",
                            "reason": "greedy.funded", "rule": "greedy", "ratified": "false"}

    document = client.get(f"/cycles/{cycle_id}/results.json").get_json()
    [budget] = document["budgets"]
    with app.app_context():
        [stored] = results.results_of(db.session.get(Cycle, cycle_id))
        assert budget["pb_sha256"] == stored.result.pb_sha256 and budget["voters"] == 5
        assert budget["selected"] == stored.result.selected
        pb = results.pb_file(db.session.get(Cycle, cycle_id), stored.budget)
    assert {p["project_id"]: p["votes"] for p in budget["projects"]} == {bikes: 3, gym: 2, books: 3}

    # The ballots file says what the .pb file says, ballot by ballot, in the same order.
    response = client.get(f"/cycles/{cycle_id}/ballots.csv")
    assert response.headers["Content-Disposition"] == f'attachment; filename="cycle-{cycle_id}-ballots.csv"'
    ballots = read_csv(response)
    _, pb_ballots = parse_pabulib(pb)
    expected = [(str(n), pid, str(points)) for n, b in enumerate(pb_ballots, start=1)
                for pid, points in b.choices.items()]
    assert [(r["ballot"], r["project_id"], r["points"]) for r in ballots] == expected
    assert {r["budget"] for r in ballots} == {"Voting cycle"}


def test_a_blank_ballot_keeps_its_number(app, client_for):
    text = ("META\nkey;value\nbudget;100\nvote_type;approval\nrule;greedy\nmin_length;0\n"
            "PROJECTS\nproject_id;cost;name\n1;60;Skate lights\n2;50;Repair café\n"
            "VOTES\nvoter_id;vote\na;1,2\nb;\nc;2\n")
    with app.app_context():
        imported = pbimport.import_pb(text, "blank.pb", title="Imported vote")
        ids = {p.title: str(p.id) for p in voting.approved_projects(db.session.get(Cycle, imported.cycle_id))}
    skate, cafe = ids["Skate lights"], ids["Repair café"]
    rows = read_csv(client_for("anonymous").get(f"/cycles/{imported.cycle_id}/ballots.csv"))
    assert [(r["ballot"], r["project_id"], r["points"]) for r in rows] == [
        ("1", skate, "1"), ("1", cafe, "1"), ("2", "", ""), ("3", cafe, "1")]
    assert read_csv(client_for("anonymous").get(f"/cycles/{imported.cycle_id}/results.csv"))[0]["ratified"] == "true"


def test_the_open_data_section_links_what_exists(app, world):
    template = '{% include "opendata/links.html" %}'
    with app.test_request_context():
        voting_cycle = db.session.get(Cycle, world["cycle_voting"])
        html = render_template_string(template, cycle=voting_cycle)
    assert "Open data" in html
    assert f'href="/cycles/{world["cycle_voting"]}/proposals.csv"' in html
    assert "results.csv" not in html and "ballots.csv" not in html
    close_voting(app, world, [(0,)])
    with app.test_request_context():
        html = render_template_string(template, cycle=db.session.get(Cycle, world["cycle_voting"]))
    for kind in KINDS:
        assert f'href="/cycles/{world["cycle_voting"]}/{kind}"' in html
    # Saved as files, not fetched into the page by the boosted navigation.
    assert html.count('download hx-boost="false"') == len(KINDS)
