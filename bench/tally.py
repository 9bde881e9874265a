"""Time the tally engine against pabutools 1.2.3, rule by rule, on Pabulib files.

    .venv/bin/python bench/tally.py ../shared/data/pabulib/*.pb                 # ours, pabutools from the record
    .venv/bin/python bench/tally.py --live FILE.pb                              # run pabutools too (slow)
    .venv/bin/python bench/tally.py --rules 'mes/cost/add1' FILE.pb

Rule keys are those of `bench/record_pabutools.py` (greedy, mes/S, mes/S/greedy, mes/S/add1,
mes/S/add1-exhaustive, mes/S/add1-greedy). Ours is timed from the parsed ballots (grouping them
for MES included; parsing excluded, as for pabutools), best of `--repeat` runs. pabutools' time
is the one recorded in `tests/domain/pabutools_answers.json` by `bench/record_pabutools.py` on
this kind of machine, or measured now with `--live`. Each row also says whether both selected
the same set. Prints a Markdown table and the peak memory of the whole run.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import math
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ypb.domain import tally  # noqa: E402
from ypb.domain.pabulib import parse_pabulib  # noqa: E402

ANSWERS = ROOT / "tests" / "domain" / "pabutools_answers.json"


def ours(key: str, instance, ballots):
    if key == "greedy":
        return tally.greedy(instance, ballots)
    if key == "greedy-threshold":
        return tally.greedy(instance, ballots, threshold=int(instance.meta.get("min_project_score_threshold", 0)))
    parts = key.split("/")
    sat = parts[1]
    completion = parts[2] if len(parts) > 2 else "none"
    return tally.mes_completed(instance, ballots, sat=sat, completion=completion)


def _seconds(value: float) -> str:
    """Seconds, with three significant digits below ten (milliseconds matter on small files)."""
    if value >= 10:
        return f"{value:,.0f}"
    decimals = 2 if value <= 0 else max(2, 2 - math.floor(math.log10(value)))
    return f"{value:.{decimals}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--rules", default="*", help="fnmatch pattern on rule keys")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--live", action="store_true", help="also run pabutools now (can take many minutes)")
    args = parser.parse_args()
    recorded = json.loads(ANSWERS.read_text()) if ANSWERS.exists() else {}

    print("| file | rule | ours (s) | pabutools (s) | ratio | same set |")
    print("|---|---|---:|---:|---:|---|")
    for path in args.files:
        name = path.stem
        with open(path, encoding="utf-8") as fh:
            instance, ballots = parse_pabulib(fh)
        keys = [k for k in recorded.get(name, {}) if not k.startswith("_")] or ["greedy", "mes/cost"]
        for key in keys:
            if not fnmatch.fnmatch(key, args.rules):
                continue
            best = float("inf")
            outcome = None
            for _ in range(max(1, args.repeat)):
                start = time.perf_counter()
                outcome = ours(key, instance, ballots)
                best = min(best, time.perf_counter() - start)
            answer = recorded.get(name, {}).get(key, {})
            theirs = answer.get("seconds")
            expected = answer.get("selected")
            if args.live:
                from bench.record_pabutools import pabutools_election, pabutools_selected  # only with --live

                election = pabutools_election(path.read_text(encoding="utf-8"))
                started = time.perf_counter()
                expected = pabutools_selected(*election, key)
                theirs = time.perf_counter() - started
            same = "—" if expected is None else ("yes" if list(outcome.selected) == sorted(expected) else "NO")
            ratio = f"{theirs / best:,.0f}×" if theirs else "—"
            shown = _seconds(theirs) if theirs is not None else (answer.get("skipped") or "—")
            print(f"| {name} | {key} | {_seconds(best)} | {shown} | {ratio} | {same} |", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
