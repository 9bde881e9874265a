"""Exact vote-counting rules: which projects win, given the instance and the ballots.

This module owns the rules and their `Outcome`:

- `greedy`: projects by total support (the sum of points; 1 per voter on approval ballots),
  each taken if it still fits in the budget, optionally only those with at least `threshold`
  supporters;
- `mes` / `mes_completed` / `tally_run`: the Method of Equal Shares with satisfaction "cost"
  (points × cost), "cardinality" (1 per supported project) or "points", its completions and
  Wieliczka's comparison with greedy. The runs themselves are in `ypb.domain.mes_engine`
  (floats screen, exact rationals settle every close call).

They give the same selected set as pabutools 1.2.3 (`greedy_utilitarian_welfare` with Cost_Sat,
`method_of_equal_shares` with Cost_Sat / Cardinality_Sat / Additive_Cardinal_Sat, lexicographic
tie-breaking). Ties are broken by the project id compared as a string ("10" before "9"), as
pabutools does. On points ballots greedy orders by points (pabutools' Cost_Sat would count them
as approvals; an additive satisfaction of points × cost reproduces ours).

It does not parse files (see `ypb.domain.pabulib`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from operator import attrgetter

from ypb.domain.mes_engine import SATISFACTIONS, Profile, RunResult, profile_of, run
from ypb.domain.pabulib import Ballot, Instance

__all__ = ["MesTally", "Outcome", "greedy", "mes", "mes_completed", "tally_run"]

COMPLETIONS = ("none", "greedy", "add1", "add1-exhaustive", "add1-greedy")


@dataclass(frozen=True, slots=True)
class Outcome:
    selected: tuple[str, ...]  # project ids, sorted as strings
    cost: int


def _outcome(instance: Instance, selected: list[str]) -> Outcome:
    return Outcome(tuple(sorted(selected)), sum(instance.projects[p].cost for p in selected))


def support_of(instance: Instance, ballots: Sequence[Ballot]) -> tuple[dict[str, int], dict[str, int]]:
    """(points, supporters) per project. Counted in C where it can: this is most of greedy's time."""
    all_choices = list(map(attrgetter("choices"), ballots))
    supporters = dict.fromkeys(instance.projects, 0)
    supporters.update(Counter(chain.from_iterable(all_choices)))
    if instance.vote_type == "approval":  # one point per choice
        return dict(supporters), supporters
    support = dict.fromkeys(instance.projects, 0)
    for choices in all_choices:
        for pid, points in choices.items():
            support[pid] += points
    return support, supporters


def greedy(instance: Instance, ballots: Sequence[Ballot], threshold: int = 0) -> Outcome:
    """Take projects by descending total support, skipping any that no longer fits, and go on.

    Projects nobody supports are still taken when money remains (as pabutools does). With
    `threshold`, projects with fewer supporters (voters giving them any points) are left out.
    """
    support, supporters = support_of(instance, ballots)
    order = sorted((p for p in instance.projects if supporters[p] >= threshold), key=lambda p: (-support[p], p))
    remaining = instance.budget
    selected = []
    for pid in order:
        cost = instance.projects[pid].cost
        if cost <= remaining:
            selected.append(pid)
            remaining -= cost
    return _outcome(instance, selected)


def mes(instance: Instance, ballots: Sequence[Ballot], sat: str = "cost") -> Outcome:
    """The Method of Equal Shares, without completion: each voter starts with budget / n.

    Each round, among projects whose supporters still hold enough money, the one with the
    lowest ρ wins: the smallest price per unit of satisfaction such that supporters paying
    min(their money, ρ × their satisfaction) cover its cost. Ties go to the smallest id as a
    string. A supported project costing 0 is selected first when its satisfaction is positive
    (under "cost" satisfaction it gives none, so, as in pabutools, it is never selected).
    With no ballots nothing is selected.
    """
    return mes_completed(instance, ballots, sat)


def mes_completed(
    instance: Instance, ballots: Sequence[Ballot], sat: str = "cost", completion: str = "none",
    compare_greedy: bool = False,
) -> Outcome:
    """MES followed by a completion, as pabutools 1.2.3 computes them (`sat` is used by every MES run).

    - "none": plain `mes`.
    - "greedy": MES, then the projects left out taken by descending total support while they
      fit in what remains of the budget (pabutools' `completion_by_rule_combination` of
      MES and `greedy_utilitarian_welfare` with Cost_Sat).
    - "add1": MES rerun with each voter's share raised by 1, 2, 3, ... (total budget + k·n,
      pabutools' `exhaustion_by_budget_increase` with `budget_step` = n and
      `exhaustive_stop=False`). Each run spends only what the voters hold, however much that
      is; the first outcome costing more than the real budget ends the search and the last
      outcome that fits is returned. The search also ends after share budget/n + budget
      (pabutools' bound: total budget × (n + 1)), returning the last outcome.
    - "add1-exhaustive": pabutools' `voter_budget_increment=1`: the same steps, but it also
      stops at (and returns) the first outcome to which no supported project left out
      (positive satisfaction, positive cost) could be added within the real budget.
    - "add1-greedy": "add1", then the greedy fill of "greedy".

    `compare_greedy` (Wieliczka's comparison step): the outcome above is replaced by the
    greedy one when more voters prefer the greedy one, a voter preferring the outcome that
    spends more on the projects they voted for.

    With no ballots nothing is selected, except by the greedy fill.
    """
    return tally_run(instance, ballots, sat, completion, compare_greedy).outcome


@dataclass(frozen=True, slots=True)
class MesTally:
    """What an MES tally did, for explanations: the outcome and the run it kept."""

    outcome: Outcome
    profile: Profile | None
    run: RunResult | None  # the MES run whose selection was kept (None without ballots)
    share: Fraction  # each voter's share in that run
    filled: tuple[str, ...]  # projects added by the greedy fill, in order
    replaced_by_greedy: bool
    runs: int  # how many MES runs the completion needed


def tally_run(
    instance: Instance, ballots: Sequence[Ballot], sat: str = "cost", completion: str = "none",
    compare_greedy: bool = False,
) -> MesTally:
    """`mes_completed`, keeping what the explanations need."""
    if sat not in SATISFACTIONS:
        raise ValueError(f"sat must be one of {SATISFACTIONS}, not {sat!r}")
    if completion not in COMPLETIONS:
        raise ValueError(f"completion must be one of {COMPLETIONS}, not {completion!r}")
    n = len(ballots)
    costs = {pid: project.cost for pid, project in instance.projects.items()}
    selected: list[str] = []
    kept: RunResult | None = None
    profile: Profile | None = None
    share = Fraction(instance.budget, n) if n else Fraction(0)
    runs = 0
    if n:  # without ballots pabutools' MES selects nothing (and its budget-increase loop would never end)
        profile = profile_of(instance, ballots, sat)
        if completion in ("none", "greedy"):
            kept = run(profile, share)
            runs = 1
        else:
            kept, share, runs = _add1(instance, profile, share, exhaustive_stop=completion == "add1-exhaustive")
        if kept is not None:
            selected = [profile.ids[p] for p in kept.order]
    filled: list[str] = []
    if completion in ("greedy", "add1-greedy"):
        filled = _greedy_fill(instance, ballots, selected)[len(selected):]
        selected = selected + filled
    replaced = False
    if compare_greedy:
        alternative = list(greedy(instance, ballots).selected)
        prefer_greedy, prefer_mes = preferences(ballots, costs, alternative, selected)
        if prefer_greedy > prefer_mes:
            selected, replaced = alternative, True
    return MesTally(_outcome(instance, selected), profile, kept, share, tuple(filled), replaced, runs)


def _add1(instance: Instance, profile: Profile, share: Fraction, exhaustive_stop: bool):
    """The add1 search: (the kept run or None, the share it used, the number of runs).

    Each run also says how far the shares may grow with the same decisions (its horizon); the
    steps inside that horizon would repeat its outcome exactly, so they are skipped. A safety
    margin keeps float error from stretching a horizon: only steps clearly inside it are skipped.
    """
    costs = profile.costs
    candidates = [p for p in range(len(costs)) if profile.total_utility[p] and costs[p] > 0]
    kept: RunResult | None = None  # the last complete run that fits
    kept_at: int | None = None  # its step
    kept_step: int | None = None  # the last step known to fit (its run may have stopped at the verdict)
    step = 0
    runs = 0
    track = True
    fruitless = 0  # tracked runs in a row whose horizon skipped nothing
    untracked, wait = 0, 16  # runs since tracking stopped; how many to do before trying again
    # pabutools' bound for "add1": budget + step·n <= budget·(n + 1). The exhaustive variant has
    # none; it still ends, since once every voter can pay for every project alone, MES selects
    # every supported project: the outcome either no longer fits or is exhaustive.
    limit = None if exhaustive_stop else instance.budget
    while limit is None or step <= limit:
        # Untracked runs only need the verdict "fits or not" (the exhaustive stop needs the outcome).
        result = run(profile, share + step, track=track, fit_budget=None if exhaustive_stop else instance.budget)
        runs += 1
        cost = sum(costs[p] for p in result.order)
        if cost > instance.budget:
            break
        kept_step = step
        if result.complete:
            kept, kept_at = result, step
            chosen = set(result.order)
            if len(chosen) >= len(candidates) and all(p in chosen for p in candidates):
                break  # every supported project is in: richer voters select them all again, it can only repeat
            if exhaustive_stop and all(p in chosen or cost + costs[p] > instance.budget for p in candidates):
                break
        skip = 0
        if track:
            margin = 1e-6 * (1 + float(share) + step)
            reach = result.horizon - margin
            skip = int(min(reach, 2.0**62)) if reach >= 1 else 0
            fruitless = 0 if skip else fruitless + 1
            if skip:
                wait = 16
            if fruitless >= 2:
                # Decisions change at nearly every step here: tracking costs more than it saves.
                track, untracked = False, 0
        else:
            untracked += 1
            if untracked >= wait:
                track, fruitless, wait = True, 0, wait * 2  # look again, less often each time it fails
        if skip:
            if limit is not None:
                skip = min(skip, limit - step)
            kept_step = step + skip  # the same outcome up to there
            step += skip
        step += 1
    if kept_step is None:
        return None, share, runs
    if kept_step != kept_at:
        kept = run(profile, share + kept_step)  # the whole last run that fits, and its money for explanations
    return kept, share + kept_step, runs


def preferences(ballots: Sequence[Ballot], costs: dict[str, int], first, second) -> tuple[int, int]:
    """(voters preferring `first`, voters preferring `second`): more money on the projects they chose."""
    only_first, only_second = set(first) - set(second), set(second) - set(first)
    prefer_first = prefer_second = 0
    for ballot in ballots:
        gain = sum(costs[p] for p in ballot.choices if p in only_first)
        loss = sum(costs[p] for p in ballot.choices if p in only_second)
        prefer_first += gain > loss
        prefer_second += loss > gain
    return prefer_first, prefer_second


def _greedy_fill(instance: Instance, ballots: Sequence[Ballot], selected: list[str]) -> list[str]:
    """`selected`, then the other projects by descending total support (ties by id) while they fit."""
    support, _ = support_of(instance, ballots)
    taken = set(selected)
    remaining = instance.budget - sum(instance.projects[p].cost for p in selected)
    result = list(selected)
    for pid in sorted((p for p in instance.projects if p not in taken), key=lambda p: (-support[p], p)):
        cost = instance.projects[pid].cost
        if cost <= remaining:
            result.append(pid)
            remaining -= cost
    return result
