"""A cycle's report on what its money did: granted against spent, projects by status, the KPI
totals and the satisfaction surveys, one line per funded project; and the same as CSV.

The CSV follows the results file's conventions (ypb.services.results.pb_text): semicolons,
"\\n" line ends, no byte-order mark, stable English column names a script can rely on, and
amounts in the cycle's currency as plain decimals with a dot. Text a spreadsheet would run
as a formula is quoted with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from ypb.domain import kpis as kpi_rules
from ypb.domain.money import split_amount
from ypb.domain.projects import ProjectStatus
from ypb.domain.surveys import Distribution, combined
from ypb.models import Cycle
from ypb.models.project import FundedProject
from ypb.services import kpis, projects

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Line:
    project: FundedProject
    kpis: kpis.Report


@dataclass(frozen=True)
class Total:
    """The sum of one count over the projects that reported it, and how many did."""

    value: int = 0
    reported: int = 0


@dataclass
class CycleReport:
    cycle: Cycle
    lines: list[Line]
    granted: int = 0  # cents
    spent: int = 0  # cents
    by_status: dict[str, int] = field(default_factory=dict)
    totals: dict[str, Total] = field(default_factory=dict)  # engaged_target, engaged_actual, …
    surveys: Distribution | None = None  # every shown survey's answers together

    @property
    def delivered(self) -> int:
        return self.by_status.get(ProjectStatus.DELIVERED.value, 0)


COUNTS = ("engaged_target", "engaged_actual", "benefited_target", "benefited_actual")


def build(cycle: Cycle) -> CycleReport:
    """The report of a cycle; empty before its results are confirmed."""
    found = projects.for_cycle(cycle)
    reports = kpis.reports([p.id for p in found])
    report = CycleReport(cycle, [Line(p, reports[p.id]) for p in found])
    report.granted = sum(p.budget_granted for p in found)
    report.spent = sum(p.budget_spent for p in found)
    report.by_status = {s.value: sum(1 for p in found if p.status == s.value) for s in ProjectStatus}
    for name in COUNTS:
        values = [getattr(r.kpis, name) for r in reports.values() if getattr(r.kpis, name) is not None]
        report.totals[name] = Total(sum(values), len(values))
    report.surveys = combined(r.survey for r in reports.values() if r.survey is not None)
    return report


# --- CSV ---------------------------------------------------------------------------------------

COLUMNS = (
    "project_id", "proposal_id", "title", "status", "progress_percent", "currency", "budget_granted",
    "budget_spent", "engaged_target", "engaged_actual", "benefited_target", "benefited_actual",
    "satisfaction_kind", "satisfaction_target", "satisfaction_actual", "satisfaction_source", "survey_answers",
    "survey_average", "survey_share_satisfied_percent", "effect_unit", "effect_target", "effect_actual",
    "effect_target_text", "effect_actual_text",
)


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _money(cents: int) -> str:
    return f"{split_amount(cents):.2f}"


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def csv_text(report: CycleReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    currency = report.cycle.currency
    for line in report.lines:
        p, k = line.project, line.kpis.kpis
        survey = line.kpis.survey
        shown = survey is not None and survey.shown
        kind = k.satisfaction_kind
        writer.writerow([_cell(v) for v in (
            p.id, p.proposal_id, p.proposal.title, p.status, p.progress, currency, _money(p.budget_granted),
            _money(p.budget_spent), k.engaged_target, k.engaged_actual, k.benefited_target, k.benefited_actual,
            kind, _number(kpi_rules.as_decimal(k.satisfaction_target, kind)),
            _number(kpi_rules.as_decimal(line.kpis.satisfaction_actual, kind)), line.kpis.satisfaction_source,
            survey.total if survey else None,
            _number(kpi_rules.as_decimal(survey.average_tenths, "average")) if shown else None,
            survey.share_satisfied if shown else None, k.effect_unit,
            _number(kpi_rules.as_decimal(k.effect_target_number, "effect")),
            _number(kpi_rules.as_decimal(k.effect_actual_number, "effect")),
            k.effect_target_text, k.effect_actual_text,
        )])
    overall = report.surveys
    shown = overall is not None and overall.shown
    totals = report.totals
    statuses = ",".join(f"{status}:{n}" for status, n in report.by_status.items())
    writer.writerow([_cell(v) for v in (
        "total", "", "", statuses, "", currency, _money(report.granted), _money(report.spent),
        *(totals[name].value if totals[name].reported else None for name in COUNTS),
        "", "", "", "", overall.total if overall else 0,
        _number(kpi_rules.as_decimal(overall.average_tenths, "average")) if shown else None,
        overall.share_satisfied if shown else None, "", "", "", "", "",
    )])
    return out.getvalue()
