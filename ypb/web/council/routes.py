"""The council's pages: who sits on it (on any day), a member's page, and the secretary's
page with one form per change, each posting to its own address."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ypb.permissions import require
from ypb.services import Refused
from ypb.services import council as council_service
from ypb.web.council import bp
from ypb.web.council.forms import AffiliationForm, AppointForm, DayForm, EndForm, PersonForm, SeatForm, SettingsForm
from ypb.web.council.present import council_text, groups, parity_status, role_label, seat_choice, side_label
from ypb.web.cycles.forms import municipality_zone
from ypb.web.util import attach_or_list


def municipal_today():
    """Today as the municipality's calendar shows it (not the server's, not UTC)."""
    return datetime.now(municipality_zone()).date()


# --- the public pages ----------------------------------------------------------------------

@bp.get("/council")
@require("council.read")
def index():
    council = council_service.get_council()
    if council is None:
        return render_template("council/not_set_up.html")
    today = municipal_today()
    asked = "on" in request.args
    form = DayForm(formdata=request.args if asked else None)
    day = today
    if asked and form.validate() and form.on.data is not None:
        day = form.on.data
    else:
        # The picker shows the day on the page; a typo stays in the message, not in the
        # date input (which can't hold it anyway).
        form.on.raw_data = None
        form.on.data = today
    composition = council_service.composition(council, day)
    sides, secretary = groups(composition)
    return render_template(
        "council/index.html", council=council, form=form, day=day, today=today,
        unreadable=bool(form.on.errors), sides=sides, secretary=secretary,
        parity=parity_status(composition, council.parity_municipal, council.parity_youth),
        history=council_service.history(council), side_label=side_label, role_label=role_label,
    )


def load_person(person_id: int, **_):
    return council_service.public_person(person_id)


@bp.get("/council/people/<int:person_id>")
@require("council.read", load_person)
def person(person_id: int):
    return render_template("council/person.html", person=council_service.public_person(person_id),
                           council=council_service.get_council(), side_label=side_label, role_label=role_label)


# --- the secretary's page ------------------------------------------------------------------

# The manage page's sections: (anchor, heading), to point at the form that needs fixing.
SECTIONS = {
    "settings": _l("Settings"),
    "seats": _l("Seats"),
    "people": _l("People"),
    "appoint": _l("Appoint a member"),
    "memberships": _l("Open memberships"),
}


def _render_manage(status: int = 200, *, failed: str | None = None, errors=(), settings=None, seat=None,
                   person=None, appoint=None, end=None, affiliation=None):
    """The manage page; a form given here (the one just posted) keeps what was typed and its errors,
    every other form is shown fresh. `end` and `affiliation` are (row id, form)."""
    council = council_service.get_council()
    seats = council_service.seats(council) if council else []
    people = council_service.people()
    serving = [m for m in council_service.memberships(council) if m.end_date is None] if council else []

    if settings is None:
        settings = SettingsForm(formdata=None, prefix="settings")
        if council is not None:
            settings.fill_from(council)
    if appoint is None:
        appoint = AppointForm(formdata=None, prefix="appoint")
    appoint.set_choices([(s.id, seat_choice(s)) for s in seats], [(p.id, p.name) for p in people])
    errors = list(errors)
    end_forms = {m.id: EndForm(formdata=None, prefix=f"end-{m.id}") for m in serving}
    affiliation_forms = {p.id: AffiliationForm(formdata=None, prefix=f"aff-{p.id}") for p in people}
    for forms, posted in ((end_forms, end), (affiliation_forms, affiliation)):
        if posted is None:
            continue
        row_id, form = posted
        if row_id in forms:
            forms[row_id] = form
        else:  # a membership already ended or a person gone: the page has no such form to mark
            errors.extend(_all_errors(form))
    return render_template(
        "council/manage.html", council=council, seats=seats, people=people, serving=serving,
        settings_form=settings, seat_form=seat or SeatForm(formdata=None, prefix="seat"),
        person_form=person or PersonForm(formdata=None, prefix="person"), appoint_form=appoint,
        end_forms=end_forms, affiliation_forms=affiliation_forms, errors=errors,
        failed=(failed, SECTIONS[failed]) if failed else None, side_label=side_label, role_label=role_label,
    ), status


def _all_errors(form) -> list[str]:
    return [str(message) for messages in form.errors.values() for message in messages]


def _attach(form, exc: Refused) -> list[str]:
    return attach_or_list(form, exc, council_text)


def _done(message: str):
    flash(message, "success")
    return redirect(url_for("council.manage"), 303)


@bp.get("/council/manage")
@require("council.manage")
def manage():
    return _render_manage()


@bp.post("/council/settings")
@require("council.manage")
def save_settings():
    form = SettingsForm(prefix="settings")
    if not form.validate_on_submit():
        return _render_manage(422, failed="settings", settings=form)
    new = council_service.get_council() is None
    try:
        council_service.save_settings(current_user, form.name.data, form.parity_municipal.data,
                                      form.parity_youth.data, form.quorum_rule.data)
    except Refused as exc:
        return _render_manage(422, failed="settings", settings=form, errors=_attach(form, exc))
    return _done(_("The council is set up. Now add its seats.") if new else _("The council's settings are saved."))


@bp.post("/council/seats")
@require("council.manage")
def add_seat():
    form = SeatForm(prefix="seat")
    if not form.validate_on_submit():
        return _render_manage(422, failed="seats", seat=form)
    try:
        seat = council_service.add_seat(current_user, form.label.data, form.constituency.data, form.role.data)
    except Refused as exc:
        return _render_manage(422, failed="seats", seat=form, errors=_attach(form, exc))
    return _done(_("The seat “%(seat)s” is added.", seat=seat.label))


@bp.post("/council/people")
@require("council.manage")
def add_person():
    form = PersonForm(prefix="person")
    if not form.validate_on_submit():
        return _render_manage(422, failed="people", person=form)
    try:
        person = council_service.add_person(current_user, form.name.data, form.email.data, form.phone.data)
    except Refused as exc:
        return _render_manage(422, failed="people", person=form, errors=_attach(form, exc))
    return _done(_("%(name)s is added. You can now appoint them to a seat.", name=person.name))


@bp.post("/council/appointments")
@require("council.manage")
def appoint():
    form = AppointForm(prefix="appoint")
    if not form.validate_on_submit():
        return _render_manage(422, failed="appoint", appoint=form)
    try:
        membership = council_service.appoint(current_user, form.seat_id.data, form.person_id.data,
                                             form.start.data, form.on_behalf_of.data, form.end.data)
    except Refused as exc:
        return _render_manage(422, failed="appoint", appoint=form, errors=_attach(form, exc))
    return _done(_("%(name)s holds the seat “%(seat)s” from %(start)s.", name=membership.person.name,
                   seat=membership.seat.label, start=format_date(membership.start_date, "long")))


@bp.post("/council/memberships/<int:membership_id>/end")
@require("council.manage")
def end_membership(membership_id: int):
    form = EndForm(prefix=f"end-{membership_id}")
    if not form.validate_on_submit():
        return _render_manage(422, failed="memberships", end=(membership_id, form))
    try:
        membership = council_service.end_membership(current_user, membership_id, form.end.data, form.reason.data)
    except Refused as exc:
        return _render_manage(422, failed="memberships", end=(membership_id, form), errors=_attach(form, exc))
    return _done(_("The membership of %(name)s in the seat “%(seat)s” ends on %(end)s.",
                   name=membership.person.name, seat=membership.seat.label,
                   end=format_date(membership.end_date, "long")))


@bp.post("/council/people/<int:person_id>/affiliations")
@require("council.manage")
def add_affiliation(person_id: int):
    form = AffiliationForm(prefix=f"aff-{person_id}")
    if not form.validate_on_submit():
        return _render_manage(422, failed="people", affiliation=(person_id, form))
    try:
        affiliation = council_service.add_affiliation(current_user, person_id, form.body.data, form.role.data,
                                                      form.start.data, form.end.data)
    except Refused as exc:
        return _render_manage(422, failed="people", affiliation=(person_id, form), errors=_attach(form, exc))
    return _done(_("The seat in %(body)s is added to the page of %(name)s.", body=affiliation.body,
                   name=affiliation.person.name))
