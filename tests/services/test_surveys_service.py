"""ypb.services.surveys: the secretary opens and closes a project's survey (audited); an
answer keeps nothing about who gave it, one phone session answers once (the database
decides, even when two requests race), and results appear from five answers on."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from tests.services.test_projects_service import actor, funded_cycle, the_project
from ypb.extensions import db
from ypb.models import AuditEntry
from ypb.models.survey import Survey, SurveyAnswer
from ypb.services import Refused, projects, surveys

DAY = date(2026, 6, 1)


@pytest.fixture
def made(app, users):
    made = funded_cycle(app, users["secretary"])
    with app.app_context():
        yield {**made, **users}


@pytest.fixture
def survey(made):
    return surveys.open_survey(actor(made), the_project(made).id)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def answers(survey_id: int) -> list[SurveyAnswer]:
    return list(db.session.scalars(select(SurveyAnswer).where(SurveyAnswer.survey_id == survey_id)))


def last_audit() -> AuditEntry:
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()


# --- opening and closing -------------------------------------------------------------------------


def test_opening_makes_an_unguessable_link_and_is_audited_without_it(made, survey):
    assert survey.is_open and len(survey.token) >= 32 and survey.key and len(survey.key) == 32
    assert surveys.by_token(survey.token).id == survey.id
    assert surveys.by_token("x" * 65) is None and surveys.by_token("") is None
    entry = last_audit()
    assert (entry.action, entry.subject) == ("project.survey_open", f"project:{survey.project_id}")
    assert survey.token not in entry.data  # the link is what lets people answer
    second = projects.for_cycle(the_project(made).proposal.cycle)[1]
    other = surveys.open_survey(actor(made), second.id)
    assert other.token != survey.token


def test_a_survey_opens_once(made, survey):
    with pytest.raises(Refused) as refused:
        surveys.open_survey(actor(made), survey.project_id)
    assert refused.value.refusals[0].code == "surveys.already_open"
    assert count(Survey) == 1


def test_a_cancelled_project_gets_no_survey(made):
    project = the_project(made)
    projects.update_status(actor(made), project.id, "cancelled", 0, 0)
    with pytest.raises(Refused) as refused:
        surveys.open_survey(actor(made), project.id)
    assert refused.value.refusals[0].code == "surveys.project_cancelled" and count(Survey) == 0


def test_closing_is_final_destroys_the_key_and_refuses_answers(made, survey):
    nonce = surveys.new_nonce()
    surveys.answer(survey.id, nonce, 4, "", today=DAY)
    assert surveys.has_answered(survey, nonce)
    surveys.close_survey(actor(made), survey.project_id)
    closed = surveys.for_project(survey.project_id)
    assert closed.state == "closed" and closed.key is None and closed.closed_at is not None
    entry = last_audit()
    assert entry.action == "project.survey_close" and '"answers":1' in entry.data
    # Without the key nobody can tell which answer this phone gave, not even the phone.
    assert not surveys.has_answered(closed, nonce)
    with pytest.raises(Refused) as refused:
        surveys.answer(survey.id, surveys.new_nonce(), 5, "", today=DAY)
    assert refused.value.refusals[0].code == "surveys.closed" and count(SurveyAnswer) == 1
    for act, code in ((surveys.close_survey, "surveys.not_open"), (surveys.open_survey, "surveys.closed_for_good")):
        with pytest.raises(Refused) as refused:
            act(actor(made), survey.project_id)
        assert refused.value.refusals[0].code == code


def test_a_project_without_survey_has_none_to_close(made):
    with pytest.raises(Refused) as refused:
        surveys.close_survey(actor(made), the_project(made).id)
    assert refused.value.refusals[0].code == "surveys.not_open"


# --- answering -----------------------------------------------------------------------------------


def test_an_answer_keeps_only_rating_comment_day_and_fingerprint(made, survey):
    entries = count(AuditEntry)
    nonce = surveys.new_nonce()
    surveys.answer(survey.id, nonce, 5, "  Loved the climbing!  ", today=DAY)
    [stored] = answers(survey.id)
    assert (stored.rating, stored.comment, stored.answered_on) == (5, "Loved the climbing!", DAY)
    assert nonce not in stored.fingerprint and len(stored.fingerprint) == 64
    # Nothing else exists to be stored: no account, address, browser or time of day.
    columns = {c.name for c in inspect(SurveyAnswer).columns}
    assert columns == {"id", "survey_id", "rating", "comment", "answered_on", "fingerprint"}
    assert count(AuditEntry) == entries  # an audit entry would time-stamp the answer to the second


def test_the_day_is_the_municipalitys_day(made, survey):
    surveys.answer(survey.id, surveys.new_nonce(), 3, "")
    assert answers(survey.id)[0].answered_on == surveys.local_today()


def test_one_session_answers_once_and_the_second_changes_nothing(made, survey):
    nonce = surveys.new_nonce()
    surveys.answer(survey.id, nonce, 2, "First thoughts", today=DAY)
    with pytest.raises(surveys.AlreadyAnswered) as refused:
        surveys.answer(survey.id, nonce, 5, "Second thoughts", today=DAY)
    assert refused.value.refusals[0].code == "surveys.already_answered"
    assert [(a.rating, a.comment) for a in answers(survey.id)] == [(2, "First thoughts")]
    surveys.answer(survey.id, surveys.new_nonce(), 5, "", today=DAY)  # another phone
    assert len(answers(survey.id)) == 2


@pytest.mark.parametrize(("rating", "comment", "code", "field"), [
    (0, "", "surveys.rating", "rating"), (6, "", "surveys.rating", "rating"), (None, "", "surveys.rating", "rating"),
    (4, "x" * 501, "surveys.comment_long", "comment"),
])
def test_a_bad_answer_is_refused_and_nothing_is_stored(made, survey, rating, comment, code, field):
    with pytest.raises(Refused) as refused:
        surveys.answer(survey.id, surveys.new_nonce(), rating, comment, today=DAY)
    assert (refused.value.refusals[0].code, refused.value.field) == (code, field)
    assert count(SurveyAnswer) == 0


def test_an_answer_without_a_session_nonce_is_refused(made, survey):
    with pytest.raises(Refused) as refused:
        surveys.answer(survey.id, None, 4, "", today=DAY)
    assert refused.value.refusals[0].code == "surveys.no_session" and count(SurveyAnswer) == 0


def test_the_database_refuses_a_repeated_fingerprint_and_a_rating_out_of_range(made, survey):
    db.session.add_all([SurveyAnswer(survey_id=survey.id, rating=3, comment="", answered_on=DAY, fingerprint="f"),
                        SurveyAnswer(survey_id=survey.id, rating=4, comment="", answered_on=DAY, fingerprint="f")])
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(SurveyAnswer(survey_id=survey.id, rating=6, comment="", answered_on=DAY, fingerprint="g"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_two_requests_racing_with_the_same_cookie_store_one_answer(app, made, survey):
    """Two workers get the same session at the same moment: the UNIQUE constraint lets one in."""
    nonce, survey_id = surveys.new_nonce(), survey.id
    db.session.remove()
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(rating):
        with app.app_context():
            barrier.wait()
            try:
                surveys.answer(survey_id, nonce, rating, "", today=DAY)
                outcomes.append("saved")
            except surveys.AlreadyAnswered:
                outcomes.append("already")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(r,)) for r in (1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["already", "saved"]
    assert count(SurveyAnswer) == 1


# --- results ------------------------------------------------------------------------------------


def test_results_and_comments_appear_from_five_answers(made, survey):
    for rating, comment in [(5, "Great"), (4, ""), (5, "More of this")]:
        surveys.answer(survey.id, surveys.new_nonce(), rating, comment, today=DAY)
    shown = surveys.results(survey)
    assert shown.total == 3 and not shown.shown and shown.missing == 2
    assert surveys.comments(survey) == []
    for rating in (3, 1):
        surveys.answer(survey.id, surveys.new_nonce(), rating, "", today=DAY)
    shown = surveys.results(survey)
    assert shown.shown and shown.counts == (1, 0, 1, 1, 2) and shown.average_tenths == 36
    assert sorted(surveys.comments(survey)) == ["Great", "More of this"]
    by_fingerprint = [a.comment for a in sorted(answers(survey.id), key=lambda a: a.fingerprint) if a.comment]
    assert surveys.comments(survey) == by_fingerprint  # not the order they came in


def test_results_for_several_projects(made, survey):
    ids = [p.id for p in projects.for_cycle(the_project(made).proposal.cycle)]
    found = surveys.results_for(ids)
    assert list(found) == [survey.project_id] and found[survey.project_id].total == 0
    assert surveys.results(None) is None and surveys.results_for([]) == {}
