from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ypb.domain import cycle as phase_rules
from ypb.domain.ballot import MONEY_PARAMS
from ypb.extensions import limiter
from ypb.permissions import can, require
from ypb.services import Refused, cycles, paper
from ypb.services import census as census_service
from ypb.services.paper import BallotProblem
from ypb.services.voting import budgets_of
from ypb.web.cycles.routes import load_cycle
from ypb.web.i18n import format_money
from ypb.web.paper import bp
from ypb.web.paper.forms import BatchForm, ClaimForm, DeleteForm, RequiredForm, UploadForm
from ypb.web.util import attach_refused, refusal_text


def load_visible_cycle(cycle_id: int, **_):
    """The cycle, unless the visitor may not see it (a draft): then it does not exist."""
    cycle = load_cycle(cycle_id)
    return cycle if cycle is not None and can(current_user, "cycle.read", cycle) else None


def _claim_limit() -> str:
    return current_app.config.get("RATELIMIT_CENSUS_CLAIM", "10 per minute;30 per day")


def _per_account() -> str:
    # Schools share one public address; count tries per account, so one pupil's typos
    # do not lock out the class, and many wrong numbers can't be tried from one account.
    return f"census:user:{current_user.id}" if current_user.is_authenticated else (request.remote_addr or "?")


def problem_text(refusal, currency: str) -> str:
    """A refusal in the reader's language; "Ballot n: …" with its inner reason, money as money."""
    problem = refusal.params.get("problem")
    if not isinstance(problem, BallotProblem):
        return refusal_text(refusal)
    inner = problem.refusal
    params = {k: format_money(v, currency) if k in MONEY_PARAMS else v for k, v in inner.params.items()}
    return _(refusal.message, n=refusal.params["n"], problem=_(inner.message, **params))


def _attach(form, exc: Refused, currency: str) -> list[str]:
    """Refusals onto their field; those about no field are returned for the top of the form."""
    texts = [problem_text(r, currency) for r in exc.refusals]
    field = getattr(form, exc.field, None) if exc.field else None
    if field is None:
        return texts
    field.errors = list(field.errors) + texts
    return []


# --- paper ballots ----------------------------------------------------------------------

@bp.get("/cycles/<int:cycle_id>/paper")
@require("paper.manage", load_cycle)
def index(cycle_id: int):
    cycle = cycles.get(cycle_id)
    rows = paper.batches(cycle.id)
    closed = paper.entry_refusal(cycle)
    return render_template("paper/index.html", cycle=cycle, rows=rows, total=sum(r.count for r in rows),
                           closed=refusal_text(closed) if closed else None,
                           several_budgets=len(budgets_of(cycle)) > 1)


def _render_batch(cycle, form, batch=None, errors=(), status=200):
    legends = paper.legends(cycle) if cycle.ballot_type else []
    return render_template(
        "paper/batch.html", cycle=cycle, form=form, batch=batch, errors=list(errors), legends=legends,
        points=paper.uses_points(cycle), closed=paper.entry_refusal(cycle), rows=paper.batches(cycle.id),
        delete_form=DeleteForm(formdata=None),
    ), status


def _saved_message(batch_number: int, count: int, corrected: bool) -> str:
    if corrected:
        return ngettext("Batch %(number)s is corrected: %(num)s ballot.",
                        "Batch %(number)s is corrected: %(num)s ballots.", count, number=batch_number)
    return ngettext("Batch %(number)s is saved: %(num)s ballot.",
                    "Batch %(number)s is saved: %(num)s ballots.", count, number=batch_number)


@bp.route("/cycles/<int:cycle_id>/paper/new", methods=["GET", "POST"])
@require("paper.manage", load_cycle)
def new(cycle_id: int):
    cycle = cycles.get(cycle_id)
    form = BatchForm(budgets=budgets_of(cycle))
    if not form.is_submitted():
        form.number.data = paper.next_number(cycle.id)
    errors = []
    if form.validate_on_submit():
        try:
            batch = paper.save_batch_text(current_user, cycle.id, form.number.data, form.label.data,
                                          form.budget_id.data or None, form.ballots.data, new=True)
        except Refused as exc:
            errors = _attach(form, exc, cycle.currency)
        else:
            flash(_saved_message(batch.number, len(batch.ballots), corrected=False), "success")
            # Straight on to the next bundle: typing in a stack of batches is the usual job.
            return redirect(url_for("paper.new", cycle_id=cycle.id), 303)
    return _render_batch(cycle, form, errors=errors, status=422 if form.errors or errors else 200)


@bp.route("/cycles/<int:cycle_id>/paper/<int:number>", methods=["GET", "POST"])
@require("paper.manage", load_cycle)
def edit(cycle_id: int, number: int):
    cycle = cycles.get(cycle_id)
    batch = paper.get_batch(cycle.id, number)
    if batch is None:
        abort(404)
    form = BatchForm(budgets=budgets_of(cycle))
    del form.number  # the number is the batch's name (its address): it does not change
    if not form.is_submitted():
        form.label.data = batch.label
        form.budget_id.data = batch.budget_id
        form.ballots.data = paper.batch_text(cycle, batch)
    errors = []
    if form.validate_on_submit():
        try:
            saved = paper.save_batch_text(current_user, cycle.id, number, form.label.data,
                                          form.budget_id.data or batch.budget_id, form.ballots.data)
        except Refused as exc:
            errors = _attach(form, exc, cycle.currency)
        else:
            flash(_saved_message(saved.number, len(saved.ballots), corrected=True), "success")
            return redirect(url_for("paper.index", cycle_id=cycle.id), 303)
    return _render_batch(cycle, form, batch=batch, errors=errors, status=422 if form.errors or errors else 200)


@bp.post("/cycles/<int:cycle_id>/paper/<int:number>/delete")
@require("paper.manage", load_cycle)
def delete(cycle_id: int, number: int):
    if paper.get_batch(cycle_id, number) is None:
        abort(404)
    if DeleteForm().validate_on_submit():
        try:
            paper.delete_batch(current_user, cycle_id, number)
        except Refused as exc:
            for refusal in exc.refusals:
                flash(refusal_text(refusal), "error")
            return redirect(url_for("paper.edit", cycle_id=cycle_id, number=number), 303)
        flash(_("Batch %(number)s is deleted. Its ballots no longer count.", number=number), "success")
    return redirect(url_for("paper.index", cycle_id=cycle_id), 303)


# --- census list ------------------------------------------------------------------------

def _uploaded_text(form: UploadForm) -> str:
    if form.file.data:
        raw = form.file.data.read()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Older spreadsheets save in the Windows code page; identifiers are mostly ASCII.
            return raw.decode("cp1252", errors="replace")
    return form.csv_text.data or ""


def _render_census(cycle, upload_form, required_form, errors=(), status=200):
    return render_template(
        "paper/census.html", cycle=cycle, upload_form=upload_form, required_form=required_form,
        counts=census_service.counts(cycle.id), errors=list(errors),
        required_locked=phase_rules.ballot_settings_locked(cycle.phase_enum) and not required_form.errors,
        voting_over=phase_rules.results_exist(cycle.phase_enum),
        claim_url=url_for("paper.census_claim", cycle_id=cycle.id, _external=True),
    ), status


@bp.route("/cycles/<int:cycle_id>/census", methods=["GET", "POST"], endpoint="census")
@require("census.manage", load_cycle)
def census_page(cycle_id: int):
    cycle = cycles.get(cycle_id)
    switching = request.method == "POST" and "save_required" in request.form
    upload_form = UploadForm(formdata=None) if switching else UploadForm()
    required_form = RequiredForm() if switching else RequiredForm(formdata=None)
    if not switching:
        required_form.required.data = cycle.census_required
    errors = []
    if switching and required_form.validate_on_submit():
        try:
            census_service.set_required(current_user, cycle.id, required_form.required.data)
        except Refused as exc:
            if not attach_refused(required_form, exc):
                errors = [refusal_text(r) for r in exc.refusals]
        else:
            flash(_("Only people on the list can vote now.") if required_form.required.data
                  else _("Everyone who may take part can vote, list or not."), "success")
            return redirect(url_for("paper.census", cycle_id=cycle.id), 303)
    elif not switching and upload_form.validate_on_submit():
        try:
            result = census_service.upload(current_user, cycle.id, _uploaded_text(upload_form),
                                           skip_header=upload_form.skip_header.data)
        except Refused as exc:
            if not attach_refused(upload_form, exc):
                errors = [refusal_text(r) for r in exc.refusals]
        else:
            flash(ngettext("%(num)s number is added to the list.", "%(num)s numbers are added to the list.",
                           result.added)
                  + (" " + ngettext("%(num)s was on it already.", "%(num)s were on it already.", result.already)
                     if result.already else ""), "success")
            return redirect(url_for("paper.census", cycle_id=cycle.id), 303)
    failed = bool(upload_form.errors or required_form.errors or errors)
    return _render_census(cycle, upload_form, required_form, errors, status=422 if failed else 200)


@bp.route("/cycles/<int:cycle_id>/census/claim", methods=["GET", "POST"], endpoint="census_claim")
@require("census.claim", load_visible_cycle)
@limiter.limit(_claim_limit, key_func=_per_account, methods=["POST"])
def census_claim(cycle_id: int):
    cycle = cycles.get(cycle_id)
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            census_service.claim(current_user, cycle.id, form.identifier.data)
        except Refused as exc:
            if not attach_refused(form, exc):
                form.form_errors.extend(refusal_text(r) for r in exc.refusals)
        else:
            flash(_("You are on the list for %(title)s.", title=cycle.title), "success")
            return redirect(url_for("cycles.show", cycle_id=cycle.id), 303)
    listed = census_service.is_listed(cycle.id, current_user.id)
    return render_template("paper/claim.html", cycle=cycle, form=form, listed=listed), 422 if form.errors else 200
