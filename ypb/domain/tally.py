"""Exact vote-counting rules: which projects win, given the instance and the ballots.

This module owns the rules and their `Outcome`:

- `greedy`: projects by total support (the sum of points; 1 per voter on approval ballots),
  each taken if it still fits in the budget, optionally only those with at least `threshold`
  supporters;
- `mes`: the Method of Equal Shares with exact rationals (`fractions.Fraction`), satisfaction
  "cost" (points × cost) or "cardinality" (points).

Both aim to give the same selected set as pabutools (`greedy_utilitarian_welfare` with Cost_Sat,
`method_of_equal_shares` with Cost_Sat / Cardinality_Sat, lexicographic tie-breaking) on approval
ballots. Ties are broken by the project id compared as a string ("10" before "9"), as pabutools
does. On points ballots ours weight by points; pabutools' Cost_Sat would count them as approval.

Speed is not a goal yet; correctness is. It does not parse files (see `ypb.domain.pabulib`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from ypb.domain.pabulib import Ballot, Instance

__all__ = ["Outcome", "greedy", "mes", "mes_completed"]

SATISFACTIONS = ("cost", "cardinality")
COMPLETIONS = ("none", "greedy", "add1", "add1-exhaustive", "add1-greedy")


@dataclass(frozen=True, slots=True)
class Outcome:
    selected: tuple[str, ...]  # project ids, sorted as strings
    cost: int


def _outcome(instance: Instance, selected: list[str]) -> Outcome:
    return Outcome(tuple(sorted(selected)), sum(instance.projects[p].cost for p in selected))


def greedy(instance: Instance, ballots: Sequence[Ballot], threshold: int = 0) -> Outcome:
    """Take projects by descending total support, skipping any that no longer fits, and go on.

    Projects nobody supports are still taken when money remains (as pabutools does). With
    `threshold`, projects with fewer supporters (voters giving them any points) are left out.
    """
    support = dict.fromkeys(instance.projects, 0)
    supporters = dict.fromkeys(instance.projects, 0)
    for ballot in ballots:
        for pid, points in ballot.choices.items():
            support[pid] += points
            supporters[pid] += 1
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
    string. Projects costing 0 that someone supports are selected without payment under
    cardinality satisfaction; under cost satisfaction they give 0 satisfaction, so, as in
    pabutools, they are never selected. With no ballots nothing is selected.
    """
    if sat not in SATISFACTIONS:
        raise ValueError(f"sat must be one of {SATISFACTIONS}, not {sat!r}")
    n = len(ballots)
    if n == 0:
        return Outcome((), 0)
    return _outcome(instance, _mes_run(instance, _supporters(instance, ballots, sat), Fraction(instance.budget, n), n))


def _supporters(instance: Instance, ballots: Sequence[Ballot], sat: str) -> dict[str, list[tuple[int, int]]]:
    """For each project: (voter index, satisfaction) of the voters it gives positive satisfaction."""
    supporters: dict[str, list[tuple[int, int]]] = {p: [] for p in instance.projects}
    for i, ballot in enumerate(ballots):
        for pid, points in ballot.choices.items():
            utility = points * instance.projects[pid].cost if sat == "cost" else points
            if utility > 0:
                supporters[pid].append((i, utility))
    return supporters


def _mes_run(instance: Instance, supporters: dict[str, list[tuple[int, int]]], share: Fraction, n: int) -> list[str]:
    """One run of MES where each of the `n` voters starts with `share`; the selected ids."""
    money = [share] * n
    selected = [p for p, s in supporters.items() if s and instance.projects[p].cost == 0]
    # A project's ρ never falls as voters spend, so its last ρ is a lower bound; start from cost / total.
    bound = {
        p: Fraction(instance.projects[p].cost, sum(u for _, u in s))
        for p, s in supporters.items()
        if s and instance.projects[p].cost > 0
    }
    while bound:
        best: tuple[Fraction, str] | None = None
        for pid in sorted(bound, key=lambda p: (bound[p], p)):
            if best is not None and bound[pid] > best[0]:
                break  # this and every later bound exceeds the best ρ found
            rho = _rho(instance.projects[pid].cost, supporters[pid], money)
            if rho is None:
                del bound[pid]  # its supporters can no longer pay; they only get poorer
                continue
            bound[pid] = rho
            if best is None or (rho, pid) < best:
                best = (rho, pid)
        if best is None:
            break
        rho, pid = best
        for i, utility in supporters[pid]:
            money[i] -= min(money[i], rho * utility)
        selected.append(pid)
        del bound[pid]
    return selected


def mes_completed(
    instance: Instance, ballots: Sequence[Ballot], sat: str = "cost", completion: str = "none"
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

    With no ballots nothing is selected, except by the greedy fill.
    """
    if sat not in SATISFACTIONS:
        raise ValueError(f"sat must be one of {SATISFACTIONS}, not {sat!r}")
    if completion not in COMPLETIONS:
        raise ValueError(f"completion must be one of {COMPLETIONS}, not {completion!r}")
    n = len(ballots)
    supporters = _supporters(instance, ballots, sat)
    share = Fraction(instance.budget, n) if n else Fraction(0)
    selected: list[str] = []
    if n == 0:
        pass  # pabutools' MES selects nothing (and its budget-increase loop would never end)
    elif completion in ("none", "greedy"):
        selected = _mes_run(instance, supporters, share, n)
    else:
        exhaustive_stop = completion == "add1-exhaustive"
        candidates = [p for p, s in supporters.items() if s and instance.projects[p].cost > 0]
        step = 0
        # pabutools' bound for "add1": budget + step·n <= budget·(n + 1). The exhaustive variant has
        # none; it still ends, since once every voter can pay for every project alone, MES selects
        # every supported project: the outcome either no longer fits or is exhaustive.
        while exhaustive_stop or step <= instance.budget:
            outcome = _mes_run(instance, supporters, share + step, n)
            cost = sum(instance.projects[p].cost for p in outcome)
            if cost > instance.budget:
                break
            selected = outcome
            if exhaustive_stop and all(
                p in outcome or cost + instance.projects[p].cost > instance.budget for p in candidates
            ):
                break
            step += 1
    if completion in ("greedy", "add1-greedy"):
        selected = _greedy_fill(instance, ballots, selected)
    return _outcome(instance, selected)


def _greedy_fill(instance: Instance, ballots: Sequence[Ballot], selected: list[str]) -> list[str]:
    """`selected`, then the other projects by descending total support (ties by id) while they fit."""
    support = dict.fromkeys(instance.projects, 0)
    for ballot in ballots:
        for pid, points in ballot.choices.items():
            support[pid] += points
    taken = set(selected)
    remaining = instance.budget - sum(instance.projects[p].cost for p in selected)
    result = list(selected)
    for pid in sorted((p for p in instance.projects if p not in taken), key=lambda p: (-support[p], p)):
        cost = instance.projects[pid].cost
        if cost <= remaining:
            result.append(pid)
            remaining -= cost
    return result


def _rho(cost: int, supporters: list[tuple[int, int]], money: list[Fraction]) -> Fraction | None:
    """The lowest price per unit of satisfaction at which `supporters` cover `cost`, or None."""
    if sum(money[i] for i, _ in supporters) < cost:
        return None
    # Voters who cannot pay ρ × utility pay all they have; try them poorest (per utility) first.
    ordered = sorted(supporters, key=lambda s: money[s[0]] / s[1])
    paid = Fraction(0)
    weight = sum(u for _, u in supporters)
    for i, utility in ordered:
        rho = (cost - paid) / weight
        if rho * utility <= money[i]:
            return rho
        paid += money[i]
        weight -= utility
    return None  # unreachable when the money suffices
