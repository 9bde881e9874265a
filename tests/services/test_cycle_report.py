"""ypb.services.cycle_report: money granted against spent, projects by status, KPI totals and
survey averages per project and overall (from the surveys that may be shown), and the same
as a semicolon-separated file."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests.services.test_projects_service import actor, funded_cycle
from ypb.domain.kpis import Kpis
from ypb.extensions import db
from ypb.models import Cycle
from ypb.services import cycle_report, kpis, projects, surveys


@pytest.fixture
def made(app, users):
    made = funded_cycle(app, users["secretary"])
    with app.app_context():
        cycle = db.session.get(Cycle, made["cycle"])
        found = projects.ensure_for_cycle(cycle)
        assert len(found) >= 2
        yield {**made, **users, "found": [p.id for p in found]}


def answer(survey, ratings) -> None:
    for rating in ratings:
        surveys.answer(survey.id, surveys.new_nonce(), rating, "", today=date(2026, 6, 1))


@pytest.fixture
def reported(made):
    """First project delivered with KPIs and a survey of 5 answers; second in progress with a
    survey of 2 answers (too few to show) and an entered satisfaction."""
    first, second = made["found"][:2]
    secretary = actor(made)
    kpis.update(secretary, first, Kpis(engaged_target=40, engaged_actual=52, benefited_target=200,
                                       benefited_actual=180, satisfaction_target=40, effect_unit="events held",
                                       effect_target_number=1000, effect_actual_number=1250,
                                       effect_actual_text="=SUM(A1) ran well"))
    projects.update_status(secretary, first, "delivered", 100, 250_050)
    answer(surveys.open_survey(secretary, first), [5, 5, 4, 4, 2])
    kpis.update(secretary, second, Kpis(engaged_target=10, satisfaction_kind="share", satisfaction_target=70,
                                        satisfaction_actual=90))
    projects.update_status(secretary, second, "in_progress", 30, 10_000)
    answer(surveys.open_survey(secretary, second), [1, 1])
    return made


def test_the_report_sums_money_statuses_and_kpis(reported):
    cycle = db.session.get(Cycle, reported["cycle"])
    report = cycle_report.build(cycle)
    found = projects.for_cycle(cycle)
    assert [line.project.id for line in report.lines] == [p.id for p in found]
    assert report.granted == sum(p.budget_granted for p in found)
    assert report.spent == 260_050
    assert report.delivered == 1 and report.by_status["in_progress"] == 1
    assert sum(report.by_status.values()) == len(found)
    assert report.totals["engaged_target"].value == 50 and report.totals["engaged_target"].reported == 2
    assert (report.totals["engaged_actual"].value, report.totals["engaged_actual"].reported) == (52, 1)
    assert report.totals["benefited_actual"].value == 180


def test_survey_averages_count_only_surveys_with_five_answers(reported):
    report = cycle_report.build(db.session.get(Cycle, reported["cycle"]))
    first, second = report.lines[:2]
    assert first.kpis.survey.average_tenths == 40 and first.kpis.satisfaction_source == "survey"
    assert second.kpis.survey.total == 2 and not second.kpis.survey.shown
    assert (second.kpis.satisfaction_actual, second.kpis.satisfaction_source) == (90, "entered")
    # The second survey's two answers stay out of the overall figure: else they could be worked out.
    assert report.surveys.total == 5 and report.surveys.average_tenths == 40


def test_the_csv_has_one_row_per_project_and_a_total(reported):
    cycle = db.session.get(Cycle, reported["cycle"])
    text = cycle_report.csv_text(cycle_report.build(cycle))
    assert not text.startswith("\ufeff") and "\r\n" not in text  # like the results file
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert tuple(rows[0]) == cycle_report.COLUMNS
    first, second, *_, total = rows
    assert first["status"] == "delivered" and first["budget_spent"] == "2500.50" and first["currency"] == "EUR"
    assert (first["engaged_target"], first["engaged_actual"]) == ("40", "52")
    assert (first["satisfaction_kind"], first["satisfaction_target"], first["satisfaction_actual"]) == (
        "average", "4", "4")
    assert (first["survey_answers"], first["survey_average"], first["survey_share_satisfied_percent"]) == (
        "5", "4", "80")
    assert (first["effect_unit"], first["effect_target"], first["effect_actual"]) == ("events held", "10", "12.5")
    assert first["effect_actual_text"] == "'=SUM(A1) ran well"  # a spreadsheet must not run it
    assert (second["survey_answers"], second["survey_average"]) == ("2", "")  # too few to show
    assert (second["satisfaction_actual"], second["satisfaction_source"]) == ("90", "entered")
    assert total["project_id"] == "total" and total["budget_spent"] == "2600.50"
    assert "delivered:1" in total["status"] and total["engaged_target"] == "50"
    assert (total["survey_answers"], total["survey_average"]) == ("5", "4")


def test_before_confirmation_the_report_is_empty(app, users):
    made = funded_cycle(app, users["secretary"], ratify=False)
    with app.app_context():
        cycle = db.session.get(Cycle, made["cycle"])
        report = cycle_report.build(cycle)
        assert report.lines == [] and report.granted == 0 and not report.surveys.shown
        rows = list(csv.reader(io.StringIO(cycle_report.csv_text(report)), delimiter=";"))
        assert len(rows) == 2 and rows[1][0] == "total"
