"""The hash-chained audit trail: appended by services, checked by `ypb audit verify`."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import make_user
from ypb.extensions import db
from ypb.models import AuditEntry
from ypb.services import audit


def test_role_change_is_audited_and_chain_verifies(app, users):
    runner = app.test_cli_runner()
    with app.app_context():
        from ypb.domain.roles import Role
        from ypb.models import User
        from ypb.services import accounts

        admin = db.session.get(User, users["admin"])
        accounts.set_role(admin, users["youth"], Role.COUNCIL)
        last = audit.head()
        assert (last.action, last.subject, last.actor) == ("account.role", f"user:{users['youth']}",
                                                             f"user:{users['admin']}")
        assert audit.verify() is None
    result = runner.invoke(args=["ypb", "audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output


def test_tampering_is_caught_and_named(app):
    for name in ("ann", "ben", "cid"):
        make_user(app, name, "council")
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert [e.seq for e in entries] == [1, 2, 3]
        entries[1].data = '{"role":"admin"}'
        db.session.commit()
        assert audit.verify() == 2
    result = app.test_cli_runner().invoke(args=["ypb", "audit", "verify"])
    assert result.exit_code == 1 and "BROKEN at entry 2" in result.output


def test_deleting_an_entry_breaks_the_chain(app):
    for name in ("ann", "ben", "cid"):
        make_user(app, name, "council")
    with app.app_context():
        db.session.delete(db.session.get(AuditEntry, 2))
        db.session.commit()
        assert audit.verify() == 3
