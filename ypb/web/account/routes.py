from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from ypb.permissions import require
from ypb.services import mail
from ypb.web.account import bp


class EmailNotificationsForm(FlaskForm):
    email_notifications = BooleanField(_l("Also send my notifications by e-mail"))


@bp.get("/")
@require("account.view")
def profile():
    form = EmailNotificationsForm(formdata=None, email_notifications=current_user.email_notifications)
    return render_template("account/profile.html", email_form=form, mail_enabled=mail.enabled())


@bp.post("/email-notifications")
@require("account.view")
def email_notifications():
    form = EmailNotificationsForm()
    if form.validate_on_submit():
        wanted = bool(form.email_notifications.data)
        mail.set_preference(current_user.id, wanted)
        flash(_("Saved: your notifications will also come by e-mail.") if wanted
              else _("Saved: your notifications will no longer come by e-mail."), "success")
    else:
        flash(_("That did not work. Please try again."), "error")
    return redirect(url_for("account.profile"), 303)
