"""Satisfaction surveys on the web.

Participants: /s/<token> shows the question and takes one answer per phone session. The page
puts a random nonce in the signed session cookie; the answer stores only an HMAC of it, so
the same cookie (or a copy of it played back later) can't answer twice, and nothing in the
answer points back at the phone. Answers are rate limited per address (RATELIMIT_SURVEY).

Everyone: /projects/<id>/survey shows the results once there are enough answers. The
secretary opens and closes the survey there, and gets its link and QR code (an SVG from its
own address, and a page to print). The link is never shown to the public: handing it out at
the activity is what keeps the answers to the people who took part.
"""

from __future__ import annotations

import io
from decimal import Decimal

import segno
from flask import abort, current_app, flash, make_response, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ypb.domain.projects import STATUS_LABELS, ProjectStatus
from ypb.domain.surveys import MIN_ANSWERS, RATING_LABELS
from ypb.extensions import db, limiter
from ypb.models import Cycle
from ypb.permissions import can, require
from ypb.services import Refused
from ypb.services import projects as project_service
from ypb.services import surveys as survey_service
from ypb.web.surveys import bp
from ypb.web.surveys.forms import ActionForm, AnswerForm
from ypb.web.util import refusal_text

NONCE = "survey_nonce"  # the session key; one nonce serves every survey (the HMAC includes the survey)
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def _survey_limit() -> str:
    return current_app.config["RATELIMIT_SURVEY"]


def _page(template: str, status: int = 200, **context):
    # Pages of one phone's session: never cached, never indexed (the link is meant for participants).
    response = make_response(render_template(template, **context), status)
    response.headers.update(NO_STORE)
    return response


def _survey_or_404(token: str):
    survey = survey_service.by_token(token)
    if survey is None:
        abort(404)
    return survey


# --- participants ------------------------------------------------------------------------------


@bp.route("/s/<token>", methods=["GET", "POST"])
@require("survey.answer")
@limiter.limit(_survey_limit, methods=["POST"])
def answer(token: str):
    survey = _survey_or_404(token)
    project = survey.project
    context = dict(survey=survey, project=project, title=project.proposal.title)
    if not survey.is_open:
        return _page("surveys/closed.html", 409 if _posted() else 200, **context)
    form = AnswerForm()
    form.set_choices()
    if not _posted():
        if survey_service.has_answered(survey, session.get(NONCE)):
            return _page("surveys/already.html", **context)
        session.setdefault(NONCE, survey_service.new_nonce())
        return _page("surveys/answer.html", form=form, **context)
    if not form.validate_on_submit():
        session.setdefault(NONCE, survey_service.new_nonce())
        return _page("surveys/answer.html", 422, form=form, **context)
    try:
        survey_service.answer(survey.id, session.get(NONCE), form.rating.data, form.comment.data)
    except survey_service.AlreadyAnswered:
        return _page("surveys/already.html", 409, **context)
    except Refused as exc:
        field = getattr(form, exc.field or "", None)
        texts = [refusal_text(r) for r in exc.refusals]
        if field is not None:
            field.errors = [*field.errors, *texts]
            texts = []
        session.setdefault(NONCE, survey_service.new_nonce())
        return _page("surveys/answer.html", 422, form=form, errors=texts, **context)
    return redirect(url_for("surveys.thanks", token=token), 303)


def _posted() -> bool:
    from flask import request

    return request.method == "POST"


@bp.get("/s/<token>/thanks")
@require("survey.answer")
def thanks(token: str):
    survey = _survey_or_404(token)
    return _page("surveys/thanks.html", survey=survey, project=survey.project, title=survey.project.proposal.title)


# --- the project's survey page ---------------------------------------------------------------------


def _project_or_404(project_id: int):
    project = project_service.get(project_id)
    if project is None:
        abort(404)
    return project


def _link(survey) -> str:
    return url_for("surveys.answer", token=survey.token, _external=True)


@bp.get("/projects/<int:project_id>/survey")
@require("site.read")
def results(project_id: int):
    project = _project_or_404(project_id)
    survey = survey_service.for_project(project.id)
    staff = can(current_user, "projects.survey_manage")
    context = dict(project=project, proposal=project.proposal, cycle=db.session.get(Cycle, project.cycle_id),
                   survey=survey, results=survey_service.results(survey), staff=staff, min_answers=MIN_ANSWERS,
                   rating_label=lambda r: _(RATING_LABELS[r]), rating_average=rating_average,
                   status_label=lambda s: _(STATUS_LABELS[ProjectStatus(s)]))
    if staff:
        context.update(action_form=ActionForm(),
                       link=_link(survey) if survey is not None and survey.is_open else None,
                       comments=survey_service.comments(survey) if survey is not None else [])
        response = _page("surveys/results.html", **context)  # the link is in it: keep it out of caches
        return response
    return render_template("surveys/results.html", **context)


def rating_average(tenths: int) -> str:
    from flask_babel import format_decimal

    return format_decimal(Decimal(tenths) / 10, "0.0")


def _act(project_id: int, act, done: str):
    project = _project_or_404(project_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        act(current_user, project.id)
    except Refused as exc:
        for refusal in exc.refusals:
            flash(refusal_text(refusal), "error")
        return redirect(url_for("surveys.results", project_id=project.id), 303)
    flash(done, "success")
    return redirect(url_for("surveys.results", project_id=project.id), 303)


@bp.post("/projects/<int:project_id>/survey/open")
@require("projects.survey_manage")
def open_survey(project_id: int):
    return _act(project_id, survey_service.open_survey,
                _("The survey is open. Hand out its link or QR code at the activity."))


@bp.post("/projects/<int:project_id>/survey/close")
@require("projects.survey_manage")
def close_survey(project_id: int):
    return _act(project_id, survey_service.close_survey, _("The survey is closed. It takes no more answers."))


def _open_survey_or_404(project_id: int):
    survey = survey_service.for_project(_project_or_404(project_id).id)
    if survey is None or not survey.is_open:
        abort(404)
    return survey


@bp.get("/projects/<int:project_id>/survey/qr.svg")
@require("projects.survey_manage")
def qr(project_id: int):
    survey = _open_survey_or_404(project_id)
    out = io.BytesIO()
    # Error correction M survives a crease or a smudge on paper; 4 modules of quiet zone is
    # what scanners need; no fixed size, so the page scales it.
    segno.make(_link(survey), error="m", micro=False).save(
        out, kind="svg", border=4, omitsize=True, xmldecl=False,
        title=_("QR code of the survey about %(title)s", title=survey.project.proposal.title))
    response = make_response(out.getvalue())
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers.update(NO_STORE)
    return response


@bp.get("/projects/<int:project_id>/survey/print")
@require("projects.survey_manage")
def printable(project_id: int):
    survey = _open_survey_or_404(project_id)
    project = survey.project
    return _page("surveys/print.html", survey=survey, project=project, title=project.proposal.title,
                 link=_link(survey))
