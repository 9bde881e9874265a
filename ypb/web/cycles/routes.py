from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from ypb.domain.cycle import PHASE_LABELS, Phase
from ypb.domain.richtext import render_markdown
from ypb.models.base import utcnow
from ypb.permissions import can, require
from ypb.services import Refused, cycles
from ypb.web.cycles import bp
from ypb.web.cycles.forms import DATE_FIELDS, AdvanceForm, CycleForm
from ypb.web.util import attach_refused, flash_refused, refusal_text

# What moving on to each phase does, in one sentence for the secretary's button.
MOVE_EXPLAINED = {
    Phase.PROPOSALS: _l("The budget opens to everyone: young people can send proposals."),
    Phase.FEEDBACK: _l("Proposals close. Everyone can comment, and authors can still improve "
                       "their proposals."),
    Phase.REVIEW: _l("Feedback closes. The council decides which proposals go on the ballot."),
    Phase.VOTING: _l("Voting opens for everyone who may take part."),
    Phase.RESULTS: _l("Voting closes and the results are counted."),
    Phase.IMPLEMENTATION: _l("The results are final: work on the funded projects starts."),
    Phase.CLOSED: _l("The budget round ends. Everything stays public."),
}


def load_cycle(cycle_id: int, **_):
    cycles.catch_up(cycle_id)  # planned ends that passed move the cycle on, on request
    return cycles.get(cycle_id)


def phase_label(phase) -> str:
    return _(PHASE_LABELS[Phase(phase)])


@bp.app_template_global("phase_label")
def _phase_label_global(phase) -> str:
    return phase_label(phase)


@bp.get("/")
@require("site.read")
def index():
    listed = cycles.public_cycles()
    # Running cycles first, closed ones after; newest first within each.
    listed.sort(key=lambda c: c.phase == Phase.CLOSED.value)
    drafts = cycles.drafts() if can(current_user, "cycle.manage") else []
    return render_template("cycles/index.html", cycles=listed, drafts=drafts,
                           current=current_steps(listed + drafts))


def current_steps(listed) -> dict:
    """Each cycle's current timeline step (its real start and planned end), by cycle id."""
    now = utcnow()
    return {c.id: next((s for s in cycles.timeline(c, now) if s.status == "current"), None) for c in listed}


def _take_part(cycle) -> list[str]:
    """Why the visitor may not take part, in their language (empty: they may)."""
    if not current_user.is_authenticated:
        return []
    return [refusal_text(r) for r in cycles.eligibility(cycle, current_user)]


@bp.get("/<int:cycle_id>")
@require("cycle.read", load_cycle, hide=True)
def show(cycle_id: int):
    cycle = cycles.get(cycle_id)
    now = utcnow()
    steps = cycles.timeline(cycle, now)
    current = next((s for s in steps if s.status == "current"), None)
    upcoming = next((s for s in steps if s.status == "upcoming"), None)
    step = cycles.next_step(cycle, now) if can(current_user, "cycle.manage") else None
    links = {
        "propose": url_for("proposals.new", cycle_id=cycle.id),
        "proposals": url_for("proposals.index", cycle_id=cycle.id),
        "review": url_for("review.cycle_review", cycle_id=cycle.id),
    }
    return render_template(
        "cycles/show.html", cycle=cycle, steps=steps, current=current, upcoming=upcoming,
        description=Markup(render_markdown(cycle.description or "")),  # noqa: S704  # nosec B704  # render_markdown sanitises with nh3
        not_eligible=_take_part(cycle), links=links, next_step=step,
        next_refusals=[refusal_text(r) for r in step.refusals] if step else [],
        move_explained=MOVE_EXPLAINED, advance_form=AdvanceForm(),
    )


def _contacts(cycle=None):
    people = cycles.contacts()
    # Keep a contact who has since lost the role selectable, or the form could not be saved.
    if cycle is not None and cycle.contact is not None and cycle.contact not in people:
        people.append(cycle.contact)
    return people


def _attach(form: CycleForm, exc: Refused) -> None:
    """Put a refusal next to the field it is about; schedule problems on the date they name."""
    if exc.field != "schedule":
        if not attach_refused(form, exc):
            form.form_errors.extend(refusal_text(r) for r in exc.refusals)
        return
    for refusal in exc.refusals:
        if refusal.code == "schedule.feedback_days":
            name = "feedback_days"
        elif refusal.code == "schedule.feedback_too_short":
            name = "feedback_end"
        elif "phase" in refusal.params and f"{refusal.params['phase']}_end" in DATE_FIELDS:
            name = f"{refusal.params['phase']}_end"
        else:
            name = DATE_FIELDS[0]
        field = getattr(form, name)
        field.errors = list(field.errors) + [refusal_text(refusal)]


@bp.route("/new", methods=["GET", "POST"])
@require("cycle.manage")
def new():
    form = CycleForm(contacts=_contacts())
    if not form.is_submitted():
        form.contact_id.data = current_user.id
    if form.validate_on_submit():
        try:
            cycle = cycles.create(current_user, form.to_input())
        except Refused as exc:
            _attach(form, exc)
        else:
            flash(_("The budget cycle is saved as a draft. Only staff can see it until you open it."),
                  "success")
            return redirect(url_for("cycles.show", cycle_id=cycle.id), 303)
    status = 422 if form.errors else 200
    return render_template("cycles/form.html", form=form, cycle=None), status


@bp.route("/<int:cycle_id>/edit", methods=["GET", "POST"])
@require("cycle.manage", load_cycle)
def edit(cycle_id: int):
    cycle = cycles.get(cycle_id)
    form = CycleForm(contacts=_contacts(cycle))
    if not form.is_submitted():
        form.fill_from(cycle)
    if form.validate_on_submit():
        try:
            cycles.update(current_user, cycle.id, form.to_input(previous=cycle))
        except Refused as exc:
            _attach(form, exc)
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for("cycles.show", cycle_id=cycle.id), 303)
    status = 422 if form.errors else 200
    return render_template("cycles/form.html", form=form, cycle=cycle), status


@bp.post("/<int:cycle_id>/advance")
@require("cycle.manage", load_cycle)
def advance(cycle_id: int):
    form = AdvanceForm()
    back = redirect(url_for("cycles.show", cycle_id=cycle_id), 303)
    if not form.validate_on_submit() or form.phase.data not in {p.value for p in Phase}:
        flash(_("Choose the next phase with the button on this page."), "error")
        return back
    try:
        cycle = cycles.advance(current_user, cycle_id, Phase(form.phase.data))
    except Refused as exc:
        flash_refused(exc)
    else:
        flash(_("The budget cycle is now in the %(phase)s phase.", phase=phase_label(cycle.phase)), "success")
    return back
