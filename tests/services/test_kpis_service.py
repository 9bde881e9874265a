"""ypb.services.kpis: a project's KPIs are saved with an audit entry holding what changed,
refused values change nothing, and the public figure for satisfaction comes from the
survey once it has enough answers."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.services.test_projects_service import actor, funded_cycle, the_project
from ypb.domain.kpis import Kpis
from ypb.extensions import db
from ypb.models import AuditEntry
from ypb.models.kpi import ProjectKpis
from ypb.services import Refused, kpis, projects, surveys

TARGETS = Kpis(engaged_target=40, benefited_target=200, satisfaction_target=40, effect_unit="events held",
               effect_target_number=600, effect_target_text="Young people run their own events.")


@pytest.fixture
def made(app, users):
    made = funded_cycle(app, users["secretary"])
    with app.app_context():
        yield {**made, **users}


def last_audit() -> AuditEntry:
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_nothing_is_reported_until_the_secretary_saves(made):
    project = the_project(made)
    report = kpis.report(project)
    assert kpis.current(project.id) is None
    assert report.kpis == Kpis() and not report.reported and report.survey is None
    assert (report.satisfaction_actual, report.satisfaction_source) == (None, None)


def test_kpis_are_saved_trimmed_and_audited_with_what_changed(made):
    project = the_project(made)
    kpis.update(actor(made), project.id, Kpis(**{**TARGETS.__dict__, "effect_unit": "  events held "}))
    assert kpis.current(project.id) == TARGETS
    entry = last_audit()
    assert (entry.action, entry.subject, entry.actor) == ("project.kpis", f"project:{project.id}",
                                                          f"user:{made['secretary']}")
    data = json.loads(entry.data)
    assert data["changes"]["engaged_target"] == {"old": None, "new": 40}
    assert "engaged_actual" not in data["changes"]

    kpis.update(actor(made), project.id, Kpis(**{**TARGETS.__dict__, "engaged_actual": 52}))
    data = json.loads(last_audit().data)
    assert data["changes"] == {"engaged_actual": {"old": None, "new": 52}}
    assert count(ProjectKpis) == 1


def test_refused_kpis_change_nothing(made):
    project = the_project(made)
    kpis.update(actor(made), project.id, TARGETS)
    entries = count(AuditEntry)
    with pytest.raises(Refused) as refused:
        kpis.update(actor(made), project.id, Kpis(**{**TARGETS.__dict__, "engaged_actual": -3,
                                                        "benefited_actual": 10}))
    assert refused.value.field == "engaged_actual"
    assert kpis.current(project.id) == TARGETS and count(AuditEntry) == entries


def test_targets_are_fixed_once_delivered_but_actuals_still_come(made):
    project = the_project(made)
    kpis.update(actor(made), project.id, TARGETS)
    projects.update_status(actor(made), project.id, "delivered", 100, 10_000)
    with pytest.raises(Refused) as refused:
        kpis.update(actor(made), project.id, Kpis(**{**TARGETS.__dict__, "engaged_target": 10}))
    assert [r.code for r in refused.value.refusals] == ["kpis.targets_fixed"]
    late = Kpis(**{**TARGETS.__dict__, "engaged_actual": 61, "benefited_actual": 180, "satisfaction_actual": 44,
                   "effect_actual_number": 720, "effect_actual_text": "Twelve events, all run by the group."})
    kpis.update(actor(made), project.id, late)
    assert kpis.current(project.id) == late


def test_an_unknown_project_is_refused(made):
    with pytest.raises(Refused) as refused:
        kpis.update(actor(made), 999, TARGETS)
    assert refused.value.refusals[0].code == "projects.not_found"


def _answer(survey, n: int, rating: int) -> None:
    for _ in range(n):
        surveys.answer(survey.id, surveys.new_nonce(), rating, "", today=date(2026, 6, 1))


def test_satisfaction_comes_from_the_survey_once_it_has_five_answers(made):
    project = the_project(made)
    kpis.update(actor(made), project.id, Kpis(satisfaction_target=40, satisfaction_actual=35))
    survey = surveys.open_survey(actor(made), project.id)
    _answer(survey, 4, 5)
    report = kpis.report(project)
    assert report.survey.total == 4 and report.survey_open
    assert (report.satisfaction_actual, report.satisfaction_source) == (35, "entered")
    _answer(survey, 1, 3)
    report = kpis.report(project)
    assert (report.satisfaction_actual, report.satisfaction_source) == (46, "survey")  # 23/5 = 4.6

    kpis.update(actor(made), project.id, Kpis(satisfaction_kind="share", satisfaction_target=75))
    report = kpis.report(project)
    assert (report.satisfaction_actual, report.satisfaction_source) == (80, "survey")
