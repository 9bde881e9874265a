"""Service tests: use-cases called directly, on SQLite and PostgreSQL, on a fixed calendar.

Helpers shared by the modules in this package. They call the services the way the web
does, so a cycle in the review phase here really went through proposals and feedback.
Call them inside an app context.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import cycle_input
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import AuditEntry, Notification, User
from ypb.services import Refused

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
# cycle_input(start=T0) plans: proposals end T0+14d, feedback T0+40d, review T0+50d,
# voting T0+60d, results T0+67d; feedback lasts at least 7 days.
T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
IN_PROPOSALS = T0 + DAY
FEEDBACK_AT = T0 + 14 * DAY  # moved on by hand at the planned end of proposals
IN_FEEDBACK = FEEDBACK_AT + DAY
REVIEW_AT = FEEDBACK_AT + 7 * DAY  # the earliest moment the promised feedback week allows
IN_REVIEW = REVIEW_AT + DAY


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_entries(action: str | None = None, subject: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.seq)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if subject:
        stmt = stmt.where(AuditEntry.subject == subject)
    return list(db.session.scalars(stmt))


def notifications_of(user_id: int, kind: str | None = None) -> list[Notification]:
    stmt = select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))


def new_cycle(secretary_id: int, phase: Phase = Phase.DRAFT, **overrides) -> int:
    """A cycle planned from T0 and moved on by the secretary up to `phase` (at most proposals:
    later phases need proposals first, see `to_feedback` and `to_review`)."""
    from ypb.services import cycles

    secretary = user(secretary_id)
    contact_id = overrides.pop("contact_id", secretary_id)
    cycle = cycles.create(secretary, cycle_input(contact_id, T0, **overrides), now=T0 - DAY)
    if phase != Phase.DRAFT:
        cycles.advance(secretary, cycle.id, Phase.PROPOSALS, now=T0)
    return cycle.id


def to_feedback(secretary_id: int, cycle_id: int, now: datetime = FEEDBACK_AT) -> None:
    from ypb.services import cycles

    cycles.advance(user(secretary_id), cycle_id, Phase.FEEDBACK, now=now)


def to_review(secretary_id: int, cycle_id: int, now: datetime = REVIEW_AT) -> None:
    from ypb.services import cycles

    cycles.advance(user(secretary_id), cycle_id, Phase.REVIEW, now=now)


def submitted(author_id: int, cycle_id: int, title: str = "Skate park lights", *,
              now: datetime = IN_PROPOSALS, **fields) -> int:
    """A proposal submitted during the proposals phase; returns its id."""
    from ypb.services import proposals
    from ypb.services.proposals import ProposalInput

    values = {"summary": "Lights so we can skate after dark.", "description": "Six LED lamps.",
              "estimated_cost": 1_200_000, **fields}
    return proposals.create(user(author_id), cycle_id, ProposalInput(title=title, **values),
                            submit=True, now=now).id


def draft(author_id: int, cycle_id: int, title: str = "My draft idea", *, now: datetime = IN_PROPOSALS,
          **fields) -> int:
    from ypb.services import proposals
    from ypb.services.proposals import ProposalInput

    return proposals.create(user(author_id), cycle_id, ProposalInput(title=title, **fields), now=now).id


def refused(fn, *args, **kwargs):
    """Call a service that must say no; returns the Refused it raised."""
    with pytest.raises(Refused) as info:
        fn(*args, **kwargs)
    return info.value


def codes(exc) -> list[str]:
    return [r.code for r in exc.refusals]
