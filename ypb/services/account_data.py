"""A person's own data: everything we hold about them as a download, and deleting the account.

What the download leaves out, on purpose: what they voted. Ballots are stored under a
pseudonym that only the cycle's key can produce and carry no account id, so the app cannot
tell which ballot is theirs without re-deriving the pseudonym — and putting ballot content in
a file that can be forwarded or shown under pressure would break the secret vote. It says
which votes they took part in (turnout), which is what the app does link to an account.

Deleting keeps what the public record needs and drops the person: published proposals and
comments stay but lose their author (pages show "a former member"); ballots stay counted and
were never linked; who took part stays as an unlinked count. The account row itself is kept
as an empty tombstone, because other records refer to its id (a claimed census line must stay
claimed, or someone could vote a second time with it; a juror's scores stay in the ranking).
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, select, update

from ypb.database import begin_write
from ypb.domain.messages import N_
from ypb.domain.roles import Role
from ypb.extensions import db
from ypb.models import (
    Comment,
    CommentReport,
    Cycle,
    Notification,
    Participation,
    Person,
    Proposal,
    User,
)
from ypb.models.account import RecoveryCode, new_session_token
from ypb.models.base import utcnow
from ypb.passwords import verify_password
from ypb.services import audit, refuse, use_case

# The check constraint wants a year; 1900 is the "erased" marker (no real member is that old).
ERASED_BIRTH_YEAR = 1900
# Staff accounts run cycles and sign decisions: an admin changes the role first.
_SELF_DELETE_REFUSED = {Role.SECRETARY.value, Role.ADMIN.value}


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export(user: User) -> dict:
    """Everything stored about this account, ready for JSON."""
    proposals = db.session.scalars(select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id))
    comments = db.session.scalars(select(Comment).where(Comment.author_id == user.id).order_by(Comment.id))
    notifications = db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    votes = db.session.execute(
        select(Cycle.id, Cycle.title, Participation.channel).join(Cycle, Cycle.id == Participation.cycle_id)
        .where(Participation.user_id == user.id).order_by(Cycle.id)).all()
    return {
        "account": {
            "username": user.username, "display_name": user.display_name, "email": user.email,
            "birth_year": user.birth_year, "role": user.role, "locale": user.locale,
            "residency_declared_at": _when(user.residency_declared_at),
            "email_notifications": user.email_notifications,
            "created_at": _when(user.created_at), "last_login_at": _when(user.last_login_at),
        },
        "proposals": [
            {"id": p.id, "cycle_id": p.cycle_id, "status": p.status, "title": p.title, "summary": p.summary,
             "description": p.description, "group_name": p.group_name, "place": p.place,
             "estimated_cost_cents": p.estimated_cost, "created_at": _when(p.created_at),
             "submitted_at": _when(p.submitted_at)}
            for p in proposals
        ],
        "comments": [
            {"id": c.id, "proposal_id": c.proposal_id, "body": c.body, "is_question": c.is_question,
             "hidden": c.hidden, "created_at": _when(c.created_at)}
            for c in comments
        ],
        "notifications": [
            {"kind": n.kind, "proposal_id": n.proposal_id, "params": json.loads(n.params or "{}"),
             "created_at": _when(n.created_at), "read_at": _when(n.read_at)}
            for n in notifications
        ],
        "votes_taken_part_in": [{"cycle_id": cid, "cycle": title, "channel": channel}
                                for cid, title, channel in votes],
    }


@use_case
def delete_account(user_id: int, password: str, now: datetime | None = None) -> None:
    """Erase the account (password confirmed); refused for staff and for a wrong password."""
    now = now or utcnow()
    begin_write()
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise refuse("account.missing", N_("There is no such account."))
    if not verify_password(user.password_hash, password or ""):
        raise refuse("account.password", N_("That password is not right. Nothing was deleted."), "password")
    if user.role in _SELF_DELETE_REFUSED:
        raise refuse("account.staff", N_("Staff accounts cannot be deleted here. Ask an administrator to "
                                         "change your role first."))

    # Drafts were never public: nobody else has seen them, so they go with the person.
    for draft in db.session.scalars(select(Proposal).where(Proposal.author_id == user.id)):
        if not draft.is_public:
            db.session.delete(draft)
    db.session.flush()
    db.session.execute(update(Proposal).where(Proposal.author_id == user.id).values(author_id=None))
    db.session.execute(update(Comment).where(Comment.author_id == user.id).values(author_id=None))
    db.session.execute(delete(CommentReport).where(CommentReport.reporter_id == user.id))
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(update(Participation).where(Participation.user_id == user.id).values(user_id=None))
    db.session.execute(update(Person).where(Person.user_id == user.id).values(user_id=None))

    user.username = f"deleted-{user.id}"
    user.display_name = ""
    user.email = None
    user.birth_year = ERASED_BIRTH_YEAR
    user.residency_declared_at = None
    user.password_hash = "!"  # noqa: S105  # nosec B105  # not a hash: matches no password
    user.session_token = new_session_token()  # signs out every device
    user.active = False
    user.locale = None
    user.email_notifications = False
    user.last_login_at = None
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None  # a second factor, if a role once had one
    # No personal data in the trail: the id alone, which now names an empty row.
    audit.record("system", "account.delete", f"user:{user.id}")
    db.session.commit()
