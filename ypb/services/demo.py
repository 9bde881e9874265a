"""Demo data: a municipality, its coordinator, council members and young people."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ypb.domain.roles import Role
from ypb.extensions import db
from ypb.models import Municipality, User
from ypb.models.base import utcnow
from ypb.services import accounts

DEMO_PASSWORD = "youth-budget-demo"  # noqa: S105 (published on purpose: demo only)

# (username, display name, role, birth year, resident)
PEOPLE = [
    ("admin", "Site Admin", Role.ADMIN, 1985, False),
    ("laura", "Laura Ozola (youth coordinator)", Role.SECRETARY, 1991, True),
    ("martins", "Mārtiņš Kalniņš", Role.COUNCIL, 1976, True),
    ("ieva", "Ieva Bērziņa", Role.COUNCIL, 1968, True),
    ("sofia", "Sofia Andersson", Role.COUNCIL, 2006, True),
    ("nikos", "Nikos Georgiou", Role.COUNCIL, 2005, True),
    ("ana", "Ana Silva", Role.YOUTH, 2009, True),
    ("jonas", "Jonas Petrauskas", Role.YOUTH, 2007, True),
    ("eleni", "Eleni Christou", Role.YOUTH, 2011, True),
    ("kalle", "Kalle Nilsson", Role.YOUTH, 2004, False),
]


def has_data() -> bool:
    return db.session.scalar(select(User.id).limit(1)) is not None


def load(now: datetime | None = None) -> list[tuple[str, str, str]]:
    now = now or utcnow()
    logins = []
    for username, name, role, birth_year, resident in PEOPLE:
        password = DEMO_PASSWORD
        accounts.create_account(
            username=username, display_name=name, password=password, birth_year=birth_year,
            resident=resident, role=role, actor="demo", now=now,
        )
        logins.append((username, role.value, password))
    db.session.add(Municipality(name="Trakai District Municipality", country="LT", currency="EUR",
                                default_locale="en"))
    db.session.commit()
    return logins
