from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ypb.permissions import require
from ypb.services import notifications
from ypb.web.notifications import bp


class MarkReadForm(FlaskForm):
    """Empty: it exists for its CSRF token."""


def sentence(item) -> str:
    return notifications.sentence(item.kind, item.params)


def link(item) -> str | None:
    return notifications.link(item.kind, item.proposal_id)


@bp.get("/")
@require("notifications.read")
def index():
    items = [(n, sentence(n), link(n)) for n in notifications.for_user(current_user.id)]
    return render_template("notifications/index.html", items=items, form=MarkReadForm(),
                           unread=notifications.unread_count(current_user.id))


@bp.post("/read")
@require("notifications.read")
def mark_read():
    if MarkReadForm().validate_on_submit():
        notifications.mark_all_read(current_user.id)
    return redirect(url_for("notifications.index"), 303)
