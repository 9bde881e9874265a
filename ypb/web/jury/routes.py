"""The jury of a competition cycle: staff keep the published criteria, council members score
each approved proposal on them (1 to 5) until voting closes. A juror sees only their own
scores; the public sees each project's jury mean with the results."""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ypb.domain.competition import MAX_CRITERIA, MAX_SCORE, MIN_SCORE
from ypb.domain.cycle import Phase, ballot_settings_locked
from ypb.domain.explain import RULE_NAMES
from ypb.permissions import require
from ypb.services import Refused, competition, cycles
from ypb.web.cycles import routes as cycle_routes
from ypb.web.jury import bp
from ypb.web.jury.forms import CriterionForm, RemoveCriterionForm, ScoreForm
from ypb.web.util import flash_refused, refusal_text

# Refusals the juror can put right on the same form; the others (phase, proposal) cannot.
FORM_REFUSALS = {"jury.score_range", "jury.score_missing", "jury.unknown_criterion"}
WHOLE = re.compile(r"\s*-?\d{1,6}\s*")


def load_cycle(cycle_id: int, **_):
    return cycle_routes.load_cycle(cycle_id)  # also moves the cycle on when a planned end has passed


def load_open_cycle(cycle_id: int, **_):
    # A cycle being drafted is not public yet: the jury page must not reveal that it exists.
    cycle = load_cycle(cycle_id)
    return None if cycle is None or cycle.phase == Phase.DRAFT.value else cycle


def _attach(form, exc: Refused) -> None:
    """Each refusal next to the field it names; the rest above the form."""
    for refusal in exc.refusals:
        field = getattr(form, refusal.params.get("field") or "", None)
        if field is None:
            form.form_errors.append(refusal_text(refusal))
        else:
            field.errors = list(field.errors) + [refusal_text(refusal)]


# --- criteria (staff) ----------------------------------------------------------------------


def _criteria_page(cycle, form, status: int = 200):
    return render_template(
        "jury/criteria.html", cycle=cycle, form=form, criteria=competition.criteria_of(cycle),
        locked=ballot_settings_locked(cycle.phase_enum), max_criteria=MAX_CRITERIA,
        rule_name=_(RULE_NAMES[cycle.tally_rule]), is_competition=competition.is_competition(cycle),
        progress=competition.progress(cycle), projects=competition.projects_to_score(cycle),
        remove_form=RemoveCriterionForm(),
    ), status


@bp.route("/cycles/<int:cycle_id>/jury/criteria", methods=["GET", "POST"])
@require("jury.manage", load_cycle)
def criteria(cycle_id: int):
    cycle = cycles.get(cycle_id)
    form = CriterionForm()
    if form.validate_on_submit():
        try:
            competition.add_criterion(current_user, cycle.id, form.title.data, form.description.data or "")
        except Refused as exc:
            _attach(form, exc)
        else:
            flash(_("The criterion is added. Everyone can read it on the budget's page."), "success")
            return redirect(url_for("jury.criteria", cycle_id=cycle.id), 303)
        cycle = cycles.get(cycle_id)
    return _criteria_page(cycle, form, 422 if form.is_submitted() else 200)


def _missing_criterion(cycle_id: int):
    # The service's words, so the translation is shared.
    flash(_("This criterion no longer exists. Nothing was changed."), "error")
    return redirect(url_for("jury.criteria", cycle_id=cycle_id), 303)


@bp.route("/cycles/<int:cycle_id>/jury/criteria/<int:criterion_id>", methods=["GET", "POST"])
@require("jury.manage", load_cycle)
def edit_criterion(cycle_id: int, criterion_id: int):
    cycle = cycles.get(cycle_id)
    criterion = next((c for c in competition.criteria_of(cycle) if c.id == criterion_id), None)
    if criterion is None:
        return _missing_criterion(cycle.id)
    form = CriterionForm() if request.method == "POST" else CriterionForm(obj=criterion)
    if form.validate_on_submit():
        try:
            competition.edit_criterion(current_user, cycle.id, criterion.id, form.title.data,
                                       form.description.data or "")
        except Refused as exc:
            _attach(form, exc)
        else:
            flash(_("The criterion is saved."), "success")
            return redirect(url_for("jury.criteria", cycle_id=cycle.id), 303)
    locked = ballot_settings_locked(cycle.phase_enum)
    return render_template("jury/edit_criterion.html", cycle=cycle, criterion=criterion, form=form,
                           locked=locked), 422 if form.is_submitted() else 200


@bp.post("/cycles/<int:cycle_id>/jury/criteria/<int:criterion_id>/remove")
@require("jury.manage", load_cycle)
def remove_criterion(cycle_id: int, criterion_id: int):
    if not RemoveCriterionForm().validate_on_submit():
        flash(_("Nothing was removed: the page had expired. Try again."), "error")
    else:
        try:
            removed = competition.remove_criterion(current_user, cycle_id, criterion_id)
        except Refused as exc:
            flash_refused(exc)
        else:
            message = _("The criterion is removed.")
            if removed:
                message += " " + ngettext("The %(num)s score given on it was removed too.",
                                          "The %(num)s scores given on it were removed too.", removed)
            flash(message, "success")
    return redirect(url_for("jury.criteria", cycle_id=cycle_id), 303)


# --- scoring (council members) -------------------------------------------------------------


def _scoring_page(cycle, errors: dict | None = None, typed: dict | None = None, status: int = 200):
    mine = competition.scores_of(current_user.id, cycle)
    if typed:
        mine = {**mine, **typed}  # what the juror just sent back, so nothing they chose is lost
    return render_template(
        "jury/scoring.html", cycle=cycle, criteria=competition.criteria_of(cycle),
        projects=competition.projects_to_score(cycle), mine=mine, errors=errors or {},
        refusals=[refusal_text(r) for r in competition.scoring_refusals(cycle)],
        is_competition=competition.is_competition(cycle), scale=range(MIN_SCORE, MAX_SCORE + 1),
        form=ScoreForm(), min_score=MIN_SCORE, max_score=MAX_SCORE,
    ), status


@bp.get("/cycles/<int:cycle_id>/jury")
@require("jury.score", load_open_cycle)
def scoring(cycle_id: int):
    return _scoring_page(cycles.get(cycle_id))


def _typed_scores() -> dict[int, object]:
    """score_<criterion id> fields as {criterion id: the number, or the text when it is none}."""
    found: dict[int, object] = {}
    for key, value in request.form.items():
        if key.startswith("score_") and key[6:].isdigit():
            found[int(key[6:])] = int(value) if WHOLE.fullmatch(value) else value
    return found


@bp.post("/cycles/<int:cycle_id>/jury/<int:proposal_id>")
@require("jury.score", load_open_cycle)
def score(cycle_id: int, proposal_id: int):
    cycle = cycles.get(cycle_id)
    back = url_for("jury.scoring", cycle_id=cycle.id, _anchor=f"proposal-{proposal_id}")
    if not ScoreForm().validate_on_submit():
        flash(_("Your scores were not saved: the page had expired. Score again."), "error")
        return redirect(back, 303)
    values = _typed_scores()
    try:
        competition.save_scores(current_user, cycle.id, proposal_id, values)
    except Refused as exc:
        if all(r.code in FORM_REFUSALS for r in exc.refusals):
            typed = {proposal_id: {k: v for k, v in values.items() if isinstance(v, int)}}
            return _scoring_page(cycles.get(cycle_id), {proposal_id: [refusal_text(r) for r in exc.refusals]},
                                 typed, 422)
        flash_refused(exc)
    else:
        flash(_("Your scores are saved. You can change them until voting closes."), "success")
    return redirect(back, 303)
