"""Results with reasons: what a cycle's counting rule decided for each project, and why.

This module owns the cycle-level counting rules (`RULES`), the per-project reasons shown on the
public results page (`REASONS`, translated by the caller) and `explain`, which runs a rule on
one budget's ballots and says, per project, its votes and why it was or was not funded. The
counting itself is `ypb.domain.tally`; a competition's ranking (jury and votes together) is
`ypb.domain.competition`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ypb.domain import competition
from ypb.domain.messages import N_
from ypb.domain.pabulib import Ballot, Instance
from ypb.domain.tally import preferences, support_of, tally_run

__all__ = ["REASONS", "RULES", "Explained", "ProjectResult", "Reason", "explain"]

# The rules a cycle may use, with the Pabulib name of each (for the .pb export). A competition
# has no Pabulib rule: its file says "competition", since the jury's part cannot be recounted.
RULES = {
    "greedy": "greedy",
    "mes-add1": "equalshares/add1",
    "mes-add1-compare": "equalshares/add1-comparison",
    "competition": "competition",
}

RULE_NAMES = {
    "greedy": N_("Most votes first"),
    "mes-add1": N_("Method of Equal Shares"),
    "mes-add1-compare": N_("Method of Equal Shares, compared with most votes first"),
    "competition": N_("Competition: jury and public vote together"),
}

RULE_DESCRIPTIONS = {
    "greedy": N_(
        "Projects are taken in order of their votes. A project is funded if it still fits in the money "
        "left; if it does not, the next one is tried, until nothing more fits."
    ),
    "mes-add1": N_(
        "The budget is split into equal shares, one per voter. A project is funded when the voters who "
        "chose it can pay for it together from their shares; the project that costs its supporters the "
        "least per vote goes first. The shares are then raised step by step as long as the result still "
        "fits in the budget, so that little money is left unused. This way every group of voters gets "
        "projects in proportion to its size."
    ),
    "mes-add1-compare": N_(
        "As with the Method of Equal Shares; then the result is compared with the most-votes-first "
        "result, and the latter is used only if more voters prefer it (each voter prefers the result "
        "that spends more on the projects they voted for)."
    ),
    "competition": N_(
        "A jury of council members scores every project on the published criteria, from 1 to 5 each. "
        "Each project then gets a combined score out of 100: its jury average counts for the jury's "
        "share, fixed before voting opened, and its votes, compared with the project that got the most, "
        "count for the rest. Projects are taken in order of their combined score. A project is funded if "
        "it still fits in the money left; if it does not, the next one is tried, until nothing more fits."
    ),
}

# Reason codes → the sentence shown for a project. %(…)s parameters: amounts are formatted by
# the caller (their names are in AMOUNT_PARAMS), other numbers are plain integers.
REASONS = {
    "greedy.funded": N_("Funded: place %(place)s by votes, and it fit in the %(remaining)s still available."),
    "greedy.too_dear": N_("Not funded: it costs %(cost)s, but only %(remaining)s was left when its turn came."),
    "greedy.below_threshold": N_(
        "Not funded: %(supporters)s supporters, fewer than the %(threshold)s a project needed."),
    "mes.funded": N_("Funded: its %(supporters)s supporters could pay its cost from their equal shares."),
    "mes.short": N_("Not funded: its supporters' remaining shares covered only %(percent)s%% of its cost."),
    "mes.free": N_("Funded: it costs nothing and has supporters."),
    "no_votes": N_("Not funded: nobody voted for it."),
    **competition.REASONS,
}
AMOUNT_PARAMS = frozenset({"remaining", "cost"})
HUNDREDTHS_PARAMS = competition.HUNDREDTHS_PARAMS  # integers in hundredths, shown with decimals


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    params: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProjectResult:
    id: str
    cost: int
    votes: int  # voters who chose it
    points: int  # sum of points (equals votes on approval ballots)
    funded: bool
    reason: Reason
    # Competition only: the place in the combined ranking, the jury mean (None: nobody scored
    # it), how many jurors scored it and the combined score out of 100.
    rank: int | None = None
    jury_mean: Fraction | None = None
    jurors: int = 0
    score: Fraction | None = None


@dataclass(frozen=True, slots=True)
class Explained:
    rule: str
    selected: tuple[str, ...]  # in the order the rule took them
    spent: int
    voters: int
    rows: tuple[ProjectResult, ...]  # funded first, then by votes (competition: in ranking order)
    what_if: dict  # {"rule": the other rule, "selected": its ids, "spent": its cost}
    comparison: dict | None  # mes-add1-compare: {"prefer_mes": n, "prefer_greedy": n, "kept": "mes"|"greedy"}


def _support(instance: Instance, ballots: Sequence[Ballot]) -> tuple[dict[str, int], dict[str, int]]:
    points, votes = support_of(instance, ballots)
    return votes, points


def _greedy_reasons(instance: Instance, points: dict[str, int], votes: dict[str, int], threshold: int):
    """(selected in order, reasons) of greedy by points, exactly as `tally.greedy` walks."""
    remaining = instance.budget
    order = sorted(instance.projects, key=lambda p: (-points[p], p))
    selected, reasons = [], {}
    for place, pid in enumerate(order, start=1):
        cost = instance.projects[pid].cost
        if votes[pid] < threshold:
            reasons[pid] = Reason("greedy.below_threshold", {"supporters": votes[pid], "threshold": threshold})
        elif cost <= remaining:
            reasons[pid] = Reason("greedy.funded", {"place": place, "remaining": remaining})
            selected.append(pid)
            remaining -= cost
        elif not votes[pid]:
            reasons[pid] = Reason("no_votes")
        else:
            reasons[pid] = Reason("greedy.too_dear", {"cost": cost, "remaining": remaining})
    return selected, reasons


def explain(instance: Instance, ballots: Sequence[Ballot], rule: str, threshold: int = 0,
            jury: competition.Jury | None = None) -> Explained:
    """Run `rule` (a key of RULES) on one budget and explain every project's result.

    Cumulative ballots count points (greedy by points, MES with points satisfaction); approval
    ballots count votes and MES uses cost satisfaction, as in Assen, Świecie and Wieliczka.
    "competition" needs the `jury` (its weight and scores); its public part is the points.
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {tuple(RULES)}, not {rule!r}")
    if rule == competition.RULE:
        if jury is None:
            raise ValueError("the competition rule needs the jury's weight and scores")
        return _explain_competition(instance, ballots, jury)
    votes, points = _support(instance, ballots)
    sat = "cost" if instance.vote_type == "approval" else "points"
    greedy_selected, greedy_reasons = _greedy_reasons(instance, points, votes, threshold if rule == "greedy" else 0)
    comparison = None
    if rule == "greedy":
        selected, reasons = greedy_selected, greedy_reasons
        other = tally_run(instance, ballots, sat, "add1")
        what_if = {"rule": "mes-add1", "selected": sorted(other.outcome.selected), "spent": other.outcome.cost}
    else:
        tally = tally_run(instance, ballots, sat, "add1")
        selected = [tally.profile.ids[p] for p in tally.run.order] if tally.run else []
        reasons = _mes_reasons(instance, tally, votes)
        what_if = {"rule": "greedy", "selected": sorted(greedy_selected),
                   "spent": sum(instance.projects[p].cost for p in greedy_selected)}
        if rule == "mes-add1-compare":
            # The comparison step of tally.mes_completed(compare_greedy=True), kept here with its counts.
            costs = {pid: project.cost for pid, project in instance.projects.items()}
            prefer_greedy, prefer_mes = preferences(ballots, costs, greedy_selected, selected)
            kept = "greedy" if prefer_greedy > prefer_mes else "mes"
            comparison = {"prefer_mes": prefer_mes, "prefer_greedy": prefer_greedy, "kept": kept}
            if kept == "greedy":
                selected, reasons = greedy_selected, greedy_reasons
    chosen = set(selected)
    rows = [
        ProjectResult(pid, project.cost, votes[pid], points[pid], pid in chosen, reasons[pid])
        for pid, project in instance.projects.items()
    ]
    rows.sort(key=lambda r: (not r.funded, -r.points, r.id))
    spent = sum(instance.projects[p].cost for p in selected)
    return Explained(rule, tuple(selected), spent, len(ballots), tuple(rows), what_if, comparison)


def _explain_competition(instance: Instance, ballots: Sequence[Ballot], jury: competition.Jury) -> Explained:
    votes, points = _support(instance, ballots)
    costs = {pid: project.cost for pid, project in instance.projects.items()}
    ranking = competition.rank(costs, points, jury, instance.budget)
    rows = tuple(
        ProjectResult(r.id, r.cost, votes[r.id], points[r.id], r.funded, Reason(r.reason, dict(r.params)),
                      rank=r.rank, jury_mean=r.jury_mean, jurors=r.jurors, score=r.score)
        for r in ranking.rows
    )
    # For comparison: what most votes first alone would have funded.
    greedy_selected, _ = _greedy_reasons(instance, points, votes, 0)
    what_if = {"rule": "greedy", "selected": sorted(greedy_selected),
               "spent": sum(costs[p] for p in greedy_selected)}
    return Explained(competition.RULE, ranking.selected, ranking.spent, len(ballots), rows, what_if, None)


def _mes_reasons(instance: Instance, tally, votes: dict[str, int]) -> dict[str, Reason]:
    reasons: dict[str, Reason] = {}
    profile, run = tally.profile, tally.run
    funded = set(run.order) if run else set()
    for p, pid in enumerate(instance.projects):
        cost = instance.projects[pid].cost
        if not votes[pid]:
            reasons[pid] = Reason("no_votes")
        elif p in funded:
            reasons[pid] = Reason("mes.free" if cost == 0 else "mes.funded", {"supporters": votes[pid]})
        elif profile is None or run is None or not len(profile.types[p]):
            reasons[pid] = Reason("mes.short", {"percent": 0})
        else:
            held = float((profile.counts[p] * run.money[profile.types[p]]).sum())
            # Floored, and never shown as 100%: a project its supporters could pay would have won.
            reasons[pid] = Reason("mes.short", {"percent": min(99, int(100 * held / cost)) if cost else 99})
    return reasons
