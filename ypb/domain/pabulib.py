"""Reading Pabulib `.pb` files: real participatory-budgeting elections for golden tests and benchmarks.

This module owns:

- the parsed form of an election (`Instance` with its `Project`s, and one `Ballot` per voter);
- `parse_pabulib`, which turns `.pb` text (or any iterable of its lines, e.g. an open file) into
  those, and `PabulibError`, which says where a malformed file went wrong.

The format (pabulib.org): sections META, PROJECTS and VOTES, in that order, each a line with the
section's name followed by a `;`-separated header line and rows. Keys and ids are kept as strings.

`Ballot.choices` maps a project id to points, in the order the voter listed the projects:

- approval: 1 per listed project;
- cumulative and scoring: the `points` column;
- ordinal: provisional, by position: of k ranked projects, the first gets k, the last 1 (Kraków's
  3/2/1). The order itself is also kept, as the mapping's order.

Entries with 0 points are left out, so a project is in `choices` exactly when the voter supports it.
A project listed twice is an error, except on points ballots, where its points add up (pabutools
keeps only the last entry instead). Voters who wrote the same vote share one `choices` dict: treat
it as read-only.

It does not tally (see `ypb.domain.tally`) nor check election rules such as ballot length.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Ballot", "Instance", "PabulibError", "Project", "parse_pabulib"]

SECTIONS = ("META", "PROJECTS", "VOTES")
VOTE_TYPES = ("approval", "cumulative", "scoring", "ordinal")


class PabulibError(ValueError):
    """A malformed file; `line` is 1-based in the file (0 when the problem is the file as a whole)."""

    def __init__(self, section: str, line: int, message: str):
        super().__init__(f"section {section}, line {line}: {message}")
        self.section = section
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    cost: int
    name: str = ""
    # The remaining PROJECTS columns (votes, selected, category, …) as they are in the file.
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Instance:
    meta: dict[str, str]
    projects: dict[str, Project]
    budget: int
    vote_type: str


@dataclass(frozen=True, slots=True)
class Ballot:
    voter_id: str
    choices: dict[str, int]


def _split(line: str) -> list[str]:
    # Nearly every row has no quotes; csv is only needed (and slower) when one does.
    if '"' not in line:
        return line.split(";")
    return next(csv.reader([line], delimiter=";"))


def _whole(text: str, section: str, line: int, what: str) -> int:
    """A whole number; some files write amounts as "1000.0", which is still whole."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        raise PabulibError(section, line, f"{what} {text!r} is not a number") from None
    if not value.is_integer():
        raise PabulibError(section, line, f"{what} {text!r} is not a whole number")
    return int(value)


def _lines(source: str | Iterable[str]) -> Iterator[tuple[int, str]]:
    # Iterate a StringIO rather than str.splitlines(): no list of every line of a 4 MB file.
    stream = io.StringIO(source) if isinstance(source, str) else source
    for number, raw in enumerate(stream, start=1):
        line = raw.rstrip("\r\n")
        if line.strip():
            yield number, line


def parse_pabulib(source: str | Iterable[str]) -> tuple[Instance, list[Ballot]]:
    """Parse `.pb` text (a string, or lines such as an open text file) into the instance and its ballots."""
    headers: dict[str, tuple[int, list[str]]] = {}
    current: str | None = None
    expected = 0  # index in SECTIONS of the next section allowed
    meta: dict[str, str] = {}
    meta_lines: dict[str, int] = {}  # so errors in META values can name their line
    projects: dict[str, Project] = {}
    instance: Instance | None = None
    ballots: list[Ballot] = []
    seen_voters: set[str] = set()
    vote_columns: tuple[int, int, int | None] = (0, 0, None)
    # Identical votes share one choices dict: parsed once, and the tally groups voters by it.
    same_votes: dict[tuple[str, str], dict[str, int]] = {}

    for number, line in _lines(source):
        name = line.strip()
        if name in SECTIONS:
            if SECTIONS.index(name) != expected:
                raise PabulibError(name, number, f"section out of order; expected {SECTIONS[expected]}")
            expected += 1
            current = name
            if name == "VOTES":
                instance = _instance(meta, meta_lines, projects, number)
            continue
        if current is None:
            raise PabulibError("META", number, "the file must begin with META")
        cells = _split(line)
        if current not in headers:
            headers[current] = (number, [c.strip() for c in cells])
            if current == "PROJECTS":
                _require(headers[current], ("project_id", "cost"), current)
            elif current == "VOTES":
                header = headers[current]
                _require(header, ("voter_id", "vote"), current)
                cols = header[1]
                points = cols.index("points") if "points" in cols else None
                if instance is not None and instance.vote_type in ("cumulative", "scoring") and points is None:
                    raise PabulibError(current, header[0], f"a {instance.vote_type} file needs a points column")
                vote_columns = (cols.index("voter_id"), cols.index("vote"), points)
            continue
        if current == "META":
            if len(cells) < 2:
                raise PabulibError(current, number, "expected key;value")
            key = cells[0].strip()
            if key in meta:
                raise PabulibError(current, number, f"key {key!r} appears twice")
            meta[key] = cells[1].strip()
            meta_lines[key] = number
        elif current == "PROJECTS":
            project = _project(headers[current][1], cells, current, number)
            if project.id in projects:
                raise PabulibError(current, number, f"project {project.id!r} appears twice")
            projects[project.id] = project
        else:
            assert instance is not None
            ballot = _ballot(instance, vote_columns, cells, number, same_votes)
            if ballot.voter_id in seen_voters:
                raise PabulibError(current, number, f"voter {ballot.voter_id!r} appears twice")
            seen_voters.add(ballot.voter_id)
            ballots.append(ballot)

    if expected < len(SECTIONS):
        raise PabulibError(SECTIONS[expected], 0, "section missing")
    if "VOTES" not in headers:
        raise PabulibError("VOTES", 0, "header line missing")
    assert instance is not None
    return instance, ballots


def _require(header: tuple[int, list[str]], columns: tuple[str, ...], section: str) -> None:
    missing = [c for c in columns if c not in header[1]]
    if missing:
        raise PabulibError(section, header[0], f"header lacks {', '.join(missing)}")


def _project(header: list[str], cells: list[str], section: str, number: int) -> Project:
    if len(cells) != len(header):
        raise PabulibError(section, number, f"{len(cells)} fields for {len(header)} columns")
    row = dict(zip(header, cells, strict=True))
    pid = row.pop("project_id").strip()
    if not pid:
        raise PabulibError(section, number, "empty project_id")
    cost = _whole(row.pop("cost").strip(), section, number, "cost")
    if cost < 0:
        raise PabulibError(section, number, f"negative cost {cost}")
    # sys.intern: every ballot's choices then share these few id strings.
    return Project(sys.intern(pid), cost, row.pop("name", ""), row)


def _instance(meta: dict[str, str], lines: dict[str, int], projects: dict[str, Project], votes_line: int) -> Instance:
    if "budget" not in meta:
        raise PabulibError("META", votes_line, "no budget before VOTES")
    budget = _whole(meta["budget"], "META", lines["budget"], "budget")
    if budget < 0:
        raise PabulibError("META", lines["budget"], f"negative budget {budget}")
    vote_type = meta.get("vote_type", "approval")
    if vote_type not in VOTE_TYPES:
        raise PabulibError("META", lines["vote_type"], f"unknown vote_type {vote_type!r}")
    return Instance(meta, projects, budget, vote_type)


def _ballot(instance: Instance, columns: tuple[int, int, int | None], cells: list[str], number: int,
            same_votes: dict[tuple[str, str], dict[str, int]]) -> Ballot:
    section = "VOTES"
    voter_col, vote_col, points_col = columns
    needed = max(voter_col, vote_col, points_col or 0)
    if len(cells) <= needed:
        raise PabulibError(section, number, f"{len(cells)} fields; expected at least {needed + 1}")
    voter_id = cells[voter_col].strip()
    if not voter_id:
        raise PabulibError(section, number, "empty voter_id")
    key = (cells[vote_col], cells[points_col] if points_col is not None else "")
    choices = same_votes.get(key)
    if choices is None:
        choices = same_votes[key] = _choices(instance, key[0], key[1] if points_col is not None else None, number)
    return Ballot(voter_id, choices)


def _choices(instance: Instance, vote_text: str, points_text: str | None, number: int) -> dict[str, int]:
    section = "VOTES"
    vote = vote_text.strip()
    ids = [v.strip() for v in vote.split(",")] if vote else []
    kind = instance.vote_type
    points: list[Any]
    if kind in ("cumulative", "scoring"):
        assert points_text is not None
        raw = points_text.strip()
        texts = raw.split(",") if raw else []
        if len(texts) != len(ids):
            raise PabulibError(section, number, f"{len(ids)} projects but {len(texts)} points")
        points = [_whole(t.strip(), section, number, "points") for t in texts]
    elif kind == "ordinal":
        points = list(range(len(ids), 0, -1))
    else:
        points = [1] * len(ids)
    choices: dict[str, int] = {}
    seen: set[str] = set()
    projects = instance.projects
    for raw_id, score in zip(ids, points, strict=True):
        project = projects.get(raw_id)
        if project is None:
            raise PabulibError(section, number, f"unknown project {raw_id!r}")
        if score < 0:
            raise PabulibError(section, number, f"negative points for {raw_id!r}")
        if project.id in choices or (not score and project.id in seen):
            # Points given in several entries add up (Częstochowa has "579,579,579,579;1,1,1,1").
            if points_text is None:
                raise PabulibError(section, number, f"project {raw_id!r} listed twice")
            choices[project.id] = choices.get(project.id, 0) + score
        elif score:
            choices[project.id] = score
        seen.add(project.id)
    return choices
