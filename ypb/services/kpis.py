"""The KPIs of funded projects: saved by the secretary, read by everyone next to the survey's
figures. Rules are `ypb.domain.kpis`'; every change goes to the audit trail with what it was
before, which is the KPIs' history."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime

from sqlalchemy import select

from ypb.database import begin_write
from ypb.domain import kpis as rules
from ypb.domain.messages import N_
from ypb.domain.surveys import Distribution, SurveyState
from ypb.extensions import db
from ypb.models.base import utcnow
from ypb.models.kpi import ProjectKpis
from ypb.models.project import FundedProject
from ypb.models.survey import Survey
from ypb.services import Refused, audit, refuse, surveys, use_case

_FIELDS = tuple(f.name for f in fields(rules.Kpis))


def _values(row: ProjectKpis | None) -> rules.Kpis | None:
    return None if row is None else rules.Kpis(**{name: getattr(row, name) for name in _FIELDS})


def current(project_id: int) -> rules.Kpis | None:
    """What is reported now; None when the secretary never saved any."""
    return _values(db.session.get(ProjectKpis, project_id))


@dataclass(frozen=True)
class Report:
    """One project's KPIs as the public sees them: the survey's figure stands in for the
    entered satisfaction once it has enough answers."""

    project_id: int
    kpis: rules.Kpis
    survey: Distribution | None  # None: no survey was opened
    survey_open: bool
    satisfaction_actual: int | None
    satisfaction_source: str | None  # rules.SOURCE_SURVEY, rules.SOURCE_ENTERED or None
    updated_at: datetime | None

    @property
    def reported(self) -> bool:
        return self.updated_at is not None or self.satisfaction_actual is not None


def report(project: FundedProject) -> Report:
    return reports([project.id])[project.id]


def reports(project_ids) -> dict[int, Report]:
    ids = list(project_ids)
    rows = {r.project_id: r for r in db.session.scalars(select(ProjectKpis).where(ProjectKpis.project_id.in_(ids)))}
    found = surveys.results_for(ids)
    open_ids = set(db.session.scalars(select(Survey.project_id).where(Survey.project_id.in_(ids),
                                                                     Survey.state == SurveyState.OPEN.value)))
    out = {}
    for pid in ids:
        row = rows.get(pid)
        values = _values(row) or rules.Kpis()
        actual, source = rules.satisfaction_actual(values.satisfaction_kind, values.satisfaction_actual,
                                                   found.get(pid))
        out[pid] = Report(pid, values, found.get(pid), pid in open_ids, actual, source,
                          row.updated_at if row else None)
    return out


@use_case
def update(actor, project_id: int, values: rules.Kpis, now: datetime | None = None) -> ProjectKpis:
    """Save a project's KPIs; refused values change nothing."""
    begin_write()
    now = now or utcnow()
    project = db.session.get(FundedProject, project_id)
    if project is None:
        raise refuse("projects.not_found", N_("That project does not exist."))
    row = db.session.get(ProjectKpis, project.id)
    before = _values(row)
    refusals = rules.kpi_refusals(project.status, before, values)
    if refusals:
        raise Refused(*refusals, field=next((r.params["field"] for r in refusals if "field" in r.params), None))
    after = values.cleaned()
    if row is None:
        row = ProjectKpis(project_id=project.id)
        db.session.add(row)
    for name in _FIELDS:
        setattr(row, name, getattr(after, name))
    row.updated_at = now
    db.session.flush()
    old = before or rules.Kpis()
    changed = {name: {"old": getattr(old, name), "new": getattr(after, name)}
               for name in _FIELDS if getattr(old, name) != getattr(after, name)}
    audit.record(actor, "project.kpis", f"project:{project.id}", {"changes": changed, "after": asdict(after)})
    db.session.commit()
    return row
