"""Fast runs of the Method of Equal Shares whose decisions are still exactly the rational ones.

This module owns one thing: `run(profile, share)`, one MES run in which every voter starts with
`share`, returning the projects in the order they were selected.

How it is fast and still exact:

- Identical ballots are grouped into voter *types* with a count (`Profile`), and the money of
  each type is a float in a numpy array.
- A project's ρ never falls from one round to the next, so candidates wait in a heap keyed by
  last round's ρ and only those that could still beat the best ρ found are re-evaluated.
- Floats only *screen*. Each decision (which project wins a round, whether supporters can still
  pay for a project) is taken from floats only when its margin is wider than `REL` (relative).
  Float error bound: every money value is the starting share minus at most one payment per
  round, every ρ a sum of at most (number of types + 1) terms divided once; each operation adds
  at most half an ulp (2**-53) of relative error to values of the same magnitude, so with fewer
  than 10**6 types and 10**3 rounds the accumulated error stays below 10**6 · 2**-52 ≈ 2·10**-10
  of the money in play, five times inside `REL`.
- A close call between projects whose supporters can all pay the plain price (cost divided by
  their total satisfaction) with room to spare is settled by those prices as fractions: that is
  then exactly ρ.
- Any other close call is settled by `_ExactReplay`: it replays the run so far in exact rationals
  (`fractions.Fraction`), grouping voters into budget classes (voters who paid for the same
  selected projects hold the same money), and computes the contested values exactly. Ties that
  are exact in rationals go to the smaller project id as a string, as in pabutools.

Satisfactions: "cost" (points × cost; cost on approval ballots), "cardinality" (1 per supported
project), "points" (the points given). A project gives satisfaction only to voters who give it
points; a supported project costing 0 is selected first when its satisfaction is positive.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from operator import attrgetter

import numpy as np

from ypb.domain.pabulib import Ballot, Instance

__all__ = ["REL", "SATISFACTIONS", "Profile", "RunResult", "profile_of", "run"]

SATISFACTIONS = ("cost", "cardinality", "points")
REL = 1e-9


@dataclass(frozen=True, slots=True)
class Profile:
    """The ballots of one instance, grouped for MES under one satisfaction."""

    ids: tuple[str, ...]  # project ids, in the instance's order
    costs: tuple[int, ...]
    voters: int
    type_count: int
    # Per project: the voter types that get positive satisfaction from it, their voter counts,
    # and the satisfaction of each such voter (floats for numpy; exact ints in `exact_rows`).
    types: tuple[np.ndarray, ...]
    counts: tuple[np.ndarray, ...]
    utilities: tuple[np.ndarray, ...]
    exact_utilities: tuple[np.ndarray, ...]  # int64 (or Python ints in an object array for huge amounts)
    total_utility: tuple[int, ...]
    uniform: tuple[bool, ...]  # every supporter has the same satisfaction (then ρ needs no division per voter)
    weighted: tuple[np.ndarray, ...]  # counts × utilities (floats)

    def exact_rows(self, p: int) -> list[tuple[int, int, int]]:
        """(type, voter count, satisfaction) of each supporter type of project p, as ints."""
        return list(zip(self.types[p].tolist(), self.counts[p].astype(np.int64).tolist(),
                        self.exact_utilities[p].tolist(), strict=True))


def _satisfaction(sat: str, points: int, cost: int) -> int:
    if sat == "cost":
        return points * cost
    if sat == "cardinality":
        return 1
    return points


def profile_of(instance: Instance, ballots: Sequence[Ballot], sat: str = "cost") -> Profile:
    if sat not in SATISFACTIONS:
        raise ValueError(f"sat must be one of {SATISFACTIONS}, not {sat!r}")
    ids = tuple(instance.projects)
    index = {pid: i for i, pid in enumerate(ids)}
    costs = tuple(instance.projects[p].cost for p in ids)
    # Voters with the same choices dict form one type. The parser shares one dict between
    # identical votes, so grouping by identity finds them nearly for free (numpy sorts the
    # identities of 65,000 ballots in milliseconds); grouping is only an optimisation, never
    # needed for correctness.
    all_choices = list(map(attrgetter("choices"), ballots))
    keys = np.fromiter(map(id, all_choices), dtype=np.uint64, count=len(all_choices))
    _, first, type_counts = np.unique(keys, return_index=True, return_counts=True)
    by_appearance = np.argsort(first)  # types in the order of their first ballot: the same every time
    kinds = list(map(all_choices.__getitem__, first[by_appearance].tolist()))
    type_counts = type_counts[by_appearance].astype(np.int64)
    lengths = list(map(len, kinds))
    rows = sum(lengths)
    types_all = np.repeat(np.arange(len(kinds), dtype=np.intp), lengths)
    projects_all = np.fromiter(map(index.__getitem__, chain.from_iterable(kinds)), dtype=np.intp, count=rows)
    if sat == "cardinality":  # points play no part: skip reading them
        points_all = np.ones(rows, dtype=np.int64)
    else:
        points_all = np.fromiter(chain.from_iterable(map(dict.values, kinds)), dtype=np.int64, count=rows)
    # Exact satisfactions fit in int64 unless amounts are astronomical; then Python ints take over.
    # (In Python ints: a numpy product would itself overflow and pick int64 for huge amounts.)
    largest = max(costs, default=0) * max(int(points_all.max(initial=0)), 1) * max(len(ballots), 1)
    cost_array = np.array(costs, dtype=object if largest >= 2**62 else np.int64)
    if sat == "cost":
        utility_all = points_all.astype(cost_array.dtype) * cost_array[projects_all]
    elif sat == "cardinality":
        utility_all = np.ones(len(types_all), dtype=cost_array.dtype)
    else:
        utility_all = points_all.astype(cost_array.dtype)
    keep = utility_all > 0
    if not keep.all():
        types_all, projects_all, utility_all = types_all[keep], projects_all[keep], utility_all[keep]
    # Rows sorted by project; each project's arrays are then slices of the same sorted arrays.
    # (numpy sorts 16-bit keys stably by radix: several times faster than wider ones.)
    order = np.argsort(projects_all.astype(np.int16) if len(ids) < 2**15 else projects_all, kind="stable")
    bounds = np.searchsorted(projects_all[order], np.arange(len(ids) + 1))
    sizes = np.diff(bounds)
    starts = bounds[:-1]
    t_rows = types_all[order]
    u_rows = utility_all[order]
    c_rows = type_counts[t_rows].astype(cost_array.dtype)
    counts_f, utilities_f = c_rows.astype(np.float64), u_rows.astype(np.float64)
    weighted_f = counts_f * utilities_f
    total = np.zeros(len(ids), dtype=cost_array.dtype)
    uniform = np.ones(len(ids), dtype=bool)
    present = sizes > 0
    if present.any():
        total[present] = np.add.reduceat(c_rows * u_rows, starts[present])
        first_u = np.repeat(u_rows[np.minimum(starts, len(u_rows) - 1)], sizes)
        uniform[present] = np.add.reduceat((u_rows != first_u).astype(np.int64), starts[present]) == 0
    cuts = [slice(a, b) for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)]
    return Profile(
        ids, costs, len(ballots), len(kinds), tuple(t_rows[cut] for cut in cuts), tuple(counts_f[cut] for cut in cuts),
        tuple(utilities_f[cut] for cut in cuts), tuple(u_rows[cut] for cut in cuts),
        tuple(int(x) for x in total.tolist()), tuple(uniform.tolist()), tuple(weighted_f[cut] for cut in cuts),
    )


@dataclass(frozen=True, slots=True)
class RunResult:
    order: tuple[int, ...]  # indexes into Profile.ids, in the order selected
    money: np.ndarray  # each voter type's money left at the end (floats: for explanations only)
    exact_calls: int  # how many close calls needed exact arithmetic
    # With `track`: by how much every voter's share may grow with every decision of the run
    # staying the same (so the same projects, in the same order); 0.0 when not tracked.
    horizon: float = 0.0
    # False when a `fit_budget` verdict ended the run early: `order` is then only its beginning.
    complete: bool = True


_CLOSE = object()


class _Above(float):
    """Not ρ but a lower bound of it, above the cutoff `_rho_float` was given."""


class _Plain(float):
    """ρ is surely the plain price cost / total satisfaction: nobody runs out, so it is exactly that."""


def _rho_float(profile: Profile, p: int, money: np.ndarray, lower: float = 0.0, cutoff: float = np.inf,
               margin: float = np.inf):
    """ρ of project p from floats; None when its supporters surely cannot pay, _CLOSE when unsure.

    With a `cutoff` (the best ρ of the round so far), a project whose ρ surely lies above it may
    get only an `_Above` lower bound instead: enough to know it loses, for less work.

    When every supporter still holds more than the plain price asks of them by over `margin`
    (the float error bound of money), ρ comes back as `_Plain`: its exact value is known without
    replaying the run, which settles most exact ties (under "cost" satisfaction, projects with
    as many supporters who can all pay have the same ρ).

    `lower` is a lower bound of ρ (last round's ρ): Newton's method starts there. The supporters'
    payment Σ min(money, ρ × satisfaction) is concave and piecewise linear in ρ, so Newton steps
    from below never overshoot, and once the set of those who pay all they have is the right one,
    the next step lands on ρ.
    """
    cost = profile.costs[p]
    m = money.take(profile.types[p])
    w = profile.counts[p]
    available = float(np.dot(w, m))
    if available < cost * (1 - REL):
        return None
    if available <= cost * (1 + REL):
        return _CLOSE
    u = profile.utilities[p]
    rho = cost / profile.total_utility[p]
    if profile.uniform[p]:
        # Nobody runs out: the plain price (impossible once last round's ρ was above it).
        if lower <= rho and rho * u[0] + margin <= m.min():
            return _Plain(rho)
        return _rho_uniform(profile, p, m, w, max(rho, lower), cutoff)
    if rho <= ((m - margin) / u).min():
        return _Plain(rho)
    rho = max(rho, lower)
    wu = profile.weighted[p]
    for _ in range(200):
        gap = cost - float(np.dot(w, np.minimum(m, rho * u)))
        if gap <= 0:
            if gap < -REL * 1e-3 * cost and rho > cost / profile.total_utility[p]:
                rho = cost / profile.total_utility[p]  # the bound was a hair too high: start again from below
                continue
            return rho
        step = gap / float(np.dot(wu, (m > rho * u).astype(np.float64)))
        if step <= rho * 1e-15:
            return rho + step
        rho += step
    return rho  # pragma: no cover - Newton ends after at most one step per distinct money value


def _rho_uniform(profile: Profile, p: int, m: np.ndarray, w: np.ndarray, rho: float,
                 cutoff: float = np.inf) -> float:
    """`_rho_float`'s Newton steps when every supporter has the same satisfaction u.

    Then everyone pays the same level x = ρ·u or all they have, and the payment at x is
    (money of those with at most x) + x × (number of the others): the same steps as the general
    loop, with half the array work per step. With a cutoff above the start, the steps start
    there: if the supporters cannot pay at the cutoff, the first step is already a lower bound
    above it (`_Above`); if they can, ρ is below it and the steps start again from `rho`.
    """
    cost = profile.costs[p]
    u0 = float(profile.utilities[p][0])
    plain = cost / profile.total_utility[p]
    voters = profile.total_utility[p] / u0
    wm = w * m
    probing = rho < cutoff < np.inf
    floor = rho * u0  # a level known to be at most ρ's
    level = cutoff * u0 if probing else floor
    for _ in range(200):
        # They pay all they have. (A float mask: numpy's dot with a bool array converts it first.)
        out = (m <= level).astype(np.float64)
        rest = voters - float(np.dot(w, out))
        gap = cost - float(np.dot(wm, out)) - level * rest
        if gap <= 0:
            if probing:
                probing, level = False, floor  # ρ is at most the cutoff: find it from below
                continue
            if gap < -REL * 1e-3 * cost and level > plain * u0:
                level = floor = plain * u0  # the bound was a hair too high: start again from below
                continue
            return level / u0
        step = gap / rest
        if probing and step > level * 2 * REL:
            return _Above((level + step) / u0)  # surely above the cutoff, and still at most ρ
        probing = False
        if step <= level * 1e-15:
            return (level + step) / u0
        level += step
    return level / u0  # pragma: no cover - Newton ends after at most one step per distinct money value


def _structure(profile: Profile, p: int, money: np.ndarray, slope: np.ndarray, rho: float) -> tuple[float, float]:
    """(dρ/dt, horizon) of project p's ρ when every voter's share t grows.

    While nobody crosses between paying all they have and paying ρ × satisfaction, and the
    supporters' total stays on the same side of the cost, ρ is linear in t: money is
    a + b·t per voter (b = `slope`), and ρ = (cost − money of those who pay all) / (satisfaction
    of the others). The horizon is how far t may grow before one of those sides could change.
    """
    idx = profile.types[p]
    m, b = money[idx], slope[idx]
    w, u = profile.counts[p], profile.utilities[p]
    value = m - rho * u
    capped = value < 0
    rest = float(np.dot(w[~capped], u[~capped]))
    d_rho = -float(np.dot(w[capped], b[capped])) / rest if rest else 0.0
    change = b - d_rho * u
    wrong_way = np.where(capped, change > 0, change < 0)
    horizon = float((np.abs(value[wrong_way]) / np.abs(change[wrong_way])).min()) if wrong_way.any() else np.inf
    left = float(np.dot(w, m)) - profile.costs[p]
    left_slope = float(np.dot(w, b))
    if left_slope < 0:
        horizon = min(horizon, left / -left_slope)
    return d_rho, horizon


def _overtake(value: float, value_slope: float) -> float:
    """How far t may grow before a positive gap `value` (changing by `value_slope`) closes."""
    if value_slope >= 0:
        return np.inf
    return max(value, 0.0) / -value_slope


class _ExactReplay:
    """The run so far in exact rationals, by budget classes, computed only when a call is close."""

    def __init__(self, profile: Profile, share: Fraction):
        self.profile = profile
        self.class_of = [0] * profile.type_count
        self.money = [share]
        self.done = 0  # how many selections of the run have been replayed

    def catch_up(self, order: Sequence[int]) -> None:
        while self.done < len(order):
            p = order[self.done]
            rho = self.rho(p)
            self._pay(p, rho if rho is not None else Fraction(0))
            self.done += 1

    def _groups(self, p: int) -> list[tuple[Fraction, int, int]]:
        totals: dict[tuple[int, int], int] = {}
        for t, count, utility in self.profile.exact_rows(p):
            key = (self.class_of[t], utility)
            totals[key] = totals.get(key, 0) + count
        return [(self.money[c], utility, count) for (c, utility), count in totals.items()]

    def affordable(self, p: int) -> bool:
        return sum(m * count for m, _, count in self._groups(p)) >= self.profile.costs[p]

    def rho(self, p: int) -> Fraction | None:
        cost = self.profile.costs[p]
        groups = self._groups(p)
        if sum(m * count for m, _, count in groups) < cost:
            return None
        if cost == 0:
            return Fraction(0)
        groups.sort(key=lambda g: g[0] / g[1])
        paid = Fraction(0)
        weight = sum(utility * count for _, utility, count in groups)
        for m, utility, count in groups:
            rho = (cost - paid) / weight
            if rho * utility <= m:
                return rho
            paid += m * count
            weight -= utility * count
        return None

    def _pay(self, p: int, rho: Fraction) -> None:
        children: dict[tuple[int, int], int] = {}
        for t, _, utility in self.profile.exact_rows(p):
            old = self.class_of[t]
            key = (old, utility)
            new = children.get(key)
            if new is None:
                new = len(self.money)
                m = self.money[old]
                self.money.append(m - min(m, rho * utility))
                children[key] = new
            self.class_of[t] = new


def run(profile: Profile, share: Fraction, track: bool = False, fit_budget: int | None = None) -> RunResult:
    """One MES run in which every voter starts with `share` (no completion).

    With `track`, also how far the share may grow with the same outcome (`RunResult.horizon`).

    With `fit_budget` (add1 only needs to know whether the outcome fits), the run may stop as
    soon as the answer is certain, returning an incomplete result: when what it selected already
    costs more, or when, once some candidate has dropped out (so the run cannot end with every
    supported project in, which add1 treats apart), even all the candidates left would not go
    over. Both are sums of integer costs: exact.
    """
    money = np.full(profile.type_count, float(share))
    margin = REL * float(share)  # money in floats is off by less than this (see the module's docstring)
    slope = np.ones(profile.type_count) if track else None
    horizon = np.inf
    ids = profile.ids
    order: list[int] = []
    replay: _ExactReplay | None = None
    exact_calls = 0
    heap: list[tuple[float, str, int, float]] = []  # (ρ or its lower bound, id, project, dρ/dt)
    for p, cost in enumerate(profile.costs):
        if not profile.total_utility[p]:
            continue
        if cost == 0:
            order.append(p)  # free for its supporters: selected first, nobody pays
        else:
            heap.append((cost / profile.total_utility[p], ids[p], p, 0.0))
    heapq.heapify(heap)
    verdict = fit_budget is not None and not track
    if verdict:
        alive_cost = sum(profile.costs[entry[2]] for entry in heap)
        spent = 0
        dropped = False

    def exact() -> _ExactReplay:
        nonlocal replay, exact_calls, horizon
        exact_calls += 1
        if replay is None:
            replay = _ExactReplay(profile, share)
        replay.catch_up(order)
        return replay

    while heap:
        best: tuple[float, str, int, float] | None = None
        evaluated: list[tuple[float, str, int, float]] = []
        losers: list[tuple[float, str, int, float]] = []
        while heap:
            bound = heap[0][0]
            if best is not None and bound * (1 - REL) > best[0] * (1 + REL):
                break  # its ρ, and every later one's, is surely above the best
            bound, sid, p, _ = heapq.heappop(heap)
            cutoff = best[0] if best is not None and not track else np.inf
            rho = _rho_float(profile, p, money, bound, cutoff, margin)
            if type(rho) is _Above:
                losers.append((float(rho), sid, p, 0.0))  # it cannot win this round: wait with a better bound
                continue
            if rho is _CLOSE:
                horizon = 0.0  # affordable only just (or not): do not extrapolate this run
                exact_rho = exact().rho(p)
                rho = None if exact_rho is None else float(exact_rho)
            if rho is None:
                if track and horizon > 0:
                    left_slope = float(np.dot(profile.counts[p], slope[profile.types[p]]))
                    if left_slope > 0:  # richer supporters could afford it after all
                        gap = profile.costs[p] - float(np.dot(profile.counts[p], money[profile.types[p]]))
                        horizon = min(horizon, gap / left_slope)
                if verdict:
                    alive_cost -= profile.costs[p]
                    dropped = True
                continue  # its supporters cannot pay, and they only get poorer
            d_rho = 0.0
            if track and horizon > 0:
                d_rho, reach = _structure(profile, p, money, slope, rho)
                horizon = min(horizon, reach)
            entry = (rho, sid, p, d_rho)
            evaluated.append(entry)
            if best is None or entry < best:
                best = entry
        if best is None:
            break
        close = [e for e in evaluated if e[0] <= best[0] * (1 + 2 * REL) + 1e-300]
        if len(close) > 1:
            exact_rhos = {e[2]: Fraction(profile.costs[e[2]], profile.total_utility[e[2]]) for e in close
                          if type(e[0]) is _Plain}
            if len(exact_rhos) < len(close):
                state = exact()
                exact_rhos.update((e[2], state.rho(e[2])) for e in close if e[2] not in exact_rhos)
            best = min(close, key=lambda e: (exact_rhos[e[2]], e[1]))
            if track and horizon > 0:
                for other in close:
                    # A true tie (same ρ, same change with the shares) stays a tie, decided by id;
                    # anything else this close could flip at the next step.
                    if other is not best and (exact_rhos[other[2]] != exact_rhos[best[2]] or other[3] != best[3]):
                        horizon = 0.0
        rho, _, p, d_rho = best
        if track and horizon > 0:
            # Every other candidate, evaluated or waiting with an older ρ, must stay behind the winner.
            for other in evaluated:
                if other is not best:
                    horizon = min(horizon, _overtake(other[0] - rho, other[3] - d_rho))
            for other in heap:
                horizon = min(horizon, _overtake(other[0] - rho, other[3] - d_rho))
        for entry in evaluated:
            if entry is not best:
                heapq.heappush(heap, entry)
        for entry in losers:
            heapq.heappush(heap, entry)
        idx = profile.types[p]
        m = money.take(idx)
        u = profile.utilities[p]
        left = m - rho * u
        if track:
            slope[idx] = np.where(left <= 0, 0.0, slope.take(idx) - d_rho * u)
        # Those who cannot pay ρ × satisfaction pay all they have (m > x implies m - x > 0 in floats).
        money[idx] = np.maximum(left, 0.0)
        order.append(p)
        if verdict:
            spent += profile.costs[p]
            alive_cost -= profile.costs[p]
            if spent > fit_budget or (dropped and spent + alive_cost <= fit_budget):
                return RunResult(tuple(order), money, exact_calls, complete=False)
    return RunResult(tuple(order), money, exact_calls, float(horizon) if track else 0.0)
