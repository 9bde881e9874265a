from __future__ import annotations

import json

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from ypb.permissions import require
from ypb.services import notifications
from ypb.web.notifications import bp

# One plain sentence per kind of notification; the parameters are filled in when shown.
SENTENCES = {
    "comment": _l("%(who)s commented on your proposal “%(title)s”."),
    "reply": _l("%(who)s replied to a comment on “%(title)s”."),
    "question": _l("%(who)s asked a question about your proposal “%(title)s”."),
    "feasibility_note": _l("The municipality checked if “%(title)s” can be done: %(verdict)s."),
    "review_decision": _l("There is a decision on your proposal “%(title)s”: %(decision)s."),
    "project_status": _l("The project “%(title)s” is now %(status)s, %(progress)s%% done."),
    "project_milestone": _l("A milestone was planned for the project “%(title)s”: %(milestone)s."),
    "project_milestone_done": _l("The project “%(title)s” reached a milestone: %(milestone)s."),
    "project_terms": _l("The agreed terms of the project “%(title)s” changed: %(reason)s"),
}
PROJECT_STATUSES = {
    "not_started": _l("not started"),
    "in_progress": _l("in progress"),
    "delivered": _l("delivered"),
    "cancelled": _l("cancelled"),
}
FALLBACK = _l("There is news about “%(title)s”.")
VERDICTS = {
    "feasible": _l("it can be done"),
    "needs_change": _l("it needs some changes"),
    "not_feasible": _l("it cannot be done as it is"),
}
DECISIONS = {
    "approve": _l("it goes on the ballot"),
    "reject": _l("it was not accepted; the reason is on its page"),
    "merge": _l("it was joined with a similar proposal"),
}


class MarkReadForm(FlaskForm):
    """Empty: it exists for its CSRF token."""


def sentence(item) -> str:
    try:
        params = json.loads(item.params or "{}")
    except ValueError:
        params = {}
    values = {
        "title": params.get("title") or _("a proposal"),
        "who": params.get("who") or _("Someone"),
        "verdict": VERDICTS.get(params.get("verdict"), params.get("verdict", "")),
        "decision": DECISIONS.get(params.get("decision"), params.get("decision", "")),
        "status": PROJECT_STATUSES.get(params.get("status"), params.get("status", "")),
        "progress": params.get("progress", ""),
        "milestone": params.get("milestone", ""),
        "reason": params.get("reason", ""),
    }
    template = SENTENCES.get(item.kind, FALLBACK)
    return str(template) % {k: str(v) for k, v in values.items()}


def link(item) -> str | None:
    if item.proposal_id is None:
        return None
    if item.kind.startswith("project_"):
        from ypb.services import projects

        project = projects.for_proposal(item.proposal_id)
        if project is not None:
            return url_for("projects.show", project_id=project.id)
    return url_for("proposals.show", proposal_id=item.proposal_id)


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
