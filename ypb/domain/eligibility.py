"""Who may take part in a cycle: age on the closing date (from the birth year only) and,
when the cycle asks for it, a declaration of living in the municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ypb.domain.messages import N_, Refusal


@dataclass(frozen=True)
class Rules:
    min_age: int
    max_age: int
    residency_required: bool


def age_in_year(birth_year: int, on: date) -> int:
    # Only the birth year is known, so the age is the one reached during that year:
    # someone born in 2010 counts as 16 all through 2026.
    return on.year - birth_year


def eligibility_refusals(rules: Rules, *, birth_year: int, resident: bool, on: date) -> list[Refusal]:
    refusals = []
    age = age_in_year(birth_year, on)
    if not rules.min_age <= age <= rules.max_age:
        refusals.append(Refusal(
            "eligibility.age",
            N_("This budget is for people aged %(min)s to %(max)s."),
            {"min": rules.min_age, "max": rules.max_age},
        ))
    if rules.residency_required and not resident:
        refusals.append(Refusal(
            "eligibility.residency",
            N_("This budget is for people who live in the municipality. You can declare it on your account page."),
        ))
    return refusals
