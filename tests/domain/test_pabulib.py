from __future__ import annotations

import io
from pathlib import Path

import pytest

from ypb.domain.pabulib import Ballot, PabulibError, Project, parse_pabulib

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "pabulib"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"Pabulib files not found at {DATA}")

APPROVAL = """META
key;value
description;Tiny
budget;100
vote_type;approval
PROJECTS
project_id;cost;votes;name;selected
1;40;2;"Park; with swings";1
10;60.0;1;Bench;0
VOTES
voter_id;vote;age
v1;1,10;30
v2;1;41
v3;;22
"""


def test_parses_approval_file():
    instance, ballots = parse_pabulib(APPROVAL)
    assert instance.budget == 100
    assert instance.vote_type == "approval"
    assert instance.meta == {"description": "Tiny", "budget": "100", "vote_type": "approval"}
    assert instance.projects == {
        "1": Project("1", 40, "Park; with swings", {"votes": "2", "selected": "1"}),
        "10": Project("10", 60, "Bench", {"votes": "1", "selected": "0"}),
    }
    assert ballots == [Ballot("v1", {"1": 1, "10": 1}), Ballot("v2", {"1": 1}), Ballot("v3", {})]


def test_accepts_lines_of_an_open_file_and_crlf():
    instance, ballots = parse_pabulib(io.StringIO(APPROVAL.replace("\n", "\r\n")))
    assert instance.budget == 100
    assert [b.voter_id for b in ballots] == ["v1", "v2", "v3"]


def test_cumulative_points_keep_order_and_repeated_entries_add_up():
    text = APPROVAL.replace("vote_type;approval", "vote_type;cumulative").split("VOTES")[0]
    text += "VOTES\nvoter_id;vote;points\na;10,1;3,2\nb;1,1,1;1,1,1\nc;1,10;0,4\n"
    _, ballots = parse_pabulib(text)
    assert ballots[0].choices == {"10": 3, "1": 2}
    assert list(ballots[0].choices) == ["10", "1"]
    assert ballots[1].choices == {"1": 3}
    assert ballots[2].choices == {"10": 4}  # 0 points means no support


def test_ordinal_scores_by_position_and_keeps_order():
    text = APPROVAL.replace("vote_type;approval", "vote_type;ordinal").split("VOTES")[0]
    text += "VOTES\nvoter_id;vote\na;10,1\n"
    _, ballots = parse_pabulib(text)
    assert list(ballots[0].choices.items()) == [("10", 2), ("1", 1)]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("v2;1;41", "v2;7;41", "section VOTES, line 13: unknown project '7'"),
        ("v2;1;41", "v2;1,1;41", "section VOTES, line 13: project '1' listed twice"),
        ("v3;;22", "v1;;22", "section VOTES, line 14: voter 'v1' appears twice"),
        ("10;60.0;1;Bench;0", "10;60.5;1;Bench;0", "section PROJECTS, line 9: cost '60.5' is not a whole number"),
        ("10;60.0;1;Bench;0", "10;-6;1;Bench;0", "section PROJECTS, line 9: negative cost -6"),
        ("10;60.0;1;Bench;0", "10;60;1;Bench", "section PROJECTS, line 9: 4 fields for 5 columns"),
        ("1;40;2;", "10;40;2;", "section PROJECTS, line 9: project '10' appears twice"),
        ("budget;100", "budget;lots", "section META, line 4: budget 'lots' is not a number"),
        ("budget;100", "spending;100", "section META, line 10: no budget before VOTES"),
        ("vote_type;approval", "vote_type;secret", "section META, line 5: unknown vote_type 'secret'"),
        ("voter_id;vote;age", "voter;vote;age", "section VOTES, line 11: header lacks voter_id"),
        ("PROJECTS\n", "", "section VOTES, line 9: section out of order; expected PROJECTS"),
        ("VOTES\nvoter_id;vote;age\nv1;1,10;30\nv2;1;41\nv3;;22\n", "", "section VOTES, line 0: section missing"),
        ("META\n", "", "section META, line 1: the file must begin with META"),
    ],
)
def test_malformed_files_say_where(old, new, message):
    text = APPROVAL.replace(old, new, 1)
    with pytest.raises(PabulibError) as caught:
        parse_pabulib(text)
    assert str(caught.value) == message


def test_error_carries_its_parts():
    with pytest.raises(PabulibError) as caught:
        parse_pabulib(APPROVAL.replace("v2;1;41", "v2;x;41"))
    assert (caught.value.section, caught.value.line) == ("VOTES", 13)
    assert caught.value.message == "unknown project 'x'"


def test_cumulative_needs_matching_points():
    text = APPROVAL.replace("vote_type;approval", "vote_type;cumulative").split("VOTES")[0]
    with pytest.raises(PabulibError, match="needs a points column"):
        parse_pabulib(text + "VOTES\nvoter_id;vote\na;1\n")
    with pytest.raises(PabulibError, match="line 12: 2 projects but 1 points"):
        parse_pabulib(text + "VOTES\nvoter_id;vote;points\na;1,10;3\n")


@needs_data
@pytest.mark.parametrize(
    ("name", "voters", "projects", "vote_type"),
    [
        ("Netherlands_Assen_2024", 84, 14, "approval"),
        ("Poland_Swiecie_2023", 2553, 22, "approval"),
        ("Poland_Czestochowa_2020", 16978, 90, "cumulative"),
        ("Poland_Krakow_2024", 65101, 119, "ordinal"),
    ],
)
def test_real_files_parse(name, voters, projects, vote_type):
    with open(DATA / f"{name}.pb", encoding="utf-8") as f:
        instance, ballots = parse_pabulib(f)
    assert (len(ballots), len(instance.projects), instance.vote_type) == (voters, projects, vote_type)
    assert int(instance.meta["num_votes"]) == voters
    if "score" in next(iter(instance.projects.values())).extra:
        # The file's own score column agrees with the points we read (Częstochowa: with 579's
        # repeated entries added up; Kraków: with 3/2/1 by position).
        for pid, project in instance.projects.items():
            assert sum(b.choices.get(pid, 0) for b in ballots) == int(project.extra["score"]), pid
