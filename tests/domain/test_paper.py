"""Table tests for ypb.domain.paper: reading typed paper ballots, and writing them back.

The legend is three projects with ids 11, 22 and 33: legend number 1 is project 11.
"""

from __future__ import annotations

import pytest

from ypb.domain.paper import format_ballot, format_batch, parse_batch

LEGEND = (11, 22, 33)


@pytest.mark.parametrize(
    ("text", "points", "expected"),
    [
        ("1 3", False, ({11: 1, 33: 1},)),
        ("1,3", False, ({11: 1, 33: 1},)),
        ("3;1", False, ({11: 1, 33: 1},)),
        ("  2  ", False, ({22: 1},)),
        ("-", False, ({},)),
        ("1 3\n\n2\n   \n", False, ({11: 1, 33: 1}, {22: 1})),  # empty lines are skipped
        ("1\r\n2\r\n", False, ({11: 1}, {22: 1})),  # Windows line ends
        ("1x2 3x1", True, ({11: 2, 33: 1},)),
        ("1X2 3×1 2*4", True, ({11: 2, 33: 1, 22: 4},)),
        ("1 x 2, 3 : 1", True, ({11: 2, 33: 1},)),
        ("2", True, ({22: 1},)),  # a number alone is one point
        ("", False, ()),
    ],
)
def test_lines_become_choices_by_project_id(text, points, expected):
    parsed = parse_batch(text, LEGEND, points=points)
    assert parsed.ok, parsed.refusals
    assert parsed.ballots == expected


@pytest.mark.parametrize(
    ("line", "points", "code", "params"),
    [
        ("4", False, "paper.unknown_number", {"number": 4, "max": 3}),
        ("0", False, "paper.unknown_number", {"number": 0, "max": 3}),
        ("1 a", False, "paper.token", {"token": "a", "example": "1 3"}),
        ("1x", True, "paper.token", {"token": "1x", "example": "1x2 3x1"}),
        ("1x2", False, "paper.points_not_allowed", {"example": "1 3"}),
        ("1x0", True, "paper.zero_points", {"number": 1}),
        ("1 1", False, "paper.repeated", {"number": 1}),
        ("1x2 1x1", True, "paper.repeated", {"number": 1}),
        ("- 1", False, "paper.token", {"token": "-", "example": "1 3"}),
        ("1234567", False, "paper.token", {"token": "1234567", "example": "1 3"}),
    ],
)
def test_a_wrong_line_is_refused_with_its_ballot_number(line, points, code, params):
    parsed = parse_batch(f"1\n\n2\n{line}\n3", LEGEND, points=points)
    assert [r.code for r in parsed.refusals] == [code]
    # Ballot 3: the empty line is not a ballot, so the number matches the stack of paper.
    assert parsed.refusals[0].params == {"n": 3, **params}
    assert "%(n)s" in parsed.refusals[0].message


def test_every_wrong_line_is_named_once_in_order():
    parsed = parse_batch("9 9\n1\nx\n1 1", LEGEND, points=False)
    assert [(r.params["n"], r.code) for r in parsed.refusals] == [
        (1, "paper.unknown_number"), (3, "paper.token"), (4, "paper.repeated")]
    assert len(parsed.ballots) == 4


@pytest.mark.parametrize("points", [False, True])
def test_formatting_reads_back_to_the_same_ballots(points):
    ballots = [{33: 1, 11: 1}, {}, {22: 1}]
    if points:
        ballots = [{33: 1, 11: 3}, {}, {22: 2}]
    text = format_batch(ballots, LEGEND, points=points)
    assert parse_batch(text, LEGEND, points=points).ballots == tuple(ballots)


def test_formatting_uses_legend_order_and_shows_lost_projects():
    assert format_ballot({33: 1, 11: 1}, LEGEND, points=False) == "1 3"
    assert format_ballot({11: 2, 33: 1}, LEGEND, points=True) == "1x2 3x1"
    assert format_ballot({}, LEGEND, points=False) == "-"
    # A project no longer on the legend is not dropped silently: the parser refuses it.
    line = format_ballot({11: 1, 99: 1}, LEGEND, points=False)
    assert line == "1 ?99"
    assert parse_batch(line, LEGEND, points=False).refusals[0].code == "paper.token"
