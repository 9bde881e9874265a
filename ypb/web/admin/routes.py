from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ypb.domain.roles import Role
from ypb.extensions import db
from ypb.models import User
from ypb.permissions import require
from ypb.services import Refused, accounts, two_factor
from ypb.web.admin import bp
from ypb.web.admin.forms import ROLE_LABELS, RoleForm, TwoFactorRequirementForm, TwoFactorResetForm
from ypb.web.util import flash_refused

PAGE_SIZE = 50


@bp.get("/users")
@require("users.manage")
def users():
    page = max(request.args.get("page", 1, type=int), 1)
    query = select(User).order_by(User.username)
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", pagination=pagination, role_labels=ROLE_LABELS,
                           form=RoleForm(), reset_form=TwoFactorResetForm(),
                           tfa_form=TwoFactorRequirementForm(formdata=None, required=two_factor.is_required()))


@bp.post("/users/<int:user_id>/role")
@require("users.manage")
def set_role(user_id: int):
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles in the list."), "error")
        return redirect(url_for("admin.users"))
    if db.session.get(User, user_id) is None:
        abort(404)
    try:
        user = accounts.set_role(current_user, user_id, Role(form.role.data))
    except Refused as exc:
        flash_refused(exc)
    else:
        flash(_("%(name)s is now: %(role)s.", name=user.username,
                role=ROLE_LABELS[Role(user.role)]), "success")
    return redirect(url_for("admin.users"))


@bp.post("/two-factor-requirement")
@require("users.manage")
def two_factor_requirement():
    form = TwoFactorRequirementForm()
    if form.validate_on_submit():
        required = bool(form.required.data)
        two_factor.set_required(current_user, required)
        flash(_("Saved: two-step sign-in is required for staff.") if required
              else _("Saved: two-step sign-in is optional."), "success")
    else:
        flash(_("That did not work. Please try again."), "error")
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/two-factor-reset")
@require("users.manage")
def two_factor_reset(user_id: int):
    form = TwoFactorResetForm()
    if db.session.get(User, user_id) is None:
        abort(404)
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that you checked who is asking."), "error")
        return redirect(url_for("admin.users"))
    try:
        user = two_factor.reset(current_user, user_id)
    except Refused as exc:
        flash_refused(exc)
    else:
        flash(_("Two-step sign-in is off for %(name)s, who is now signed out everywhere.", name=user.username),
              "success")
    return redirect(url_for("admin.users"))
