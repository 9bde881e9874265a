"""In-app notifications: written inside the use-case's transaction, read by their owner.

The sentence for each kind lives here, so the notifications page and the e-mail copy
(ypb.services.mail) say the same thing.
"""

from __future__ import annotations

import json

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ypb.database import begin_write
from ypb.extensions import db
from ypb.models import Notification
from ypb.models.base import utcnow
from ypb.services import mail, use_case


def notify(user_id: int | None, kind: str, *, proposal_id: int | None = None,
           actor_id: int | None = None, **params) -> None:
    """Queue a notification in the current transaction; nobody is told of their own act."""
    if user_id is None or user_id == actor_id:
        return
    db.session.add(Notification(user_id=user_id, kind=kind, proposal_id=proposal_id,
                                params=json.dumps(params, ensure_ascii=False)))
    # An e-mail copy goes out after the commit, and only when SMTP is configured.
    mail.queue_notification(user_id, kind, proposal_id, params)


def for_user(user_id: int, limit: int = 100) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ))


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


@use_case
def mark_all_read(user_id: int) -> None:
    begin_write()
    db.session.execute(update(Notification).where(Notification.user_id == user_id,
                                                  Notification.read_at.is_(None)).values(read_at=utcnow()))
    db.session.commit()


# --- what a notification says ----------------------------------------------------------------

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


def sentence(kind: str, params: str | dict | None) -> str:
    """The notification in the current language; `params` as stored (JSON) or as a dict."""
    if isinstance(params, str) or params is None:
        try:
            params = json.loads(params or "{}")
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
    template = SENTENCES.get(kind, FALLBACK)
    return str(template) % {k: str(v) for k, v in values.items()}


def link(kind: str, proposal_id: int | None, *, external: bool = False) -> str | None:
    """Where the notification points: the project's page for project news, else the proposal's."""
    from flask import url_for

    if proposal_id is None:
        return None
    if kind.startswith("project_"):
        from ypb.services import projects

        project = projects.for_proposal(proposal_id)
        if project is not None:
            return url_for("projects.show", project_id=project.id, _external=external)
    return url_for("proposals.show", proposal_id=proposal_id, _external=external)
