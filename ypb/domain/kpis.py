"""The four KPIs every funded project reports, from the policy report's recommendation 5:
young people engaged, young people who benefited, participant satisfaction and overall effect.

Each has a target (what the project promised) and an actual (what it achieved):

- engaged and benefited are whole counts of people, from 0 to `MAX_COUNT`;
- satisfaction is either an average rating from 1.0 to 5.0 (stored in tenths, 10–50) or the
  share of participants who were satisfied (a rating of 4 or 5), in whole percent 0–100. The
  actual comes from the project's satisfaction survey once that has enough answers to show;
  until then the secretary may enter it (from a paper survey, say). `satisfaction_actual`
  says which one the public sees and where it came from;
- overall effect is a short narrative, plus an optional number with its unit ("120 trees
  planted"); the number is stored in hundredths so "1.5 tonnes" needs no float.

Empty values (None, "") mean "not reported yet" and are always allowed.

Decision, stated once: once a project is delivered or cancelled its targets are fixed. The
actuals are usually reported after the end, so they stay open; moving the goalposts after
the result is known would make the comparison meaningless, so the targets do not.

Pure: no database, no Flask, no translation. Refusals name the form field they are about in
`params["field"]`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from ypb.domain.messages import N_, Refusal
from ypb.domain.money import parse_amount
from ypb.domain.projects import FINAL, ProjectStatus
from ypb.domain.surveys import Distribution

__all__ = [
    "AVERAGE_RANGE",
    "KPIS",
    "KPI_LABELS",
    "MAX_COUNT",
    "MAX_EFFECT_NUMBER",
    "MAX_EFFECT_TEXT",
    "MAX_UNIT",
    "SATISFACTION_LABELS",
    "SOURCE_ENTERED",
    "SOURCE_SURVEY",
    "TARGETS",
    "Kpis",
    "SatisfactionKind",
    "as_decimal",
    "kpi_refusals",
    "parse_effect_number",
    "parse_satisfaction",
    "satisfaction_actual",
]

MAX_COUNT = 1_000_000  # people; far above any municipal youth project, small enough to catch a typo
MAX_EFFECT_TEXT = 1000
MAX_UNIT = 40
MAX_EFFECT_NUMBER = 10**11  # hundredths, so up to a thousand million
AVERAGE_RANGE = (10, 50)  # tenths: 1.0 to 5.0
SHARE_RANGE = (0, 100)  # whole percent

KPIS: tuple[str, ...] = ("engaged", "benefited", "satisfaction", "effect")
KPI_LABELS: Mapping[str, str] = MappingProxyType({
    "engaged": N_("Young people engaged"),
    "benefited": N_("Young people who benefited"),
    "satisfaction": N_("Participant satisfaction"),
    "effect": N_("Overall effect"),
})


class SatisfactionKind(StrEnum):
    AVERAGE = "average"  # the average rating, 1.0–5.0
    SHARE = "share"  # the share of participants who rated it 4 or 5, in percent


SATISFACTION_LABELS: Mapping[SatisfactionKind, str] = MappingProxyType({
    SatisfactionKind.AVERAGE: N_("Average rating (1.0 to 5.0)"),
    SatisfactionKind.SHARE: N_("Share of participants satisfied (rating 4 or 5), in %"),
})

SOURCE_SURVEY = "survey"
SOURCE_ENTERED = "entered"


@dataclass(frozen=True)
class Kpis:
    """One project's KPIs; None or "" is "not reported yet"."""

    engaged_target: int | None = None
    engaged_actual: int | None = None
    benefited_target: int | None = None
    benefited_actual: int | None = None
    satisfaction_kind: str = SatisfactionKind.AVERAGE.value
    satisfaction_target: int | None = None  # tenths (average) or percent (share)
    satisfaction_actual: int | None = None  # entered by the secretary; a survey overrides it
    effect_unit: str = ""
    effect_target_number: int | None = None  # hundredths
    effect_actual_number: int | None = None  # hundredths
    effect_target_text: str = ""
    effect_actual_text: str = ""

    def cleaned(self) -> Kpis:
        """The same values with text trimmed, as they are stored."""
        return replace(self, **{f.name: getattr(self, f.name).strip() for f in fields(self)
                                if isinstance(getattr(self, f.name), str)})


# What is fixed once a project ends; the unit goes with the target number it measures.
TARGETS: tuple[str, ...] = ("engaged_target", "benefited_target", "satisfaction_kind", "satisfaction_target",
                            "effect_unit", "effect_target_number", "effect_target_text")


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value) -> SatisfactionKind | None:
    try:
        return SatisfactionKind(value)
    except ValueError:
        return None


def _count_refusals(value, field: str) -> list[Refusal]:
    if value is None:
        return []
    if not _whole(value) or value < 0:
        return [Refusal("kpis.count_negative", N_("Enter a whole number of people, zero or more."),
                        {"field": field})]
    if value > MAX_COUNT:
        return [Refusal("kpis.count_too_large", N_("Enter at most %(max)s people."),
                        {"field": field, "max": MAX_COUNT})]
    return []


def _satisfaction_refusals(kind: SatisfactionKind, value, field: str) -> list[Refusal]:
    if value is None:
        return []
    low, high = AVERAGE_RANGE if kind is SatisfactionKind.AVERAGE else SHARE_RANGE
    if _whole(value) and low <= value <= high:
        return []
    if kind is SatisfactionKind.AVERAGE:
        return [Refusal("kpis.average_range", N_("An average rating is from 1.0 to 5.0, with one decimal."),
                        {"field": field})]
    return [Refusal("kpis.share_range", N_("A share is a whole percentage from 0 to 100."), {"field": field})]


def _text_refusals(value, field: str, limit: int) -> list[Refusal]:
    if not isinstance(value, str):
        return [Refusal("kpis.text_invalid", N_("Enter text here, or leave it empty."), {"field": field})]
    if len(value.strip()) > limit:
        return [Refusal("kpis.too_long", N_("Use at most %(max)s characters."), {"field": field, "max": limit})]
    return []


def _number_refusals(value, field: str) -> list[Refusal]:
    if value is None:
        return []
    if not _whole(value) or not 0 <= value <= MAX_EFFECT_NUMBER:
        return [Refusal("kpis.number_range", N_("Enter a number of zero or more, like 12 or 1.5."),
                        {"field": field})]
    return []


def kpi_refusals(status, current: Kpis | None, new: Kpis) -> list[Refusal]:
    """Why a project in `status` may not have its KPIs set from `current` (None: never set) to
    `new`; empty means it may."""
    current = (current or Kpis()).cleaned()
    refusals = []
    for name in ("engaged_target", "engaged_actual", "benefited_target", "benefited_actual"):
        refusals += _count_refusals(getattr(new, name), name)
    kind = _kind(new.satisfaction_kind)
    if kind is None:
        refusals.append(Refusal("kpis.unknown_kind", N_("Choose how satisfaction is measured."),
                                {"field": "satisfaction_kind"}))
    else:
        for name in ("satisfaction_target", "satisfaction_actual"):
            refusals += _satisfaction_refusals(kind, getattr(new, name), name)
    for name in ("effect_target_text", "effect_actual_text"):
        refusals += _text_refusals(getattr(new, name), name, MAX_EFFECT_TEXT)
    refusals += _text_refusals(new.effect_unit, "effect_unit", MAX_UNIT)
    for name in ("effect_target_number", "effect_actual_number"):
        refusals += _number_refusals(getattr(new, name), name)
    if refusals:
        return refusals
    new = new.cleaned()
    if not new.effect_unit and (new.effect_target_number is not None or new.effect_actual_number is not None):
        # "120" of what? A number means nothing to the public without its unit.
        refusals.append(Refusal("kpis.unit_missing", N_("Say what the number counts, e.g. “trees planted”."),
                                {"field": "effect_unit"}))
    if _status(status) in FINAL:
        moved = [name for name in TARGETS if getattr(new, name) != getattr(current, name)]
        if moved:
            refusals.append(Refusal("kpis.targets_fixed",
                                    N_("The project has ended, so its targets are fixed; only the actual figures "
                                       "can still be reported."), {"field": moved[0]}))
    if not refusals and new == current:
        refusals.append(Refusal("kpis.no_change", N_("Nothing differs from the KPIs already reported."), {}))
    return refusals


def _status(value) -> ProjectStatus | None:
    try:
        return ProjectStatus(value)
    except ValueError:
        return None


# --- what people type ------------------------------------------------------------------------


def parse_satisfaction(kind, text: str | None, field: str) -> tuple[int | None, Refusal | None]:
    """What was typed for a satisfaction figure → (stored value, None), (None, None) when empty,
    or (None, why not). An average is typed like "4.2" or "4,2"; a share like "80" or "80 %"."""
    text = (text or "").strip()
    if not text:
        return None, None
    parsed = _kind(kind)
    if parsed is SatisfactionKind.SHARE:
        value = parse_amount(text.removesuffix("%"), minor_digits=0)
        return (None, _satisfaction_refusals(parsed, -1, field)[0]) if value is None else (value, None)
    value = parse_amount(text, minor_digits=1)
    if value is None:
        return None, _satisfaction_refusals(SatisfactionKind.AVERAGE, -1, field)[0]
    return value, None


def parse_effect_number(text: str | None, field: str) -> tuple[int | None, Refusal | None]:
    """"1.5" or "1 200" → hundredths; (None, None) when empty; (None, why not) otherwise."""
    text = (text or "").strip()
    if not text:
        return None, None
    value = parse_amount(text, minor_digits=2)
    if value is None:
        return None, _number_refusals(-1, field)[0]
    return value, None


def as_decimal(value: int | None, kind: str) -> Decimal | None:
    """A stored figure as the number people read: tenths of a rating, whole percent, or
    hundredths of an effect number (kind "effect")."""
    if value is None:
        return None
    if kind == SatisfactionKind.AVERAGE:
        return Decimal(value) / 10
    if kind == "effect":
        return Decimal(value) / 100
    return Decimal(value)


# --- the satisfaction the public sees -----------------------------------------------------------


def satisfaction_actual(kind, entered: int | None, survey: Distribution | None) -> tuple[int | None, str | None]:
    """(value, source): the survey's figure once it has enough answers to be shown, else the
    figure the secretary entered, else (None, None)."""
    if survey is not None and survey.shown:
        value = survey.average_tenths if _kind(kind) is SatisfactionKind.AVERAGE else survey.share_satisfied
        return value, SOURCE_SURVEY
    if entered is not None:
        return entered, SOURCE_ENTERED
    return None, None
