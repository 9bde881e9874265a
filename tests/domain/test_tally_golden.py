"""Golden tests: the tally engine selects exactly the projects pabutools 1.2.3 selects.

- On every real Pabulib file, for every rule recorded in `pabutools_answers.json` (made by
  `bench/record_pabutools.py`, which says which pabutools call defines each rule key; some of
  those calls take pabutools many minutes, hence the recording).
- Live, calling pabutools here, on the two smallest files (Assen, Świecie) for the rules it
  computed there within LIVE_SECONDS when recorded, and on small hand-made elections built
  around the cases where rules tend to go wrong.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from bench.record_pabutools import base_key, pabutools_election, pabutools_selected, rule_keys, split_key
from tests.pabulib_files import pabulib_path
from ypb.domain.pabulib import Ballot, Instance, parse_pabulib
from ypb.domain.tally import Outcome, greedy, mes_completed

ANSWERS = json.loads((Path(__file__).with_name("pabutools_answers.json")).read_text(encoding="utf-8"))
RECORDED = [
    pytest.param(stem, key, answer["selected"], id=f"{stem}-{key}")
    for stem, answers in sorted(ANSWERS.items())
    if not stem.startswith("_")
    for key, answer in answers.items()
    if "selected" in answer
]
# Świecie's add1 took pabutools 1–2 minutes per satisfaction: too slow to repeat on every test run.
LIVE_SECONDS = 20
LIVE = [
    pytest.param(stem, key, id=f"{stem}-{key}")
    for stem in ("Netherlands_Assen_2024", "Poland_Swiecie_2023")
    for key, answer in ANSWERS.get(stem, {}).items()
    if answer.get("seconds", LIVE_SECONDS + 1) <= LIVE_SECONDS
]


def ours(instance: Instance, ballots: list[Ballot], key: str) -> Outcome:
    """Our outcome under a rule key of `pabutools_answers.json` ("greedy", "mes/cost/add1", …)."""
    if key == "greedy":
        return greedy(instance, ballots)
    sat, completion = split_key(key)
    return mes_completed(instance, ballots, sat=sat, completion=completion)


@functools.lru_cache(maxsize=1)  # tests come file by file; keep one parsed file at a time
def real_election(stem: str) -> tuple[Instance, list[Ballot]]:
    with open(pabulib_path(stem), encoding="utf-8") as f:
        return parse_pabulib(f)


def test_every_file_has_recorded_answers():
    # Losing a file's answers (a bad merge, a recorder run gone wrong) must not pass as fewer tests.
    names = {stem for stem in ANSWERS if not stem.startswith("_")}
    assert names == {
        "Netherlands_Assen_2024", "Poland_Czestochowa_2020", "Poland_Krakow_2024", "Poland_Swiecie_2023",
        "Poland_Warszawa_2023_Mokotow", "Poland_Warszawa_2026", "Poland_Wieliczka_2023_Green_Budget",
    }
    for stem in names:
        assert "selected" in ANSWERS[stem]["greedy"], stem


@pytest.mark.parametrize(("stem", "key", "selected"), RECORDED)
def test_recorded_pabutools_answer(stem, key, selected):
    instance, ballots = real_election(stem)
    outcome = ours(instance, ballots, key)
    assert list(outcome.selected) == selected
    assert outcome.cost == sum(instance.projects[p].cost for p in selected) <= instance.budget


# --- live comparisons --------------------------------------------------------------------------


@functools.cache
def live_pabutools(stem: str, key: str) -> tuple[str, ...]:
    """pabutools' answer on a real file, computed now; completions reuse their starting outcome."""
    instance, profile = _pabutools_real(stem)
    base = base_key(key)
    start = list(live_pabutools(stem, base)) if base else None
    return tuple(pabutools_selected(instance, profile, key, start))


@functools.cache
def _pabutools_real(stem: str):
    return pabutools_election(pabulib_path(stem).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("stem", "key"), LIVE)
def test_fast_real_files_match_pabutools_live(stem, key):
    pytest.importorskip("pabutools")
    instance, ballots = real_election(stem)
    assert ours(instance, ballots, key).selected == live_pabutools(stem, key)


def election(budget: int, costs: dict[str, int], votes: list[str], vote_type: str = "approval") -> str:
    """`.pb` text; each vote is "voter;ids" (approval, ordinal) or "voter;ids;points" (cumulative)."""
    lines = ["META", "key;value", f"budget;{budget}", f"vote_type;{vote_type}", "PROJECTS", "project_id;cost"]
    lines += [f"{p};{c}" for p, c in costs.items()]
    lines += ["VOTES", "voter_id;vote;points" if vote_type == "cumulative" else "voter_id;vote"]
    return "\n".join(lines + votes) + "\n"


# Small budgets on purpose: add1 may step up to budget × (voters + 1), one voter's unit at a time.
HAND_MADE = {
    # Every rule faces a tie between "9" and "10"; pabutools compares ids as strings, so "10" wins.
    "tie_10_before_9": election(100, {"9": 60, "10": 60, "2": 40}, ["a;9,10", "b;10,9", "c;2"]),
    # A free project with supporters, and one without: MES under cardinality takes the first at once.
    "zero_cost": election(100, {"free": 0, "gratis": 0, "a": 100, "b": 30}, ["v1;free", "v2;a", "v3;a,free,b"]),
    # Nobody chose "orphan": greedy and greedy fills still take it when it fits.
    "nobody_voted_for": election(100, {"orphan": 10, "a": 50, "b": 40}, ["v1;a", "v2;a,b", "v3;b"]),
    # Two halves that spend the budget to the last unit; "c" then no longer fits.
    "budget_exactly_spent": election(100, {"a": 50, "b": 50, "c": 10}, ["v1;a", "v2;b", "v3;a,b,c"]),
    # Everyone wants "big", which costs more than the whole budget.
    "dearer_than_budget": election(100, {"big": 101, "small": 30, "mid": 60}, ["v1;big,small", "v2;big", "v3;big,mid"]),
    # A VOTES section with no rows: MES selects nothing, greedy still fills the budget.
    "no_votes": election(100, {"b": 60, "a": 60, "c": 30}, []),
    # Voters who approved nothing: they hold money but support no project.
    "empty_ballots": election(100, {"a": 60, "b": 30}, ["v1;", "v2;", "v3;b"]),
    # Plain MES leaves money unspent that +1-per-voter budget increases then put to use.
    "add1_funds_more": election(30, {"x": 12, "y": 15, "z": 3}, ["v1;x,y", "v2;x,y", "v3;y"]),
    # add1-exhaustive stops at the first exhaustive outcome (1, 5); add1 goes on to (1, 3), budget spent.
    "add1_beyond_exhaustive": election(
        100, {"1": 60, "2": 60, "3": 40, "4": 20, "5": 30}, ["v0;3,1,5", "v1;5,3", "v2;1,5,3", "v3;2", "v4;1,4"]
    ),
    # Cumulative points with a "10"/"9" tie, and "a" listed twice on a ballot: its points add up
    # (4, not the last entry's 2 as pabutools alone would count), which puts "a" in the greedy outcome.
    "cumulative_points": election(
        100,
        {"9": 50, "10": 50, "a": 40, "b": 20},
        ["v1;9,10;2,2", "v2;a,a,b;2,2,1", "v3;10,9,b;1,1,3", "v4;b;4"],
        "cumulative",
    ),
    # Ordinal ballots count 3/2/1 by rank, as in Kraków.
    "ordinal_ranks": election(
        90, {"9": 40, "10": 40, "c": 30, "d": 10}, ["v1;9,c,d", "v2;10,c,d", "v3;c,10,9"], "ordinal"
    ),
}


def _hand_made_cases():
    for name, text in HAND_MADE.items():
        vote_type = next(line.split(";")[1] for line in text.splitlines() if line.startswith("vote_type;"))
        for key in rule_keys(vote_type):
            yield pytest.param(name, key, id=f"{name}-{key}")


@pytest.mark.parametrize(("name", "key"), list(_hand_made_cases()))
def test_hand_made_elections_match_pabutools_live(name, key):
    pytest.importorskip("pabutools")
    text = HAND_MADE[name]
    instance, ballots = parse_pabulib(text)
    theirs = pabutools_selected(*pabutools_election(text), key)
    outcome = ours(instance, ballots, key)
    assert list(outcome.selected) == theirs, text
    assert outcome.cost <= instance.budget
