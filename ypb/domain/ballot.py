"""The rules of a valid ballot, and the running total a voter sees while choosing.

This module owns:

- the three ballot types a cycle can use (`BallotType`; the values are stored in the
  database) and their names for people (`BALLOT_TYPE_LABELS`);
- a cycle's ballot settings (`BallotRules`) and, in words for the secretary's form, what is
  wrong with them (`rules_refusals`);
- whether one voter's choices make a valid ballot (`ballot_refusals`), and the figures of the
  sticky summary on the phone (`running_total`). Both come from ONE computation, so the
  htmx live update and the final check when the ballot is cast can never disagree.

The types:

- approval: choose projects; each chosen project gets exactly 1 point.
- knapsack: choose projects whose costs add up to no more than the budget, and, when
  `min_share_percent` is set, to at least that share of it (rounded up to a whole cent:
  50 % of 999 is 500). Each chosen project gets exactly 1 point.
- cumulative: hand out up to `points_total` points (N), at most `max_points_per_project`
  (M) on one project (unset means no limit below N); all N when `use_all_points` is set.
  Each chosen project gets a positive whole number of points.

Settings that apply to every type: `min_choices` and `max_choices` limit how many projects
a voter chooses (`max_choices` None means no limit), and `budget` must be above zero. Settings
of another type are ignored (e.g. `min_share_percent` on an approval ballot), so a form may
keep them while the secretary switches type.

Blank vote: a ballot with no project on it is valid exactly when `min_choices` is 0. It is
then valid whatever else the rules say (minimum share, use all points): choosing nothing is a
deliberate way to take part. With `min_choices` ≥ 1 it is refused as `ballot.empty`.

What the caller passes: `choices` maps a project id to its points (1 for approval and
knapsack; the web layer parses the form and drops projects the voter did not choose), and
`costs` maps EVERY project on the ballot to its final cost in minor units. Ids in `choices`
that are not in `costs` are refused and then left out of every figure and other check.

Results do not depend on the order of the mappings; lists of project ids in params are sorted.

It does not load, save, count votes or translate. Callers translate each `Refusal.message`
with gettext, then fill in `%(name)s` from `Refusal.params`. All params are integers (or a
tuple of project ids under "projects"); those named in `MONEY_PARAMS` are amounts in minor
units for the caller to format as money, the others are plain counts of projects or points.

Programming errors raise instead of refusing: a non-integer id, cost, points or setting
(TypeError), a negative cost or checking a ballot against rules that `rules_refusals` refuses
(ValueError). Voting cannot open with refused rules, so the latter means a loading bug.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

# One Refusal type for the whole domain, so the web layer renders them all alike.
from ypb.domain.messages import N_, Refusal

__all__ = [
    "BALLOT_TYPE_LABELS",
    "MONEY_PARAMS",
    "BallotRules",
    "BallotType",
    "Refusal",
    "Tally",
    "ballot_refusals",
    "rules_refusals",
    "running_total",
]


class BallotType(StrEnum):
    APPROVAL = "approval"
    KNAPSACK = "knapsack"
    CUMULATIVE = "cumulative"


# Names to show to people; the caller translates them.
BALLOT_TYPE_LABELS: Mapping[BallotType, str] = MappingProxyType(
    {
        BallotType.APPROVAL: N_("Choose projects"),
        BallotType.KNAPSACK: N_("Choose projects that fit the budget"),
        BallotType.CUMULATIVE: N_("Share out points"),
    }
)

# Params that are money (integer minor units): the caller formats exactly these as money.
MONEY_PARAMS: frozenset[str] = frozenset({"budget", "used", "over", "minimum"})

# Types on which a chosen project carries exactly one point.
_ONE_POINT_TYPES = (BallotType.APPROVAL, BallotType.KNAPSACK)


def _require_int(value: Any, name: str) -> None:
    # bool is an int to Python, but True as a cost or a point count is always a bug.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")


@dataclass(frozen=True)
class BallotRules:
    """A cycle's ballot settings; `rules_refusals` says whether they make sense."""

    ballot_type: BallotType
    budget: int  # minor units
    min_choices: int = 1  # 0 allows a blank vote
    max_choices: int | None = None  # None: no limit
    min_share_percent: int = 0  # knapsack only: 0..100
    points_total: int | None = None  # cumulative only: N
    max_points_per_project: int | None = None  # cumulative only: M; None: up to N
    use_all_points: bool = False  # cumulative only

    def __post_init__(self) -> None:
        # Accept the stored string too; an unknown one raises ValueError here.
        object.__setattr__(self, "ballot_type", BallotType(self.ballot_type))
        for name in ("budget", "min_choices", "min_share_percent"):
            _require_int(getattr(self, name), name)
        for name in ("max_choices", "points_total", "max_points_per_project"):
            if getattr(self, name) is not None:
                _require_int(getattr(self, name), name)
        if not isinstance(self.use_all_points, bool):
            raise TypeError(f"use_all_points must be a bool, got {self.use_all_points!r}")

    @property
    def points_limit(self) -> int | None:
        """The most points one project may get (cumulative), else None."""
        if self.ballot_type is not BallotType.CUMULATIVE:
            return None
        if self.max_points_per_project is None:
            return self.points_total
        return self.max_points_per_project

    @property
    def minimum_cost(self) -> int:
        """The least a non-blank knapsack choice must cost (the share, rounded up); else 0."""
        if self.ballot_type is not BallotType.KNAPSACK:
            return 0
        # Integer ceiling: a float could put a ballot one cent on the wrong side.
        return -(-(self.budget * self.min_share_percent) // 100)


def rules_refusals(rules: BallotRules) -> list[Refusal]:
    """Every problem with the settings themselves, for the secretary's form; empty means fine."""
    refusals = []
    if rules.budget < 1:
        refusals.append(
            Refusal("rules.budget", N_("The budget must be more than zero."), {"budget": rules.budget})
        )
    if rules.min_choices < 0:
        refusals.append(
            Refusal(
                "rules.min_choices",
                N_("The smallest number of projects to choose can't be below zero."),
                {"min": rules.min_choices},
            )
        )
    if rules.max_choices is not None:
        if rules.max_choices < 1:
            refusals.append(
                Refusal(
                    "rules.max_choices",
                    N_("The largest number of projects to choose must be 1 or more, or left empty."),
                    {"max": rules.max_choices},
                )
            )
        elif rules.min_choices > rules.max_choices:
            refusals.append(
                Refusal(
                    "rules.min_above_max",
                    N_(
                        "The smallest number of projects to choose (%(min)s) can't be larger than "
                        "the largest (%(max)s)."
                    ),
                    {"min": rules.min_choices, "max": rules.max_choices},
                )
            )
    if rules.ballot_type is BallotType.KNAPSACK and not 0 <= rules.min_share_percent <= 100:
        refusals.append(
            Refusal(
                "rules.min_share",
                N_("The share of the budget voters must use has to be between 0 and 100 percent."),
                {"percent": rules.min_share_percent},
            )
        )
    if rules.ballot_type is BallotType.CUMULATIVE:
        refusals += _points_rules_refusals(rules)
    return refusals


def _points_rules_refusals(rules: BallotRules) -> list[Refusal]:
    refusals = []
    total, most = rules.points_total, rules.max_points_per_project
    if total is None or total < 1:
        refusals.append(
            Refusal(
                "rules.points_total",
                N_("Give the number of points each voter can hand out: 1 or more."),
                {"points": total},
            )
        )
    if most is not None and most < 1:
        refusals.append(
            Refusal(
                "rules.max_points_too_small",
                N_("The most points for one project must be 1 or more, or left empty."),
                {"max_points": most},
            )
        )
    elif most is not None and total is not None and total >= 1 and most > total:
        refusals.append(
            Refusal(
                "rules.max_points_above_total",
                N_(
                    "The most points for one project (%(max_points)s) can't be more than the "
                    "points each voter has (%(points)s)."
                ),
                {"max_points": most, "points": total},
            )
        )
    if refusals:
        return refusals
    assert total is not None and rules.points_limit is not None  # checked just above
    # Every chosen project needs at least one point, so more choices than points can't be met.
    if rules.min_choices > total:
        refusals.append(
            Refusal(
                "rules.min_above_points",
                N_(
                    "Voters must choose at least %(min)s projects but have only %(points)s points, "
                    "and each chosen project needs at least one."
                ),
                {"min": rules.min_choices, "points": total},
            )
        )
    elif (
        rules.use_all_points
        and rules.max_choices is not None
        and rules.max_choices >= 1
        and rules.max_choices * rules.points_limit < total
    ):
        refusals.append(
            Refusal(
                "rules.points_unreachable",
                N_(
                    "Voters can't use all %(points)s points: at most %(max)s projects with at most "
                    "%(max_points)s points each."
                ),
                {"points": total, "max": rules.max_choices, "max_points": rules.points_limit},
            )
        )
    return refusals


@dataclass(frozen=True)
class Tally:
    """The sticky summary under a ballot while the voter chooses, and the final verdict."""

    picks: int  # projects chosen (known ids with at least one point)
    cost_used: int  # minor units; every type, so approval ballots can show it too
    budget_left: int | None  # knapsack only; negative when over the budget
    points_used: int | None  # cumulative only
    points_left: int | None  # cumulative only; negative when too many points are handed out
    refusals: tuple[Refusal, ...]  # the same list ballot_refusals returns

    @property
    def fits(self) -> bool:
        """The ballot may be cast as it is."""
        return not self.refusals

    @property
    def blank(self) -> bool:
        """A valid ballot with no project: the voter takes part without choosing."""
        return self.picks == 0 and self.fits


def running_total(rules: BallotRules, choices: Mapping[int, int], costs: Mapping[int, int]) -> Tally:
    """The figures and every refusal for `choices`; used for the live summary AND the final check."""
    problems = rules_refusals(rules)
    if problems:
        raise ValueError(f"ballot rules are not valid: {[p.code for p in problems]}")
    for project, cost in costs.items():
        _require_int(project, "project id")
        _require_int(cost, "cost")
        if cost < 0:
            raise ValueError(f"cost of project {project} is negative: {cost}")
    for project, points in choices.items():
        _require_int(project, "project id")
        _require_int(points, "points")

    kind = rules.ballot_type
    picked = {p: points for p, points in choices.items() if p in costs and points >= 1}
    cost_used = sum(costs[p] for p in picked)
    points_used = sum(picked.values())
    refusals = _entry_refusals(kind, choices, costs) + _count_refusals(rules, len(picked))
    if picked:  # a blank ballot is exempt from the money and points rules
        if kind is BallotType.KNAPSACK:
            refusals += _budget_refusals(rules, cost_used)
        elif kind is BallotType.CUMULATIVE:
            refusals += _points_refusals(rules, picked, points_used)

    points_left = None
    if kind is BallotType.CUMULATIVE:
        assert rules.points_total is not None  # rules_refusals checked it
        points_left = rules.points_total - points_used
    return Tally(
        picks=len(picked),
        cost_used=cost_used,
        budget_left=rules.budget - cost_used if kind is BallotType.KNAPSACK else None,
        points_used=points_used if kind is BallotType.CUMULATIVE else None,
        points_left=points_left,
        refusals=tuple(refusals),
    )


def ballot_refusals(rules: BallotRules, choices: Mapping[int, int], costs: Mapping[int, int]) -> list[Refusal]:
    """Every reason `choices` is not a valid ballot; an empty list means it may be cast."""
    return list(running_total(rules, choices, costs).refusals)


def _entry_refusals(kind: BallotType, choices: Mapping[int, int], costs: Mapping[int, int]) -> list[Refusal]:
    refusals = []
    unknown = tuple(sorted(p for p in choices if p not in costs))
    if unknown:
        # Only a stale page or a crafted request gets here; reloading shows the real ballot.
        refusals.append(
            Refusal(
                "ballot.unknown_project",
                N_("Something you chose is not on this ballot. Reload the page and choose again."),
                {"projects": unknown},
            )
        )
    known = {p: points for p, points in choices.items() if p in costs}
    if kind in _ONE_POINT_TYPES:
        # Choosing a project twice arrives here as 2 points: it still counts once at most.
        wrong = tuple(sorted(p for p, points in known.items() if points != 1))
        if wrong:
            refusals.append(
                Refusal(
                    "ballot.points_not_one",
                    N_("You can choose each project only once."),
                    {"projects": wrong},
                )
            )
    else:
        wrong = tuple(sorted(p for p, points in known.items() if points < 1))
        if wrong:
            refusals.append(
                Refusal(
                    "ballot.points_not_positive",
                    N_("Give each project you choose at least 1 point."),
                    {"projects": wrong},
                )
            )
    return refusals


def _count_refusals(rules: BallotRules, chosen: int) -> list[Refusal]:
    # The counts avoid plurals ("1 projects") because the domain has no ngettext.
    refusals = []
    if chosen == 0 and rules.min_choices > 0:
        # Its own code so the summary can show a fresh, empty ballot as a hint, not an error.
        refusals.append(
            Refusal(
                "ballot.empty",
                N_("You haven't chosen any projects yet. You need at least %(min)s."),
                {"min": rules.min_choices, "chosen": 0},
            )
        )
    elif chosen < rules.min_choices:
        refusals.append(
            Refusal(
                "ballot.too_few",
                N_("Choose more projects: you need at least %(min)s and you have chosen %(chosen)s."),
                {"min": rules.min_choices, "chosen": chosen},
            )
        )
    if rules.max_choices is not None and chosen > rules.max_choices:
        refusals.append(
            Refusal(
                "ballot.too_many",
                N_("You have chosen too many projects: %(chosen)s. You can choose up to %(max)s."),
                {"max": rules.max_choices, "chosen": chosen},
            )
        )
    return refusals


def _budget_refusals(rules: BallotRules, used: int) -> list[Refusal]:
    if used > rules.budget:
        return [
            Refusal(
                "ballot.over_budget",
                N_(
                    "Your choice costs %(over)s more than the budget of %(budget)s. Remove a "
                    "project or swap one for a cheaper one."
                ),
                {"over": used - rules.budget, "used": used, "budget": rules.budget},
            )
        ]
    minimum = rules.minimum_cost
    if used < minimum:
        return [
            Refusal(
                "ballot.under_share",
                N_(
                    "Use more of the budget: your choice must cost at least %(minimum)s, and now "
                    "it costs %(used)s. Add a project."
                ),
                {"minimum": minimum, "used": used, "percent": rules.min_share_percent},
            )
        ]
    return []


def _points_refusals(rules: BallotRules, picked: Mapping[int, int], used: int) -> list[Refusal]:
    total, limit = rules.points_total, rules.points_limit
    assert total is not None and limit is not None  # rules_refusals checked them
    refusals = []
    if used > total:
        refusals.append(
            Refusal(
                "ballot.too_many_points",
                N_(
                    "You have given out %(used_points)s points, but you have only %(points)s. "
                    "Take %(over_points)s away."
                ),
                {"used_points": used, "points": total, "over_points": used - total},
            )
        )
    too_many = tuple(sorted(p for p, points in picked.items() if points > limit))
    if too_many:
        refusals.append(
            Refusal(
                "ballot.project_points",
                N_("One project can get at most %(max_points)s of your points."),
                {"max_points": limit, "projects": too_many},
            )
        )
    if rules.use_all_points and used < total:
        refusals.append(
            Refusal(
                "ballot.points_left",
                N_("Points still to give out: %(left_points)s. In this vote you need to use all of them."),
                {"left_points": total - used, "used_points": used, "points": total},
            )
        )
    return refusals
