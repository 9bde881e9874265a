"""In-app notifications: written inside the use-case's transaction, read by their owner."""

from __future__ import annotations

import json

from sqlalchemy import func, select, update

from ypb.database import begin_write
from ypb.extensions import db
from ypb.models import Notification
from ypb.models.base import utcnow
from ypb.services import use_case


def notify(user_id: int | None, kind: str, *, proposal_id: int | None = None,
           actor_id: int | None = None, **params) -> None:
    """Queue a notification in the current transaction; nobody is told of their own act."""
    if user_id is None or user_id == actor_id:
        return
    db.session.add(Notification(user_id=user_id, kind=kind, proposal_id=proposal_id,
                                params=json.dumps(params, ensure_ascii=False)))


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
