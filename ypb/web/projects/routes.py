"""Funded projects: public pages, and the secretary's forms on a project's page.

The projects of a cycle are created the first time its pages are opened after the results
were confirmed (`ensure_for_cycle`), so the results code needs no change. Each form posts to
its own address and calls one service; a refusal shows the page again (422) with the message
on its field, and nothing saved.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ypb.domain import kpis as kpi_rules
from ypb.domain.projects import STATUS_LABELS, TERM_LABELS, TERMS, ProjectStatus
from ypb.domain.surveys import MIN_ANSWERS
from ypb.extensions import db
from ypb.models import Cycle
from ypb.permissions import can, require
from ypb.services import Refused, cycle_report, renewals
from ypb.services import kpis as kpi_service
from ypb.services import projects as project_service
from ypb.web.i18n import format_money
from ypb.web.projects import bp
from ypb.web.projects.forms import CompleteForm, KpiForm, MilestoneForm, StatusForm, TermsForm
from ypb.web.util import attach_or_list

# The project page's forms: anchor → heading, to point at the one that needs fixing.
SECTIONS = {
    "update": _l("Status and progress"),
    "milestones": _l("Milestones"),
    "terms": _l("Terms"),
    "kpis": _l("Results for young people"),
}


def message(refusal) -> str:
    """A refusal in the reader's language; a status named in it is translated too."""
    params = {k: _(v) if k == "status" else v for k, v in refusal.params.items()}
    return _(refusal.message, **params)


def status_label(status: str) -> str:
    return _(STATUS_LABELS[ProjectStatus(status)])


def term_value(name: str, value, currency: str) -> str:
    """A stored term value for people: money, a date, or the text."""
    if value is None or value == "":
        return _("not set")
    if name == "budget_granted":
        return format_money(value, currency)
    if name == "planned_end":
        from flask_babel import format_date

        return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "long")
    return str(value)


def kpi_count(value) -> str:
    from flask_babel import format_number

    return _("not reported yet") if value is None else format_number(value)


def kpi_satisfaction(value, kind: str) -> str:
    """A satisfaction figure for people: "4.2 out of 5" or "80%"."""
    from flask_babel import format_percent

    if value is None:
        return _("not reported yet")
    if kind == kpi_rules.SatisfactionKind.SHARE:
        return format_percent(kpi_rules.as_decimal(value, kind) / 100)
    return _("%(rating)s out of 5", rating=rating_average(value))


def rating_average(tenths: int) -> str:
    from flask_babel import format_decimal

    return format_decimal(kpi_rules.as_decimal(tenths, "average"), "0.0")


def kpi_effect(number, unit: str) -> str:
    from flask_babel import format_decimal

    if number is None:
        return ""
    return _("%(number)s %(unit)s", number=format_decimal(kpi_rules.as_decimal(number, "effect")), unit=unit)


HELPERS = dict(status_label=status_label, term_value=term_value, term_label=lambda n: _(TERM_LABELS[n]),
               terms=TERMS, kpi_count=kpi_count, kpi_satisfaction=kpi_satisfaction, kpi_effect=kpi_effect,
               rating_average=rating_average,
               kpi_label=lambda n: _(kpi_rules.KPI_LABELS[n]), min_answers=MIN_ANSWERS,
               source_survey=kpi_rules.SOURCE_SURVEY, source_entered=kpi_rules.SOURCE_ENTERED)


def _staff() -> bool:
    return can(current_user, "projects.manage")


def renewal_context(project) -> dict:
    """What the renewal section of a project's or its proposal's page shows
    (templates/proposals/_renewal_action.html)."""
    if project is None:
        return {"renewal_options": [], "public_renewals": []}
    return {"renewal_project": project, "renewal_options": renewals.options(project, current_user),
            "public_renewals": renewals.public_renewals(project.id)}


# --- the public pages ----------------------------------------------------------------------


@bp.get("/cycles/<int:cycle_id>/projects")
@require("site.read")
def for_cycle(cycle_id: int):
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None or not can(current_user, "cycle.read", cycle):
        abort(404)
    found = project_service.ensure_for_cycle(cycle)
    cycle = db.session.get(Cycle, cycle_id)
    return render_template("projects/index.html", cycle=cycle, projects=found, **HELPERS)


@bp.get("/projects/<int:project_id>")
@require("site.read")
def show(project_id: int):
    return _render_show(_project_or_404(project_id))


def _project_or_404(project_id: int):
    project = project_service.get(project_id)
    if project is None:
        abort(404)
    return project


def timeline(project) -> list[tuple[date, str, str | None]]:
    """(day, what happened or is planned, an anchor on the page), earliest first."""
    cycle = db.session.get(Cycle, project.cycle_id)
    events: list[tuple[date, str, str | None]] = []
    funded_at = cycle.results_ratified_at or project.created_at
    events.append((_day(funded_at), _("Funded: the results of the vote were confirmed."), None))
    for m in project.milestones:
        if m.done and m.done_at:
            events.append((_day(m.done_at), _("Done: %(title)s", title=m.title), f"milestone-{m.id}"))
        else:
            events.append((m.day, _("Planned: %(title)s", title=m.title), f"milestone-{m.id}"))
    for c in project.changes:
        what = _("The terms changed (material change).") if c.material else _("The terms changed.")
        events.append((_day(c.changed_at), what, f"change-{c.id}"))
    if project.status_changed_at:
        events.append((_day(project.status_changed_at),
                       _("Status set to “%(status)s”.", status=status_label(project.status)), None))
    if project.planned_end and project.status not in (ProjectStatus.DELIVERED, ProjectStatus.CANCELLED):
        events.append((project.planned_end, _("Planned end."), None))
    return sorted(events, key=lambda e: e[0])


def _day(value: datetime) -> date:
    from flask_babel import to_user_timezone

    return to_user_timezone(value).date()


def _render_show(project, status: int = 200, *, failed: str | None = None, errors=(), posted=None):
    """The project page; `posted` holds the form just posted (by its key), which keeps what was
    typed and its errors, while the other forms are shown fresh."""
    posted = posted or {}
    cycle = db.session.get(Cycle, project.cycle_id)
    staff = _staff() and project.status_enum not in (ProjectStatus.DELIVERED, ProjectStatus.CANCELLED)
    kpis = kpi_service.report(project)
    context = dict(project=project, proposal=project.proposal, cycle=cycle, timeline=timeline(project),
                   staff=staff, errors=list(errors), failed=(failed, SECTIONS[failed]) if failed else None,
                   kpis=kpis, **HELPERS, **renewal_context(project),
                   yearly=renewals.yearly(project.proposal, project.budget_granted)
                   if project.proposal.funding_years > 1 else None)
    # KPIs are reported after the end too (that is when the actual figures are known).
    if can(current_user, "projects.kpis_manage"):
        kpi_form = posted.get("kpis")
        if kpi_form is None:
            kpi_form = KpiForm(formdata=None, prefix="kpis")
            kpi_form.fill(kpis.kpis)
        kpi_form.set_choices()
        context.update(kpi_form=kpi_form, targets_fixed=project.status_enum in (ProjectStatus.DELIVERED,
                                                                                ProjectStatus.CANCELLED))
    if staff:
        update = posted.get("update")
        if update is None:
            update = StatusForm(formdata=None, prefix="update", data={
                "status": project.status, "progress": project.progress, "budget_spent": project.budget_spent})
        update.set_choices()
        terms = posted.get("terms")
        if terms is None:
            terms = TermsForm(formdata=None, prefix="terms")
            terms.fill(project)
        terms.set_choices(project_service.decisions())
        context.update(
            update_form=update,
            milestone_form=posted.get("milestone") or MilestoneForm(formdata=None, prefix="milestone"),
            complete_forms={m.id: posted.get(f"done-{m.id}") or CompleteForm(formdata=None, prefix=f"done-{m.id}")
                            for m in project.milestones if not m.done},
            terms_form=terms,
        )
    return render_template("projects/show.html", **context), status


# --- the secretary's forms -----------------------------------------------------------------------


def _attach(form, exc: Refused) -> list[str]:
    return attach_or_list(form, exc, message)


def _done(text: str, project_id: int, anchor: str):
    flash(text, "success")
    return redirect(url_for("projects.show", project_id=project_id, _anchor=anchor), 303)


@bp.post("/projects/<int:project_id>/status")
@require("projects.manage")
def update_status(project_id: int):
    project = _project_or_404(project_id)
    form = StatusForm(prefix="update")
    form.set_choices()
    if not form.validate_on_submit():
        return _render_show(project, 422, failed="update", posted={"update": form})
    try:
        project_service.update_status(current_user, project.id, form.status.data, form.progress.data,
                                      form.budget_spent.data)
    except Refused as exc:
        return _render_show(project, 422, failed="update", errors=_attach(form, exc), posted={"update": form})
    return _done(_("The project's status is saved: %(status)s, %(progress)s%% done.",
                   status=status_label(project.status), progress=project.progress), project.id, "update")


@bp.post("/projects/<int:project_id>/milestones")
@require("projects.manage")
def add_milestone(project_id: int):
    project = _project_or_404(project_id)
    form = MilestoneForm(prefix="milestone")
    if not form.validate_on_submit():
        return _render_show(project, 422, failed="milestones", posted={"milestone": form})
    try:
        milestone = project_service.add_milestone(current_user, project.id, form.title.data, form.day.data)
    except Refused as exc:
        return _render_show(project, 422, failed="milestones", errors=_attach(form, exc),
                            posted={"milestone": form})
    return _done(_("The milestone “%(title)s” is added.", title=milestone.title), project.id,
                 f"milestone-{milestone.id}")


@bp.post("/projects/<int:project_id>/milestones/<int:milestone_id>/done")
@require("projects.manage")
def complete_milestone(project_id: int, milestone_id: int):
    project = _project_or_404(project_id)
    if not any(m.id == milestone_id for m in project.milestones):
        abort(404)
    key = f"done-{milestone_id}"
    form = CompleteForm(prefix=key)
    if not form.validate_on_submit():
        return _render_show(project, 422, failed="milestones", posted={key: form})
    try:
        milestone = project_service.complete_milestone(current_user, project.id, milestone_id,
                                                       form.evidence.data or "")
    except Refused as exc:
        return _render_show(project, 422, failed="milestones", errors=_attach(form, exc), posted={key: form})
    return _done(_("The milestone “%(title)s” is marked done.", title=milestone.title), project.id,
                 f"milestone-{milestone.id}")


@bp.post("/projects/<int:project_id>/terms")
@require("projects.manage")
def change_terms(project_id: int):
    project = _project_or_404(project_id)
    form = TermsForm(prefix="terms")
    form.set_choices(project_service.decisions())
    if not form.validate_on_submit():
        return _render_show(project, 422, failed="terms", posted={"terms": form})
    try:
        change = project_service.change_terms(current_user, project.id, form.changes(), form.reason.data or "",
                                              form.material.data, form.decision_id.data)
    except Refused as exc:
        return _render_show(project, 422, failed="terms", errors=_attach(form, exc), posted={"terms": form})
    return _done(_("The change of terms is recorded with its reason."), project.id, f"change-{change.id}")


@bp.post("/projects/<int:project_id>/kpis")
@require("projects.kpis_manage")
def update_kpis(project_id: int):
    project = _project_or_404(project_id)
    form = KpiForm(prefix="kpis")
    form.set_choices()
    values = form.values(message) if form.validate_on_submit() else None
    if values is None:
        return _render_show(project, 422, failed="kpis", posted={"kpis": form})
    try:
        kpi_service.update(current_user, project.id, values)
    except Refused as exc:
        return _render_show(project, 422, failed="kpis", errors=_attach(form, exc), posted={"kpis": form})
    return _done(_("The KPIs are saved."), project.id, "kpis")


# --- the cycle's report ------------------------------------------------------------------------


def _readable_cycle(cycle_id: int) -> Cycle:
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None or not can(current_user, "cycle.read", cycle):
        abort(404)
    project_service.ensure_for_cycle(cycle)
    return db.session.get(Cycle, cycle_id)


@bp.get("/cycles/<int:cycle_id>/report")
@require("site.read")
def cycle_report_page(cycle_id: int):
    cycle = _readable_cycle(cycle_id)
    return render_template("projects/report.html", cycle=cycle, report=cycle_report.build(cycle),
                           statuses=list(ProjectStatus), **HELPERS)


@bp.get("/cycles/<int:cycle_id>/report.csv")
@require("site.read")
def cycle_report_csv(cycle_id: int):
    cycle = _readable_cycle(cycle_id)
    response = make_response(cycle_report.csv_text(cycle_report.build(cycle)))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="ypb-cycle-{cycle.id}-report.csv"'
    return response
