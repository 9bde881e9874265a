"""The public calendar and the secretary's event forms.

A refused form is shown again (422) with each message on its field and nothing saved.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ypb.domain.calendar import FILTERS, by_month
from ypb.permissions import can, require
from ypb.services import Refused
from ypb.services import calendar as calendar_service
from ypb.web.calendar import bp
from ypb.web.calendar.forms import CancelForm, EventForm
from ypb.web.calendar.present import HELPERS, summary, url
from ypb.web.util import attach_or_list, flash_refused

FIRST_YEAR, LAST_YEAR = 1970, 2200  # an archive year outside these is a mistyped address


def _kind() -> str | None:
    # An unknown filter shows everything rather than an empty calendar.
    kind = request.args.get("kind")
    return kind if kind in FILTERS else None


@bp.get("/calendar")
@require("site.read")
def index():
    kind = _kind()
    kinds = [kind] if kind else None
    year = request.args.get("year", type=int)
    context = dict(kind=kind, filters=FILTERS, year=year, by_month=by_month,
                   staff=can(current_user, "calendar.manage"), **HELPERS)
    if year is not None:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            abort(404)
        return render_template("calendar/index.html", entries=calendar_service.of_year(year, kinds),
                               overview=calendar_service.overview(kinds), **context)
    return render_template("calendar/index.html", overview=calendar_service.overview(kinds), **context)


@bp.get("/calendar.ics")
@require("site.read")
def feed():
    kind = _kind()
    body = calendar_service.ical(name=_("Youth budget calendar"), kinds=[kind] if kind else None,
                                 url_of=lambda entry: url(entry, external=True), summary_of=summary)
    return Response(body, content_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": 'inline; filename="calendar.ics"'})


def load_event(event_id: int, **_):
    return calendar_service.get(event_id)


@bp.get("/calendar/events/<int:event_id>")
@require("site.read", load_event)
def show(event_id: int):
    return _render_show(calendar_service.get(event_id))


def _render_show(event, cancel_form: CancelForm | None = None, status: int = 200):
    staff = can(current_user, "calendar.manage")
    if staff and cancel_form is None and not event.cancelled:
        cancel_form = CancelForm(formdata=None)
    cycle = event.cycle if event.cycle is not None and event.cycle.phase != "draft" else None
    return render_template("calendar/show.html", event=event, entry=calendar_service.entry_of(event),
                           cycle=cycle, staff=staff, cancel_form=cancel_form, **HELPERS), status


def _event_or_404(event_id: int):
    event = calendar_service.get(event_id)
    if event is None:
        abort(404)
    return event


def _render_form(form: EventForm, event=None, errors=()):
    status = 422 if form.errors or errors else 200
    return render_template("calendar/form.html", form=form, event=event, errors=list(errors)), status


@bp.route("/calendar/events/new", methods=["GET", "POST"])
@require("calendar.manage")
def new():
    form = EventForm()
    form.set_cycles(calendar_service.linkable_cycles())
    errors = []
    if form.validate_on_submit():
        try:
            event = calendar_service.create(current_user, form.to_input())
        except Refused as exc:
            errors = attach_or_list(form, exc)
        else:
            flash(_("The event is on the calendar."), "success")
            return redirect(url_for("calendar.show", event_id=event.id), 303)
    return _render_form(form, errors=errors)


@bp.route("/calendar/events/<int:event_id>/edit", methods=["GET", "POST"])
@require("calendar.manage")
def edit(event_id: int):
    event = _event_or_404(event_id)
    if event.cancelled:
        flash(_("This event was cancelled, so it can't be changed."), "error")
        return redirect(url_for("calendar.show", event_id=event.id), 303)
    form = EventForm()
    form.set_cycles(calendar_service.linkable_cycles())
    if not form.is_submitted():
        form.fill_from(event, calendar_service.entry_of(event))
    errors = []
    if form.validate_on_submit():
        try:
            calendar_service.update(current_user, event.id, form.to_input())
        except Refused as exc:
            errors = attach_or_list(form, exc)
        else:
            flash(_("Your changes are saved. Subscribed calendars pick them up at their next update."), "success")
            return redirect(url_for("calendar.show", event_id=event.id), 303)
    return _render_form(form, event, errors)


@bp.post("/calendar/events/<int:event_id>/cancel")
@require("calendar.manage")
def cancel(event_id: int):
    event = _event_or_404(event_id)
    form = CancelForm()
    if not form.validate_on_submit():
        return _render_show(event, form, 422)
    try:
        calendar_service.cancel(current_user, event.id)
    except Refused as exc:
        flash_refused(exc)
    else:
        flash(_("The event is cancelled. It stays on the calendar, marked as cancelled."), "success")
    return redirect(url_for("calendar.show", event_id=event.id), 303)
