"""Renewals on evidence: a delivered project proposed again, possibly for several years.

This module owns:

- who may propose a renewal, of which project, in which cycle (`renewal_refusals`);
- how long a cycle may fund a renewal (`limit_refusals`, `MAX_YEARS`);
- how a renewal's money is spread over its years (`Funding`, `funding_refusals`,
  `funding_of`, `yearly`, `equal_split`);
- the pre-filled title (`renewal_title`).

It does not load, save or translate. Callers translate each message with gettext before
filling in `%(name)s` from its params; a refusal about one form field names it in
`params["field"]`.

Decisions, stated once:

- The team of a project is the author of the proposal that was funded: the proposal's group
  is free text, not a list of accounts, so it can't be checked. The youth coordinator (staff)
  may start a renewal on the team's behalf; the draft is then the original author's.
- Only a delivered project can be renewed: its KPIs and survey are the evidence. One renewal
  per project per cycle (a withdrawn one does not count, so the team can start again).
- Multi-year funding is for renewals only, and up to the cycle's limit (1 = one year at a time).
  The whole amount counts against the cycle's budget in the vote; the split says how it is
  paid out year by year.
- The split: either the author's own amount for every year, which must add up to the
  estimated cost to the cent, or nothing, which means equal shares with the cents left over
  in year 1 (1 000,01 over 2 years: 500,01 then 500,00). When the amount funded is not the
  one asked for (the review set another cost, or the terms changed later), the author's
  amounts are scaled to it in proportion, rounded down, the rest again in year 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ypb.domain.cycle import Phase, can_propose
from ypb.domain.messages import N_, Refusal

__all__ = [
    "MAX_YEARS",
    "RENEWAL_TITLE",
    "Funding",
    "equal_split",
    "funding_of",
    "funding_refusals",
    "limit_refusals",
    "renewal_refusals",
    "renewal_title",
    "year_field",
    "yearly",
]

# The longest any cycle may fund a renewal; the database's CHECKs use the same number.
MAX_YEARS = 5
DELIVERED = "delivered"  # ypb.domain.projects.ProjectStatus.DELIVERED, as stored
RENEWAL_TITLE = N_("%(title)s (renewal)")


def year_field(year: int) -> str:
    """The form field of one year's amount (year 1 is "year_1")."""
    return f"year_{year}"


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- who, what, where ---------------------------------------------------------------------


def renewal_refusals(*, is_author: bool, is_staff: bool, project_status: str, cycle_phase,
                     already_renewed: bool) -> list[Refusal]:
    """Why this person may not propose a renewal of this project in this cycle; empty: they may."""
    refusals = []
    if not (is_author or is_staff):
        refusals.append(Refusal("renewals.not_team", N_(
            "Only the team that proposed the project, or the youth coordinator, can propose its renewal.")))
    if project_status != DELIVERED:
        refusals.append(Refusal("renewals.not_delivered", N_(
            "Only a delivered project can be renewed: its results are the evidence for the renewal.")))
    if not can_propose(Phase(cycle_phase)):
        refusals.append(Refusal("renewals.phase", N_(
            "A renewal can only be proposed in a cycle that is collecting proposals.")))
    if already_renewed:
        refusals.append(Refusal("renewals.already", N_("This project already has a renewal in this cycle.")))
    return refusals


def renewal_title(title: str, pattern: str = RENEWAL_TITLE, limit: int = 140) -> str:
    """The renewal's title from the original's, shortened with "…" to fit `limit` characters.

    `pattern` is RENEWAL_TITLE in the proposer's language; one that lost its placeholder
    still gives the original title rather than a title without it."""
    title = title.strip()
    if "%(title)s" not in pattern:
        return title[:limit]
    full = pattern % {"title": title}
    if len(full) <= limit:
        return full
    room = limit - len(pattern % {"title": ""}) - 1
    return pattern % {"title": title[:max(room, 0)].rstrip() + "…"}


# --- the cycle's limit --------------------------------------------------------------------


def limit_refusals(value, longest_asked: int = 1) -> list[Refusal]:
    """Why a cycle may not fund renewals for up to `value` years, when a renewal in it already
    asks for `longest_asked` years; empty: it may."""
    if not _whole(value) or not 1 <= value <= MAX_YEARS:
        return [Refusal("renewals.limit_range", N_("Allow from 1 to %(max)s years."),
                        {"field": "renewal_max_years", "max": MAX_YEARS})]
    if value < longest_asked:
        # Lowering it would leave a published proposal asking for what the cycle refuses.
        return [Refusal("renewals.limit_below_asked", N_(
            "A renewal in this cycle already asks for %(years)s years, so the limit can't be lower."),
            {"field": "renewal_max_years", "years": longest_asked})]
    return []


# --- the money, year by year --------------------------------------------------------------


@dataclass(frozen=True)
class Funding:
    years: int = 1
    split: tuple[int, ...] | None = None  # the author's amount for each year; None: equal shares


def funding_refusals(*, is_renewal: bool, max_years: int, years, amounts: Sequence[int | None],
                     cost: int | None) -> list[Refusal]:
    """Why a proposal may not be funded over `years` with these amounts per year (None: left
    empty; the form sends one per year the cycle allows); empty: it may."""
    if not _whole(years) or not 1 <= years <= MAX_YEARS:
        return [Refusal("renewals.years_range", N_("Choose from 1 to %(max)s years."),
                        {"field": "funding_years", "max": max(1, min(max_years, MAX_YEARS))})]
    if years > 1 and not is_renewal:
        return [Refusal("renewals.multi_year_not_renewal", N_(
            "Only the renewal of a delivered project can be funded over several years."),
            {"field": "funding_years"})]
    if years > max_years:
        if max_years <= 1:
            return [Refusal("renewals.one_year", N_("This cycle funds projects for one year at a time."),
                            {"field": "funding_years"})]
        return [Refusal("renewals.too_many_years", N_("This cycle funds renewals for at most %(max)s years."),
                        {"field": "funding_years", "max": max_years})]
    amounts = list(amounts)
    later = [n for n, a in enumerate(amounts[years:], start=years + 1) if a is not None]
    if later:
        return [Refusal("renewals.later_years", N_(
            "Leave the amounts empty for the years after the last funded one."), {"field": year_field(later[0])})]
    chosen = (amounts + [None] * years)[:years]
    if all(a is None for a in chosen):
        return []  # equal shares
    missing = [n for n, a in enumerate(chosen, start=1) if a is None]
    if missing:
        return [Refusal("renewals.split_incomplete", N_(
            "Enter an amount for every year, or leave them all empty to share the cost equally."),
            {"field": year_field(missing[0])})]
    for n, amount in enumerate(chosen, start=1):
        if not _whole(amount) or amount < 0:
            return [Refusal("renewals.amount_invalid", N_("Enter an amount of zero or more."),
                            {"field": year_field(n)})]
        if amount == 0 and years > 1:
            return [Refusal("renewals.amount_zero", N_(
                "Each year needs some money; choose fewer years instead."), {"field": year_field(n)})]
    if cost is None:
        return [Refusal("renewals.split_without_cost", N_(
            "Enter the estimated cost first: the amounts per year must add up to it."),
            {"field": year_field(1)})]
    if sum(chosen) != cost:
        return [Refusal("renewals.split_sum", N_(
            "The amounts per year must add up exactly to the estimated cost. Leave them all empty to "
            "share the cost equally."), {"field": year_field(1)})]
    return []


def funding_of(years: int, amounts: Sequence[int | None]) -> Funding:
    """What to store once `funding_refusals` found nothing: the author's amounts, or None for
    equal shares (a single year has nothing to split)."""
    chosen = list(amounts)[:years]
    if years == 1 or not chosen or all(a is None for a in chosen):
        return Funding(years, None)
    return Funding(years, tuple(int(a) for a in chosen))


def equal_split(total: int, years: int) -> list[int]:
    """Equal shares in cents; the cents that don't divide go to year 1."""
    years = max(1, years)
    share, rest = divmod(total, years)
    return [share + rest] + [share] * (years - 1)


def yearly(total: int, years: int, split: Sequence[int] | None = None) -> list[int]:
    """The amount for each year, in cents, adding up to `total` exactly.

    The author's `split` when it adds up to `total`; scaled to `total` in proportion when the
    amount funded differs (rounded down, the rest in year 1); equal shares without one."""
    if years <= 1:
        return [total]
    if not split or len(split) != years or sum(split) <= 0:
        return equal_split(total, years)
    asked = sum(split)
    if asked == total:
        return list(split)
    scaled = [total * part // asked for part in split]
    scaled[0] += total - sum(scaled)
    return scaled
