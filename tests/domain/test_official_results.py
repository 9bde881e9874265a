"""The rule a real file's META names reproduces the city's published winners (PROJECTS `selected`).

If one of these fails, the engine no longer counts as those cities did, whatever pabutools says.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.pabulib_files import needs_pabulib, pabulib_files, pabulib_path
from ypb.domain.pabulib import Ballot, Instance, parse_pabulib
from ypb.domain.tally import Outcome, greedy, mes_completed

Rule = Callable[[Instance, list[Ballot]], Outcome]


def add1(instance: Instance, ballots: list[Ballot]) -> Outcome:
    return mes_completed(instance, ballots, sat="cost", completion="add1")


def add1_compared_with_greedy(instance: Instance, ballots: list[Ballot]) -> Outcome:
    return mes_completed(instance, ballots, sat="cost", completion="add1", compare_greedy=True)


def greedy_above_threshold(instance: Instance, ballots: list[Ballot]) -> Outcome:
    return greedy(instance, ballots, threshold=int(instance.meta["min_project_score_threshold"]))


# File: (the rule its META names, how the engine computes that rule).
OFFICIAL: dict[str, tuple[str, Rule]] = {
    "Netherlands_Assen_2024": ("equalshares/add1", add1),
    "Poland_Swiecie_2023": ("equalshares/add1", add1),
    "Poland_Wieliczka_2023_Green_Budget": ("equalshares/add1-comparison", add1_compared_with_greedy),
    "Poland_Warszawa_2023_Mokotow": ("greedy", greedy),
    "Poland_Warszawa_2026": ("greedy-threshold", greedy_above_threshold),  # 3000 supporters
    "Poland_Krakow_2024": ("greedy", greedy),  # ordinal ballots: by points, 3/2/1
}


def election(stem: str) -> tuple[Instance, list[Ballot]]:
    with open(pabulib_path(stem), encoding="utf-8") as f:
        return parse_pabulib(f)


def official_winners(instance: Instance) -> set[str]:
    return {p.id for p in instance.projects.values() if p.extra["selected"] == "1"}


@pytest.mark.parametrize("stem", list(OFFICIAL))
def test_the_rule_in_meta_reproduces_the_official_winners(stem):
    instance, ballots = election(stem)
    meta_rule, rule = OFFICIAL[stem]
    assert instance.meta["rule"] == meta_rule
    assert set(rule(instance, ballots).selected) == official_winners(instance)


def test_warszawa_2026_needs_its_threshold():
    # Without the 3000-supporter threshold, greedy would also fund project 1664.
    instance, ballots = election("Poland_Warszawa_2026")
    assert set(greedy(instance, ballots).selected) - official_winners(instance) == {"1664"}


@needs_pabulib
def test_every_file_with_official_winners_is_checked():
    assert {path.stem for path in pabulib_files() if "selected" in projects_header(path)} == set(OFFICIAL)


def projects_header(path) -> list[str]:
    """The PROJECTS column names, without parsing the (large) VOTES section."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip() == "PROJECTS":
                return next(f).strip().split(";")
    return []
