"""A signed-in user's own settings."""

from __future__ import annotations

from ypb.database import begin_write
from ypb.extensions import db
from ypb.models import User


def set_locale(user: User, locale: str) -> None:
    begin_write()
    fresh = db.session.get(User, user.id)
    fresh.locale = locale
    db.session.commit()
