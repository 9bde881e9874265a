"""Satisfaction surveys of funded projects: opened and closed by the secretary, answered
anonymously by participants from a link or QR code.

Rules are `ypb.domain.surveys`'. What this module adds is the storage side of anonymity:
an answer is written with the day and a fingerprint only, never audited (the audit trail
would time-stamp it to the second and name nothing useful), and the UNIQUE constraint on
the fingerprint, not a look-up before the insert, decides whether a phone already answered,
so two workers racing with the same cookie cannot both win.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ypb.database import begin_write
from ypb.domain import surveys as rules
from ypb.domain.messages import N_, Refusal
from ypb.extensions import db
from ypb.models.base import utcnow
from ypb.models.survey import Survey, SurveyAnswer
from ypb.services import Refused, audit, refuse, use_case
from ypb.services.projects import get_or_refuse, raise_refusals

TOKEN_BYTES = 24  # 32 characters in the link: unguessable, and still short enough for a QR code


class AlreadyAnswered(Refused):
    """This phone's session has answered this survey before."""


# --- reading -------------------------------------------------------------------------------


def for_project(project_id: int) -> Survey | None:
    return db.session.scalar(select(Survey).where(Survey.project_id == project_id))


def by_token(token: str) -> Survey | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Survey).where(Survey.token == token))


def new_nonce() -> str:
    """The random value a phone's session keeps; only its HMAC is ever stored."""
    return secrets.token_urlsafe(24)


def has_answered(survey: Survey, nonce: str | None) -> bool:
    if not nonce or survey.key is None:
        return False
    mark = rules.fingerprint(survey.key, survey.id, nonce)
    return db.session.scalar(select(func.count()).select_from(SurveyAnswer).where(
        SurveyAnswer.survey_id == survey.id, SurveyAnswer.fingerprint == mark)) > 0


def results(survey: Survey | None) -> rules.Distribution | None:
    if survey is None:
        return None
    return results_for([survey.project_id]).get(survey.project_id)


def results_for(project_ids) -> dict[int, rules.Distribution]:
    """{project id: distribution} for those of the projects that have a survey."""
    ids = list(project_ids)
    if not ids:
        return {}
    project_of = dict(db.session.execute(select(Survey.id, Survey.project_id).where(Survey.project_id.in_(ids))).all())
    counts: dict[int, dict[int, int]] = {survey_id: {} for survey_id in project_of}
    rows = db.session.execute(
        select(SurveyAnswer.survey_id, SurveyAnswer.rating, func.count())
        .where(SurveyAnswer.survey_id.in_(list(project_of))).group_by(SurveyAnswer.survey_id, SurveyAnswer.rating))
    for survey_id, rating, n in rows:
        counts[survey_id][rating] = n
    return {project_of[survey_id]: rules.distribution(found) for survey_id, found in counts.items()}


def comments(survey: Survey) -> list[str]:
    """The comments, for the secretary, once the answers may be shown at all. Ordered by
    fingerprint, which is random, so their order says nothing about who answered when."""
    if not rules.distribution(_counts(survey.id)).shown:
        return []
    return list(db.session.scalars(
        select(SurveyAnswer.comment).where(SurveyAnswer.survey_id == survey.id, SurveyAnswer.comment != "")
        .order_by(SurveyAnswer.fingerprint)))


def _counts(survey_id: int) -> dict[int, int]:
    return dict(db.session.execute(select(SurveyAnswer.rating, func.count()).where(
        SurveyAnswer.survey_id == survey_id).group_by(SurveyAnswer.rating)).all())


# --- the secretary ---------------------------------------------------------------------------


@use_case
def open_survey(actor, project_id: int, now: datetime | None = None) -> Survey:
    begin_write()
    now = now or utcnow()
    project = get_or_refuse(project_id)
    survey = for_project(project.id)
    raise_refusals(rules.open_refusals(project.status, survey.state if survey else None))
    survey = Survey(project_id=project.id, token=secrets.token_urlsafe(TOKEN_BYTES), key=secrets.token_bytes(32),
                    state=rules.SurveyState.OPEN.value, opened_at=now)
    db.session.add(survey)
    try:
        db.session.flush()
    except IntegrityError:
        # The secretary pressed "open" twice at once: the first one opened it.
        db.session.rollback()
        raise Refused(*rules.open_refusals(project.status, rules.SurveyState.OPEN)) from None
    # The link's token stays out of the audit trail: it is what lets people answer.
    audit.record(actor, "project.survey_open", f"project:{project.id}", {"survey": survey.id})
    db.session.commit()
    return survey


@use_case
def close_survey(actor, project_id: int, now: datetime | None = None) -> Survey:
    begin_write()
    now = now or utcnow()
    project = get_or_refuse(project_id)
    survey = for_project(project.id)
    if survey is None:
        raise Refused(*rules.close_refusals(None))
    raise_refusals(rules.close_refusals(survey.state))
    survey.state, survey.closed_at = rules.SurveyState.CLOSED.value, now
    survey.key = None  # from now on no cookie can be matched to an answer
    distribution = rules.distribution(_counts(survey.id))
    audit.record(actor, "project.survey_close", f"project:{project.id}",
                 {"survey": survey.id, "answers": distribution.total})
    db.session.commit()
    return survey


# --- participants ------------------------------------------------------------------------------


def local_today() -> date:
    """The municipality's date: the only time an answer keeps."""
    return utcnow().astimezone(ZoneInfo(current_app.config["YPB_TIMEZONE"])).date()


@use_case
def answer(survey_id: int, nonce: str | None, rating, comment: str | None, today: date | None = None) -> None:
    """Record one anonymous answer. Raises AlreadyAnswered when this session has answered."""
    begin_write()
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise refuse("surveys.not_found", N_("That survey does not exist."))
    raise_refusals(rules.answer_refusals(survey.state, rating, comment))
    if not nonce or survey.key is None:
        raise refuse("surveys.no_session",
                     N_("Your answer could not be matched to the survey page. Open the survey again and answer "
                        "there."))
    db.session.add(SurveyAnswer(survey_id=survey.id, rating=rating, comment=(comment or "").strip(),
                                answered_on=today or local_today(),
                                fingerprint=rules.fingerprint(survey.key, survey.id, nonce)))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyAnswered(Refusal("surveys.already_answered",
                                      N_("You have already answered this survey."))) from None
    db.session.commit()
