"""`flask --app app ypb import-pb FILE.pb`: a real election as a closed cycle with its counted results."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from tests.pabulib_files import pabulib_path
from tests.services import codes, refused
from ypb.domain import tally
from ypb.domain.pabulib import parse_pabulib
from ypb.extensions import db
from ypb.models import AuditEntry, Ballot, BallotChoice, Cycle, Proposal, User
from ypb.services import accounts, audit, cycles, results, voting
from ypb.services.pbimport import SYSTEM_USERNAME

SMALL = """META
key;value
description;Youth PB in Testville
num_projects;4
num_votes;5
budget;100
vote_type;approval
rule;greedy
currency;EUR
date_begin;01.03.2024
date_end;15.03.2024
PROJECTS
project_id;cost;votes;name;selected
1;60;3;Skate lights;1
2;50;2;"Repair café; tools";0
10;40;2;;1
7;5;0;Free water;0
VOTES
voter_id;vote
a;1,2
b;1
c;2,10
d;10,1
e;
"""

# The same votes with points (4 to hand out).
CUMULATIVE = (SMALL.replace("vote_type;approval", "vote_type;cumulative\nmax_sum_points;4")
              .replace("voter_id;vote", "voter_id;vote;points")
              .replace("a;1,2", "a;1,2;3,1").replace("\nb;1\n", "\nb;1;4\n").replace("c;2,10", "c;2,10;2,2")
              .replace("d;10,1", "d;10,1;1,3").replace("\ne;\n", "\ne;;\n"))


def run(app, tmp_path, text, *args, name="testville.pb"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["ypb", "import-pb", str(path), *args])


def imported_cycle() -> Cycle:
    return db.session.scalars(select(Cycle)).one()


def project_map(cycle_id: int) -> dict[str, int]:
    """Pabulib project id → proposal id, as the import's audit entry records it."""
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "cycle.import_pb",
                                                        AuditEntry.subject == f"cycle:{cycle_id}")).one()
    return json.loads(entry.data)["projects"]


def stored_selection(cycle: Cycle) -> set[str]:
    """The stored result's selection as the file's project ids."""
    [found] = results.results_of(cycle)
    back = {proposal: pid for pid, proposal in project_map(cycle.id).items()}
    return {back[p] for p in found.result.selected}


def test_a_small_file_becomes_a_closed_cycle_with_final_results(app, tmp_path):
    result = run(app, tmp_path, SMALL)
    assert result.exit_code == 0, result.output
    with app.app_context():
        cycle = imported_cycle()
        assert f"imported cycle {cycle.id}: Youth PB in Testville" in result.output
        assert cycle.phase == "closed" and cycle.results_ratified
        assert cycle.budget_total == 10_000 and cycle.currency == "EUR"  # 100 EUR in cents
        assert cycle.tally_rule == "greedy" and cycle.ballot_type == "approval"
        assert cycle.voting_end.isoformat().startswith("2024-03-16")  # the day after the last day of voting
        titles = {p.title: p.final_cost for p in db.session.scalars(select(Proposal))}
        assert titles == {"Skate lights": 6_000, "Repair café; tools": 5_000, "Project 10": 4_000,
                          "Free water": 500}
        # Five ballots (one blank), seven choices; no voter id is kept.
        assert db.session.scalar(select(func.count(Ballot.id))) == 5
        assert db.session.scalar(select(func.count()).select_from(BallotChoice)) == 7
        assert not db.session.scalars(select(Ballot).where(Ballot.pseudonym.in_(list("abcde")))).all()
        # Greedy by votes: 1 (3 votes, 60), then 10 beats 2 on the tie as a string (40) → 100 spent.
        assert stored_selection(cycle) == {"1", "10"}
        instance, ballots = parse_pabulib(SMALL)
        assert stored_selection(cycle) == set(tally.greedy(instance, ballots).selected)
        assert audit.verify() is None
    # Its public page shows the finished cycle.
    page = app.test_client().get(f"/cycles/{cycle.id}")
    assert page.status_code == 200 and "Youth PB in Testville" in page.get_data(as_text=True)
    assert "Skate lights" in result.output and "Project 10" in result.output
    assert "Repair café" not in result.output  # not selected


def test_the_system_account_cannot_sign_in_and_is_reused(app, tmp_path):
    assert run(app, tmp_path, SMALL).exit_code == 0
    assert run(app, tmp_path, SMALL, "--title", "Testville again").exit_code == 0
    with app.app_context():
        system = db.session.scalars(select(User).where(User.username == SYSTEM_USERNAME)).one()
        assert not system.active and system.role == "secretary"
        assert accounts.authenticate(SYSTEM_USERNAME, "!") is None
        assert system not in cycles.contacts()
        titles = sorted(db.session.scalars(select(Cycle.title)))
        assert titles == ["Testville again", "Youth PB in Testville"]
        assert {c.created_by_id for c in db.session.scalars(select(Cycle))} == {system.id}


def test_the_imported_cycle_is_sealed(app, tmp_path):
    assert run(app, tmp_path, SMALL).exit_code == 0
    with app.app_context():
        cycle = imported_cycle()
        voter = voting.Voter(user=accounts.create_account(
            username="late-voter", display_name="Late", password=PASSWORD, birth_year=2008, resident=True))
        assert codes(refused(voting.cast, voter, cycle.id, None, {})) == ["vote.sealed"]


def test_the_published_pb_file_recounts_to_the_same_selection(app, tmp_path):
    assert run(app, tmp_path, SMALL).exit_code == 0
    with app.app_context():
        cycle = imported_cycle()
        [found] = results.results_of(cycle)
        text = results.pb_file(cycle, found.budget)
        instance, ballots = parse_pabulib(text)
        assert len(ballots) == 5
        assert set(tally.greedy(instance, ballots).selected) == {str(p) for p in found.result.selected}
        # Ballot n of the published file is voter n of the imported one.
        mapping = project_map(cycle.id)
        assert [b.choices for b in ballots][:2] == [{str(mapping["1"]): 1, str(mapping["2"]): 1},
                                                     {str(mapping["1"]): 1}]


def test_cumulative_points_and_the_threshold_rule(app, tmp_path):
    text = CUMULATIVE.replace("rule;greedy", "rule;greedy-threshold\nmin_project_score_threshold;2")
    result = run(app, tmp_path, text)
    assert result.exit_code == 0, result.output
    with app.app_context():
        cycle = imported_cycle()
        assert cycle.ballot_type == "cumulative" and cycle.points_total == 4
        assert (cycle.tally_rule, cycle.tally_threshold) == ("greedy", 2)
        mapping = project_map(cycle.id)
        points = db.session.scalar(select(func.sum(BallotChoice.points))
                                   .where(BallotChoice.proposal_id == mapping["1"]))
        assert points == 10
        instance, ballots = parse_pabulib(text)
        assert stored_selection(cycle) == set(tally.greedy(instance, ballots, threshold=2).selected)
    assert "at least 2 supporters" in result.output


def test_ordinal_ballots_become_points_and_say_so(app, tmp_path):
    text = SMALL.replace("vote_type;approval", "vote_type;ordinal").replace("d;10,1", "d;10,1,2")
    result = run(app, tmp_path, text)
    assert result.exit_code == 0, result.output
    assert "ordinal ballots stored as cumulative points" in result.stderr
    with app.app_context():
        cycle = imported_cycle()
        assert cycle.ballot_type == "cumulative"
        mapping = project_map(cycle.id)
        ranked = dict(db.session.execute(
            select(BallotChoice.proposal_id, BallotChoice.points).join(Ballot)
            .where(Ballot.pseudonym == "import:4")).all())
        assert ranked == {mapping["10"]: 3, mapping["1"]: 2, mapping["2"]: 1}


def test_an_unknown_rule_is_counted_greedily_with_a_warning(app, tmp_path):
    result = run(app, tmp_path, SMALL.replace("rule;greedy", "rule;equalshares"))
    assert result.exit_code == 0, result.output
    assert "warning: rule 'equalshares' is not one ypb counts with; counted with greedy" in result.stderr
    with app.app_context():
        assert imported_cycle().tally_rule == "greedy"


@pytest.mark.parametrize(("broken", "expected"), [
    (SMALL.replace("c;2,10", "c;2,9"), "error: section VOTES, line 22: unknown project '9'"),
    (SMALL.replace("1;60;3", "1;sixty;3"), "error: section PROJECTS, line 14: cost 'sixty' is not a number"),
    (CUMULATIVE.replace("vote_type;cumulative", "vote_type;scoring"), "error: Scoring ballots cannot be imported"),
])
def test_a_file_that_cannot_be_imported_gets_one_line_and_exit_2(app, tmp_path, broken, expected):
    result = run(app, tmp_path, broken)
    assert result.exit_code == 2
    assert result.stderr.startswith(expected) and result.stderr.count("\n") == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(Cycle.id))) == 0


def test_assen_reproduces_the_official_winners(app, tmp_path):
    path = pabulib_path("Netherlands_Assen_2024")
    result = app.test_cli_runner().invoke(args=["ypb", "import-pb", str(path)])
    assert result.exit_code == 0, result.output
    instance, ballots = parse_pabulib(path.read_text(encoding="utf-8"))
    official = {pid for pid, project in instance.projects.items() if project.extra["selected"] == "1"}
    counted = set(tally.mes_completed(instance, ballots, sat="cost", completion="add1").selected)
    assert counted == official
    with app.app_context():
        cycle = imported_cycle()
        assert cycle.tally_rule == "mes-add1" and cycle.min_choices == 2
        assert stored_selection(cycle) == official
        [found] = results.results_of(cycle)
        assert found.result.voters == 84
        # The published file re-counts (in cents) to the same projects.
        republished, again = parse_pabulib(results.pb_file(cycle, found.budget))
        recount = tally.mes_completed(republished, again, sat="cost", completion="add1").selected
        assert set(recount) == {str(p) for p in found.result.selected}
