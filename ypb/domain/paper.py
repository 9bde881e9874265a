"""Paper ballots typed in as lines of text, one line per ballot.

This module owns the line format the secretary types when entering a batch of paper
ballots, and turns it into choices by project id (and back, for correcting a batch):

- Each non-empty line is one ballot. Empty lines are skipped, so "ballot n" is the n-th
  non-empty line: the n-th sheet in the stack, which is what the secretary counts.
- A line lists legend numbers: 1 is the first project on the legend (`legend[0]`), 2 the
  second, and so on. Spaces, commas, semicolons and "+" all separate them.
- On a points ballot (`points=True`, cumulative), "3x2" gives 2 points to project 3; "x",
  "X", "×", "*" and ":" all work between the number and the points, and a number alone
  means 1 point. On other ballots each project is marked once, so "3x2" is refused.
- "-" alone is a blank ballot (no project). Whether a blank ballot is valid is the ballot
  rules' business (`ypb.domain.ballot`), not this module's.
- A project written twice on one line is refused (the typist slipped, or the sheet is
  ambiguous): nothing is added up silently.

Each line gets at most one refusal (its first problem), in line order; every refusal's
params carry "n", the ballot's number. Callers translate `Refusal.message` and fill in
the params. Nothing here loads, saves or checks the ballot rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ypb.domain.messages import N_, Refusal

__all__ = ["BLANK", "ParsedBatch", "format_ballot", "format_batch", "parse_batch"]

BLANK = "-"
_SEPARATORS = re.compile(r"[\s,;+]+")
# At most 6 digits each: a longer "number" is a typo, and points must fit the column.
_TOKEN = re.compile(r"^(\d{1,6})(?:\s*[x×*:]\s*(\d{1,6}))?$", re.IGNORECASE)
# "3 x 2" typed with spaces around the x is joined before splitting.
_SPACED_POINTS = re.compile(r"(\d)\s*([x×*:])\s*(\d)", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedBatch:
    ballots: tuple[dict[int, int], ...]  # one per ballot line: project id -> points
    refusals: tuple[Refusal, ...]  # empty: every line was understood

    @property
    def ok(self) -> bool:
        return not self.refusals


def _example(points: bool) -> str:
    return "1x2 3x1" if points else "1 3"


def _line_refusal(n: int, line: str, legend: Sequence[int], points: bool) -> tuple[dict[int, int], Refusal | None]:
    text = _SPACED_POINTS.sub(r"\1\2\3", line.strip())
    if text == BLANK:
        return {}, None
    chosen: dict[int, int] = {}
    for token in (t for t in _SEPARATORS.split(text) if t):
        match = _TOKEN.match(token)
        if match is None:
            return {}, Refusal(
                "paper.token",
                N_("Ballot %(n)s: “%(token)s” is not a project number. Type the numbers like this: %(example)s"),
                {"n": n, "token": token, "example": _example(points)},
            )
        number, given = int(match.group(1)), match.group(2)
        if not 1 <= number <= len(legend):
            return {}, Refusal(
                "paper.unknown_number",
                N_("Ballot %(n)s: there is no project %(number)s on this ballot. The numbers go from 1 "
                   "to %(max)s."),
                {"n": n, "number": number, "max": len(legend)},
            )
        if given is not None and not points:
            return {}, Refusal(
                "paper.points_not_allowed",
                N_("Ballot %(n)s: on this ballot each project is marked once, so type only the "
                   "numbers, like this: %(example)s"),
                {"n": n, "example": _example(False)},
            )
        amount = int(given) if given is not None else 1
        if amount < 1:
            return {}, Refusal(
                "paper.zero_points",
                N_("Ballot %(n)s: give project %(number)s 1 point or more, or leave it out."),
                {"n": n, "number": number},
            )
        project = legend[number - 1]
        if project in chosen:
            return {}, Refusal(
                "paper.repeated",
                N_("Ballot %(n)s: project %(number)s is typed twice."),
                {"n": n, "number": number},
            )
        chosen[project] = amount
    return chosen, None


def parse_batch(text: str, legend: Sequence[int], *, points: bool) -> ParsedBatch:
    """The ballots typed in `text`; `legend` lists the ballot's project ids in legend order."""
    ballots: list[dict[int, int]] = []
    refusals: list[Refusal] = []
    lines = [line for line in (text or "").splitlines() if line.strip()]
    for n, line in enumerate(lines, start=1):
        chosen, refusal = _line_refusal(n, line, legend, points)
        if refusal is not None:
            refusals.append(refusal)
        ballots.append(chosen)
    return ParsedBatch(ballots=tuple(ballots), refusals=tuple(refusals))


def format_ballot(choices: Mapping[int, int], legend: Sequence[int], *, points: bool) -> str:
    """One ballot as the line that `parse_batch` reads back (legend order; "-" when blank).
    A project that is not on the legend is shown as "?<id>", which the parser refuses, so
    the secretary notices instead of losing it quietly."""
    if not choices:
        return BLANK
    position = {project: i for i, project in enumerate(legend, start=1)}
    ordered = sorted(choices.items(), key=lambda item: (position.get(item[0], len(legend) + 1), item[0]))
    tokens = []
    for project, amount in ordered:
        number = str(position[project]) if project in position else f"?{project}"
        tokens.append(f"{number}x{amount}" if points else number)
    return " ".join(tokens)


def format_batch(ballots: Sequence[Mapping[int, int]], legend: Sequence[int], *, points: bool) -> str:
    return "\n".join(format_ballot(b, legend, points=points) for b in ballots)
