"""The operator commands: create-user and demo."""

from __future__ import annotations

from sqlalchemy import func, select

from ypb.extensions import db
from ypb.models import Cycle, Municipality, User
from ypb.services import audit, results


def test_create_user_with_role(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ypb", "create-user", "--username", "Laura", "--display-name", "Laura O",
                                 "--role", "secretary", "--password", "a long secret phrase"])
    assert result.exit_code == 0, result.output
    assert "created secretary laura" in result.output
    with app.app_context():
        assert db.session.scalars(select(User)).one().role == "secretary"


def test_create_user_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(
        args=["ypb", "create-user", "--username", "x1x", "--display-name", "X", "--password", "short"])
    assert result.exit_code == 2
    assert "at least 10 characters" in result.output


def test_demo_loads_once_and_prints_logins(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["ypb", "demo"])
    assert result.exit_code == 0, result.output
    assert "secretary" in result.output and "laura" in result.output
    assert "Voting codes" in result.output
    with app.app_context():
        roles = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
        assert roles == {"admin": 1, "secretary": 1, "council": 4, "youth": 4}
        assert db.session.scalar(select(func.count(Municipality.id))) == 1
        phases = sorted(db.session.scalars(select(Cycle.phase)))
        assert phases == ["feedback", "implementation", "proposals", "review", "voting"]
        finished = db.session.scalars(select(Cycle).where(Cycle.phase == "implementation")).one()
        [counted] = results.results_of(finished)
        assert finished.results_ratified and counted.result.voters == 40 and counted.result.selected
        _check_demo_council(finished)
        _check_demo_projects(finished)
        _check_demo_renewal(finished)
        _check_demo_calendar()
        assert audit.verify() is None
    again = runner.invoke(args=["ypb", "demo", "--if-empty"])
    assert again.exit_code == 0 and "nothing loaded" in again.output
    refused = runner.invoke(args=["ypb", "demo"])
    assert refused.exit_code == 2


def test_demo_login_works(app):
    app.test_cli_runner().invoke(args=["ypb", "demo"])
    from tests.conftest import sign_in

    client = app.test_client()
    sign_in(client, "laura", "youth-budget-demo")
    assert "Laura" in client.get("/").get_data(as_text=True)


def _check_demo_council(finished):
    """A 5 + 5 council with a chair; a past meeting with published minutes whose decision
    confirmed the finished cycle's results; another that opened the winter vote; one to come."""
    from ypb.models.base import utcnow
    from ypb.models.meeting import AgendaItem, Decision, Meeting
    from ypb.services import council, meetings

    found = council.get_council()
    today = council.composition(found, utcnow().date())
    assert today.balanced and today.issues == ()
    assert [h.seat.role for h in today.holdings].count("chair") == 1
    upcoming, past = meetings.upcoming_and_past()
    assert len(upcoming) == 1 and len(past) == 2
    first = past[-1]
    assert first.minutes.status == "published"
    assert first.items[0].cycle_id == finished.id
    decisions = db.session.scalars(select(Decision).order_by(Decision.id)).all()
    assert [d.outcome for d in decisions] == ["adopted"] * 4
    assert all(meetings.quorum_of(m).met for m in past)
    assert db.session.scalar(select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == upcoming[0].id)) == 3
    assert db.session.scalar(select(func.count(Meeting.id))) == 3


def _check_demo_projects(finished):
    """The finished cycle's funded projects in every status, one with a material change of terms
    that a council decision allowed."""
    from ypb.services import projects

    found = projects.for_cycle(finished)
    assert {p.status for p in found} == {"not_started", "in_progress", "delivered", "cancelled"}
    [changed] = [p for p in found if p.changes]
    assert changed.changes[0].material and changed.changes[0].decision_id is not None
    assert any(m.done and m.evidence for p in found for m in p.milestones)
    _check_demo_kpis(found)


def _check_demo_kpis(found):
    """Targets and actuals for the delivered and running projects; the delivered one's survey has
    enough answers to show, is closed (its key gone) and holds nothing but ratings, comments and days."""
    from ypb.models.survey import Survey, SurveyAnswer
    from ypb.services import kpis

    reports = kpis.reports(p.id for p in found)
    for project in found:
        if project.status in ("delivered", "in_progress"):
            k = reports[project.id].kpis
            assert k.engaged_target is not None and k.engaged_actual is not None, project.proposal.title
            assert k.benefited_target is not None and k.benefited_actual is not None
            assert reports[project.id].satisfaction_actual is not None
    [delivered] = [p for p in found if p.status == "delivered"]
    report = reports[delivered.id]
    assert report.survey.shown and report.survey.total >= 5
    assert report.satisfaction_source == "survey"
    survey = db.session.scalars(select(Survey)).one()
    assert survey.project_id == delivered.id and not survey.is_open and survey.key is None
    assert {c.name for c in SurveyAnswer.__table__.columns} == {
        "id", "survey_id", "rating", "comment", "answered_on", "fingerprint"}


def _check_demo_renewal(finished):
    """The delivered project is proposed again, published with its badge, in the cycle open for
    proposals, which funds renewals over up to two years; the renewal asks for two."""
    from ypb.domain.renewals import yearly
    from ypb.models import Proposal
    from ypb.services import projects

    [delivered] = [p for p in projects.for_cycle(finished) if p.status == "delivered"]
    [renewal] = db.session.scalars(select(Proposal).where(Proposal.renewal_of_id.is_not(None))).all()
    assert renewal.renewal_of_id == delivered.id and renewal.status == "submitted"
    assert renewal.cycle.phase == "proposals" and renewal.cycle.renewal_max_years == 2
    assert renewal.author_id == delivered.proposal.author_id
    assert renewal.funding_years == 2
    assert sum(yearly(renewal.estimated_cost, 2, renewal.funding_split)) == renewal.estimated_cost


def _check_demo_calendar() -> None:
    from ypb.services import calendar

    upcoming = calendar.overview().upcoming
    kinds = {entry.kind for entry in upcoming}
    assert {"workshop", "hackathon", "forum", "meeting"} <= kinds, kinds
    assert any(entry.cancelled for entry in upcoming)
