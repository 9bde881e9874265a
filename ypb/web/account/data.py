"""A person's own data: download it as JSON, or delete the account (password confirmed)."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired

from ypb.permissions import require
from ypb.services import Refused, account_data
from ypb.web.account import bp
from ypb.web.util import attach_or_list


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(_l("Enter your password."))])


@bp.get("/data.json")
@require("account.view")
def data():
    body = account_data.export(current_user)
    body["about_this_file"] = _(
        "Everything this site keeps about your account. Your ballots are not in it: they are stored "
        "without your name so that nobody, not even you, can prove how you voted. The file lists the "
        "votes you took part in.")
    response = Response(json.dumps(body, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = "attachment; filename=my-data.json"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/delete")
@require("account.view")
def delete_form():
    return render_template("account/delete.html", form=DeleteAccountForm(), problems=[])


@bp.post("/delete")
@require("account.view")
def delete():
    form = DeleteAccountForm()
    problems = []
    if form.validate_on_submit():
        try:
            account_data.delete_account(current_user.id, form.password.data)
        except Refused as exc:
            problems = attach_or_list(form, exc)
        else:
            logout_user()
            flash(_("Your account is deleted. Thank you for taking part."), "success")
            return redirect(url_for("main.home"), 303)
    return render_template("account/delete.html", form=form, problems=problems), 422
