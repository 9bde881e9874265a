"""Record what pabutools 1.2.3 selects on the shared Pabulib files, for the golden tests of the tally.

Writes `tests/domain/pabutools_answers.json`:

    {"_about": {...}, "<file name without .pb>": {"<rule key>": {"selected": [ids], "seconds": s}, ...}, ...}

A rule that was left out is recorded as {"skipped": "why", "limit": seconds or null} instead.
`tests/domain/test_tally_golden.py` checks that the tally engine gives the same selected sets.

Rule keys and the pabutools calls that define them (G is the greedy satisfaction: `Cost_Sat` on
approval files, points × cost on cumulative and ordinal ones; S is the key's satisfaction):

- `greedy`: `greedy_utilitarian_welfare(sat_class=G)`;
- `mes/S`: `method_of_equal_shares(sat_class=S)`, with S = `cost` (`Cost_Sat`, points × cost on
  points ballots), `cardinality` (`Cardinality_Sat`) or, on points ballots only, `points`
  (`Additive_Cardinal_Sat`);
- `mes/S/greedy`: `completion_by_rule_combination` of that MES and greedy with G;
- `mes/S/add1`: `exhaustion_by_budget_increase` of that MES, `exhaustive_stop=False`,
  `budget_step` = number of voters (+1 per voter per step);
- `mes/S/add1-exhaustive`: `method_of_equal_shares(sat_class=S, voter_budget_increment=1)`;
- `mes/S/add1-greedy`: `completion_by_rule_combination` of that add1 call and greedy with G.

Ordinal ballots are turned into points (of k ranked projects, the first gets k, the last 1), and a
project listed several times on a cumulative ballot gets the sum of its points (pabutools itself
keeps the last entry; `ypb.domain.pabulib` adds them up): both sides then count the same election.

The completions that start from another key's outcome (`mes/S/greedy` from `mes/S`,
`mes/S/add1-greedy` from `mes/S/add1`) reuse that recorded outcome instead of running it again
(Mokotów's add1 takes pabutools about 20 minutes): their entry names it as "reused", and their
`seconds` include the reused run's.

It resumes: keys already answered are kept. Keys skipped because they ran out of time are tried
again only with a larger (or no) `--max-seconds`. Run it from the repository root, one at a time:

    .venv/bin/python bench/record_pabutools.py                       # everything, no time limit
    .venv/bin/python bench/record_pabutools.py --max-seconds 300 --skip 'Poland_Krakow_2024/*add1*'
    .venv/bin/python bench/record_pabutools.py --only 'Poland_Warszawa_2023_Mokotow/*'
    .venv/bin/python bench/record_pabutools.py --skip 'Poland_Krakow_2024/*add1*' --reason 'would take hours'

Patterns are shell-style (`fnmatch`) on `<file name>/<rule key>`.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import io
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pabulib_files import PABULIB_DIR, pabulib_files  # noqa: E402

ANSWERS = ROOT / "tests" / "domain" / "pabutools_answers.json"
COMPLETIONS = ("none", "greedy", "add1", "add1-greedy", "add1-exhaustive")
# Completions that start from another key's outcome, which they may reuse.
STARTS_FROM = {"greedy": "none", "add1-greedy": "add1"}


# --- rule keys --------------------------------------------------------------------------------


def satisfactions(vote_type: str) -> tuple[str, ...]:
    # Additive_Cardinal_Sat only applies to points ballots; on approval ballots it would equal cardinality.
    return ("cost", "cardinality") if vote_type == "approval" else ("points", "cost", "cardinality")


def mes_key(sat: str, completion: str) -> str:
    return f"mes/{sat}" if completion == "none" else f"mes/{sat}/{completion}"


def rule_keys(vote_type: str) -> list[str]:
    return ["greedy"] + [mes_key(s, c) for s in satisfactions(vote_type) for c in COMPLETIONS]


def split_key(key: str) -> tuple[str, str]:
    """(satisfaction, completion) of a `mes/...` key."""
    parts = key.split("/")
    return parts[1], parts[2] if len(parts) > 2 else "none"


def base_key(key: str) -> str | None:
    """The key whose outcome this key's completion starts from, if any."""
    if key == "greedy":
        return None
    sat, completion = split_key(key)
    return mes_key(sat, STARTS_FROM[completion]) if completion in STARTS_FROM else None


# --- the election as pabutools sees it ---------------------------------------------------------


def pabutools_election(text: str):
    """pabutools' (instance, profile) of `.pb` text, with ordinal ballots as points and repeats added up."""
    from pabutools.election import CardinalBallot, CardinalProfile
    from pabutools.election.pabulib import parse_pabulib_from_string

    instance, profile = parse_pabulib_from_string(text)
    vote_type = instance.meta["vote_type"]
    if vote_type == "ordinal":
        ranked = [CardinalBallot({p: len(b) - i for i, p in enumerate(b)}) for b in profile]
        profile = CardinalProfile(ranked, instance=instance)
    elif vote_type in ("cumulative", "scoring"):
        _add_up_repeated_entries(text, instance, profile)
    return instance, profile


def _add_up_repeated_entries(text: str, instance, profile) -> None:
    """Give a project listed several times on one ballot the sum of its points (pabutools keeps the last)."""
    rows = csv.reader(io.StringIO(text[text.index("\nVOTES") + 1 :]), delimiter=";")
    next(rows)
    header = [c.strip() for c in next(rows)]
    voter_col, vote_col, points_col = (header.index(c) for c in ("voter_id", "vote", "points"))
    sums: dict[str, dict[str, int]] = {}
    for row in rows:
        ids = [v.strip() for v in row[vote_col].split(",")] if row and row[vote_col].strip() else []
        if len(ids) == len(set(ids)):
            continue
        points: dict[str, int] = {}
        for pid, score in zip(ids, row[points_col].split(","), strict=True):
            points[pid] = points.get(pid, 0) + int(score)
        sums[row[voter_col].strip()] = points
    for ballot in profile:
        for pid, total in sums.get(ballot.meta.get("voter_id", ""), {}).items():
            ballot[instance.get_project(pid)] = total


def _points_times_cost(instance, profile, ballot, project, precomputed_values):
    return ballot.get(project, 0) * project.cost


def sat_class(vote_type: str, sat: str):
    from pabutools.election import Additive_Cardinal_Sat, Cardinality_Sat, Cost_Sat
    from pabutools.election.satisfaction import AdditiveSatisfaction

    if sat == "cardinality":
        return Cardinality_Sat
    if sat == "points":
        return Additive_Cardinal_Sat
    if vote_type == "approval":
        return Cost_Sat

    class PointsTimesCost(AdditiveSatisfaction):
        def __init__(self, instance, profile, ballot):
            super().__init__(instance, profile, ballot, _points_times_cost)

    return PointsTimesCost


# --- the pabutools calls -----------------------------------------------------------------------


def pabutools_selected(instance, profile, key: str, start: list[str] | None = None) -> list[str]:
    """The ids pabutools selects under rule `key`, sorted as strings.

    `start`: for a completion that starts from another key's outcome (see `base_key`), that
    outcome's ids, used instead of computing it again.
    """
    from pabutools.rules import (
        BudgetAllocation,
        completion_by_rule_combination,
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    vote_type = instance.meta["vote_type"]
    greedy_sat = sat_class(vote_type, "cost")
    if key == "greedy":
        result = greedy_utilitarian_welfare(instance, profile, sat_class=greedy_sat)
        return sorted(p.name for p in result)
    sat, completion = split_key(key)
    mes_sat = sat_class(vote_type, sat)
    add1 = {
        "rule": method_of_equal_shares,
        "rule_params": {"sat_class": mes_sat},
        "exhaustive_stop": False,
        # With no voters a step of 0 would never end; any step gives the same (empty) MES outcome then.
        "budget_step": max(profile.num_ballots(), 1),
    }
    if start is not None and completion in STARTS_FROM:
        ids = set(start)

        def first(instance, profile, **_):
            return BudgetAllocation(p for p in instance if p.name in ids)

        first_params = {}
    elif completion == "greedy":
        first, first_params = method_of_equal_shares, {"sat_class": mes_sat}
    else:
        first, first_params = exhaustion_by_budget_increase, add1
    if completion == "none":
        result = method_of_equal_shares(instance, profile, sat_class=mes_sat)
    elif completion == "add1":
        result = exhaustion_by_budget_increase(instance, profile, **add1)
    elif completion == "add1-exhaustive":
        result = method_of_equal_shares(instance, profile, sat_class=mes_sat, voter_budget_increment=1)
    else:
        rules = [first, greedy_utilitarian_welfare]
        result = completion_by_rule_combination(instance, profile, rules, [first_params, {"sat_class": greedy_sat}])
    return sorted(p.name for p in result)


# --- recording ---------------------------------------------------------------------------------


class _OutOfTime(Exception):
    pass


def _on_alarm(signum, frame):
    raise _OutOfTime


def _timed(limit: float | None, function, *args):
    """(result, seconds) of `function(*args)`, or raises _OutOfTime after `limit` seconds."""
    if limit:
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        result = function(*args)
    finally:
        if limit:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return result, time.perf_counter() - start


def load_answers() -> dict:
    if ANSWERS.exists():
        return json.loads(ANSWERS.read_text(encoding="utf-8"))
    return {}


def save_answers(answers: dict) -> None:
    from importlib.metadata import version

    answers["_about"] = {
        "pabutools": version("pabutools"),
        "made_by": "bench/record_pabutools.py (its docstring says which call each rule key is)",
    }
    # One line per rule, so that a diff shows which answers changed.
    files = []
    for name in sorted(answers):
        entries = sorted(answers[name].items())
        rules = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in entries)
        files.append(f" {json.dumps(name)}: {{\n{rules}\n }}")
    temporary = ANSWERS.with_suffix(".json.tmp")
    temporary.write_text("{\n" + ",\n".join(files) + "\n}\n", encoding="utf-8")
    os.replace(temporary, ANSWERS)


def _vote_type(path: Path) -> str:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("vote_type;"):
                return line.split(";")[1].strip()
            if line.strip() == "PROJECTS":
                break
    return "approval"


def plan(files: list[Path]) -> Iterator[tuple[Path, str]]:
    """(file, key): first every rule without add1 on every file, smallest files first, then the add1 family."""
    files = sorted(files, key=lambda p: p.stat().st_size)
    keyed = [(path, key) for path in files for key in rule_keys(_vote_type(path))]
    yield from (item for item in keyed if "add1" not in item[1])
    yield from (item for item in keyed if "add1" in item[1])


def _matches(name: str, patterns: list[str]) -> str | None:
    return next((p for p in patterns if fnmatch.fnmatchcase(name, p)), None)


def _wanted(entry: dict | None, limit: float | None) -> bool:
    """Whether to (re)compute a key given its recorded entry."""
    if entry is None:
        return True
    if "selected" in entry:
        return False
    tried = entry.get("limit")
    return tried is None or limit is None or limit > tried


def record(only: list[str], skip: list[str], limit: float | None, reason: str | None = None) -> None:
    answers = load_answers()
    election: tuple[str, object] | None = None  # (file name, pabutools election): one file in memory at a time
    for path, key in plan(pabulib_files()):
        name = path.stem
        label = f"{name}/{key}"
        if only and not _matches(label, only):
            continue
        entries = answers.setdefault(name, {})
        if not _wanted(entries.get(key), limit):
            continue
        pattern = _matches(label, skip)
        if pattern:
            if key not in entries or reason:
                entries[key] = {"skipped": reason or f"left out with --skip {pattern!r}", "limit": None}
                save_answers(answers)
            continue
        base = base_key(key)
        start = None
        if base is not None and "selected" in entries.get(base, {}):
            start = entries[base]["selected"]
        elif base is not None and "skipped" in entries.get(base, {}):
            entries[key] = {"skipped": f"it starts from {base}, which was skipped", "limit": entries[base]["limit"]}
            save_answers(answers)
            continue
        if election is None or election[0] != name:
            election = None  # let the previous file's profile go before parsing the next one
            parsed, seconds = _timed(None, pabutools_election, path.read_text(encoding="utf-8"))
            election = (name, parsed)
            print(f"{name}: parsed by pabutools in {seconds:.1f} s", flush=True)
        instance, profile = election[1]
        print(f"{label} ...", end=" ", flush=True)
        try:
            selected, seconds = _timed(limit, pabutools_selected, instance, profile, key, start)
        except _OutOfTime:
            entries[key] = {"skipped": f"pabutools did not finish within {limit:g} s (--max-seconds)", "limit": limit}
            print(f"gave up after {limit:g} s", flush=True)
        else:
            # Four decimals: the smallest files take pabutools a few milliseconds.
            entry = {"selected": selected, "seconds": round(seconds, 4)}
            if start is not None:
                entry["seconds"] = round(seconds + entries[base]["seconds"], 4)
                entry["reused"] = base
            entries[key] = entry
            print(f"{len(selected)} selected in {seconds:.2f} s", flush=True)
        save_answers(answers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], metavar="PATTERN",
                        help="record only <file name>/<rule key> matching this pattern (repeatable)")
    parser.add_argument("--skip", action="append", default=[], metavar="PATTERN",
                        help="leave out <file name>/<rule key> matching this pattern, recorded as skipped (repeatable)")
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="give up on a pabutools run after this many seconds, recorded as skipped")
    parser.add_argument("--reason", help="why the rules left out with --skip are left out (recorded with them)")
    args = parser.parse_args()
    if not PABULIB_DIR.is_dir():
        sys.exit(f"{PABULIB_DIR} is absent: nothing to record")
    record(args.only, args.skip, args.max_seconds, args.reason)


if __name__ == "__main__":
    main()
