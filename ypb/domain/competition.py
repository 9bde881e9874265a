"""Competition cycles: a jury of council members and the public vote rank the projects together.

The report's "budget for a competition where the most innovative idea is funded". Council
members score every approved proposal on the cycle's published criteria (1 to 5 each). When
voting closes each project gets

    combined = w% × (jury mean / 5) + (100 − w)% × (its votes / the most votes any project got)

where the jury weight w (a whole percentage) was fixed before voting opened. Projects are
ranked by the combined score (ties: more votes first, then the project id as a string, as the
greedy rule breaks them) and funded down the ranking while they fit in the budget; one that
no longer fits is skipped and the walk goes on.

This module owns that arithmetic (exact, with `Fraction`), the reasons shown per project,
and the rules for the jury's criteria and scores (`criterion_refusals`, `scoring_refusals`,
`score_refusals`). It does not load or save anything, check roles or translate: messages are
marked with `N_` and translated by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from math import floor

from ypb.domain.cycle import Phase, ballot_settings_locked
from ypb.domain.messages import N_, Refusal

__all__ = [
    "DEFAULT_WEIGHT",
    "HUNDREDTHS_PARAMS",
    "MAX_CRITERIA",
    "MAX_SCORE",
    "MIN_SCORE",
    "REASONS",
    "Jury",
    "Ranked",
    "Ranking",
    "Score",
    "criterion_refusals",
    "hundredths",
    "rank",
    "score_refusals",
    "scoring_refusals",
]

RULE = "competition"  # the counting rule's key in ypb.domain.explain.RULES
MIN_SCORE, MAX_SCORE = 1, 5
MAX_CRITERIA = 6  # more than a handful and jurors stop telling them apart
MAX_TITLE, MAX_DESCRIPTION = 120, 300  # the columns' lengths
DEFAULT_WEIGHT = 50  # jury and public count the same until the secretary says otherwise

# Reason codes → the sentence shown for a project (translated by the caller). "jury_hundredths" is the jury
# mean in hundredths (420 is 4.2, see HUNDREDTHS_PARAMS); amounts as in explain.AMOUNT_PARAMS.
REASONS = {
    "competition.funded": N_(
        "Funded: place %(place)s in the combined ranking (jury: %(jury_hundredths)s of 5; public vote: %(votes)s), "
        "and it fit in the %(remaining)s still available."),
    "competition.funded_unscored": N_(
        "Funded: place %(place)s in the combined ranking (no juror scored it, so it had no jury points; "
        "public vote: %(votes)s), and it fit in the %(remaining)s still available."),
    "competition.too_dear": N_(
        "Not funded: place %(place)s in the combined ranking (jury: %(jury_hundredths)s of 5; public vote: %(votes)s), "
        "but it costs %(cost)s and only %(remaining)s was left when its turn came."),
    "competition.too_dear_unscored": N_(
        "Not funded: place %(place)s in the combined ranking (no juror scored it, so it had no jury points; "
        "public vote: %(votes)s), but it costs %(cost)s and only %(remaining)s was left when its turn came."),
}
# Parameters given in hundredths, so they stay integers like every other reason parameter.
HUNDREDTHS_PARAMS = frozenset({"jury_hundredths"})


def hundredths(value: Fraction) -> int:
    """`value` × 100 rounded half up: what is shown with two decimals."""
    return floor(value * 100 + Fraction(1, 2))


@dataclass(frozen=True, slots=True)
class Score:
    """One juror's score of one project on one criterion."""

    juror: int | str
    criterion: int | str
    project: str
    value: int


@dataclass(frozen=True, slots=True)
class Jury:
    """What the ranking needs beyond the ballots: the weight and every score given."""

    weight: int  # whole percent, 0 to 100
    scores: tuple[Score, ...] = ()


@dataclass(frozen=True, slots=True)
class Ranked:
    id: str
    cost: int
    rank: int  # place in the combined ranking, from 1
    jury_mean: Fraction | None  # None when no juror scored it (it then counts as 0)
    jurors: int  # jurors who scored it
    votes: int
    score: Fraction  # the combined score, 0 to 100 points
    funded: bool
    reason: str
    params: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Ranking:
    rows: tuple[Ranked, ...]  # in ranking order
    selected: tuple[str, ...]  # in the order they were funded
    spent: int


def _whole(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be a whole number, not {value!r}")
    return value


def rank(costs: Mapping[str, int], votes: Mapping[str, int], jury: Jury, budget: int) -> Ranking:
    """Rank the projects (`costs`: id → cost) and fund them down the ranking within `budget`.

    `votes` is each project's public support (a project missing from it has none). Every score
    must be for one of the projects, from MIN_SCORE to MAX_SCORE, and given once per juror,
    criterion and project: anything else is a caller's bug and raises ValueError.
    """
    weight = _whole(jury.weight, "weight")
    if not 0 <= weight <= 100:
        raise ValueError(f"weight must be 0 to 100, not {weight}")
    if _whole(budget, "budget") < 0:
        raise ValueError("budget must not be negative")
    support = {pid: _whole(votes.get(pid, 0), "votes") for pid in costs}
    if any(v < 0 for v in support.values()) or any(_whole(c, "cost") < 0 for c in costs.values()):
        raise ValueError("votes and costs must not be negative")
    totals = dict.fromkeys(costs, 0)
    counts = dict.fromkeys(costs, 0)
    jurors: dict[str, set] = {pid: set() for pid in costs}
    seen = set()
    for score in jury.scores:
        if score.project not in costs:
            raise ValueError(f"score for unknown project {score.project!r}")
        if not MIN_SCORE <= _whole(score.value, "score") <= MAX_SCORE:
            raise ValueError(f"score must be {MIN_SCORE} to {MAX_SCORE}, not {score.value}")
        key = (score.juror, score.criterion, score.project)
        if key in seen:
            raise ValueError(f"score given twice: {key}")
        seen.add(key)
        totals[score.project] += score.value
        counts[score.project] += 1
        jurors[score.project].add(score.juror)

    top = max(support.values(), default=0)
    jury_share = Fraction(weight, 100)
    means = {pid: Fraction(totals[pid], counts[pid]) if counts[pid] else None for pid in costs}
    combined = {}
    for pid in costs:
        jury_part = (means[pid] or 0) / Fraction(MAX_SCORE)
        vote_part = Fraction(support[pid], top) if top else Fraction(0)
        combined[pid] = 100 * (jury_share * jury_part + (1 - jury_share) * vote_part)

    order = sorted(costs, key=lambda pid: (-combined[pid], -support[pid], pid))
    remaining = budget
    rows, selected = [], []
    for place, pid in enumerate(order, start=1):
        cost = costs[pid]
        mean = means[pid]
        params = {"place": place, "votes": support[pid], "remaining": remaining}
        if mean is not None:
            params["jury_hundredths"] = hundredths(mean)
        unscored = "" if mean is not None else "_unscored"
        if cost <= remaining:
            reason, funded = "competition.funded" + unscored, True
            selected.append(pid)
            remaining -= cost
        else:
            reason, funded = "competition.too_dear" + unscored, False
            params["cost"] = cost
        rows.append(Ranked(pid, cost, place, mean, len(jurors[pid]), support[pid], combined[pid], funded,
                           reason, params))
    return Ranking(tuple(rows), tuple(selected), budget - remaining)


# --- the jury's criteria and scores ------------------------------------------------------------


def criterion_refusals(phase: Phase, title: str, description: str, other_titles: Sequence[str],
                       adding: bool) -> list[Refusal]:
    """Why a criterion may not be added (`adding`) or changed to these words now.

    `other_titles` are the cycle's other criteria (the one being changed left out).
    """
    if ballot_settings_locked(phase):
        return [locked_refusal()]
    refusals = []
    title = title.strip()
    if not title:
        refusals.append(Refusal("criterion.title", N_("Give the criterion a short title."), {"field": "title"}))
    elif len(title) > MAX_TITLE:
        refusals.append(Refusal("criterion.title_long", N_("Keep the title under %(max)s characters."),
                                {"field": "title", "max": MAX_TITLE}))
    elif title.casefold() in {t.strip().casefold() for t in other_titles}:
        refusals.append(Refusal("criterion.title_taken", N_("There is already a criterion with this title."),
                                {"field": "title"}))
    if len(description.strip()) > MAX_DESCRIPTION:
        refusals.append(Refusal("criterion.description_long",
                                N_("Keep the description under %(max)s characters."),
                                {"field": "description", "max": MAX_DESCRIPTION}))
    if adding and len(other_titles) >= MAX_CRITERIA:
        refusals.append(Refusal("criterion.too_many",
                                N_("A jury scores on %(max)s criteria at most. Change or remove one first."),
                                {"max": MAX_CRITERIA}))
    return refusals


def locked_refusal() -> Refusal:
    return Refusal("criterion.locked", N_("The jury's criteria cannot change once voting has opened: they were "
                                          "published before the vote."))


def scoring_refusals(phase: Phase, rule: str, voting_end: datetime | None, now: datetime,
                     criteria_count: int) -> list[Refusal]:
    """Why the jury may not score now: from the review phase until voting closes, in a competition."""
    phase = Phase(phase)
    if rule != RULE:
        return [Refusal("jury.not_competition",
                        N_("This budget is not run as a competition, so there is no jury to score the projects."))]
    voting_over = phase is Phase.VOTING and voting_end is not None and now >= voting_end
    if phase not in (Phase.REVIEW, Phase.VOTING) or voting_over:
        if phase in (Phase.DRAFT, Phase.PROPOSALS, Phase.FEEDBACK):
            return [Refusal("jury.too_early",
                            N_("The jury scores the approved proposals from the review phase on. The budget round "
                               "is in the %(phase)s phase."), {"phase": phase})]
        return [Refusal("jury.closed",
                        N_("Jury scoring is closed: scores could be given or changed until voting closed. "
                           "Nothing was changed."))]
    if criteria_count < 1:
        return [Refusal("jury.no_criteria",
                        N_("The jury has no criteria to score on yet. The secretary adds them first."))]
    return []


def score_refusals(values: Mapping[int, object], criteria: Iterable[int]) -> list[Refusal]:
    """What is wrong with one juror's scores of one project: one score per criterion, 1 to 5."""
    wanted = set(criteria)
    if set(values) - wanted:
        return [Refusal("jury.unknown_criterion",
                        N_("These scores are for criteria this jury no longer has. Reload the page and score "
                           "again."))]
    if any(isinstance(v, bool) or not isinstance(v, int) or not MIN_SCORE <= v <= MAX_SCORE
           for v in values.values()):
        return [Refusal("jury.score_range",
                        N_("Each score is a whole number from %(min)s to %(max)s."),
                        {"min": MIN_SCORE, "max": MAX_SCORE})]
    if wanted - set(values):
        return [Refusal("jury.score_missing",
                        N_("Give a score from %(min)s to %(max)s for every criterion."),
                        {"min": MIN_SCORE, "max": MAX_SCORE})]
    return []
