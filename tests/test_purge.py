"""The retention job, with time passed in: what it deletes, what it keeps, and that a second run
deletes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ypb.extensions import db
from ypb.models import AuditEntry, Cycle, Notification, Participation, Proposal, VotingCode, VotingKey
from ypb.models.base import utcnow
from ypb.services import audit, purge, voting

DAY = timedelta(days=1)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_purge_deletes_what_is_no_longer_needed_once(app, world):
    now = utcnow()
    with app.app_context():
        cycle_id = world["cycle_voting"]
        code = voting.find_code(cycle_id, world["voting_code"])
        voting.cast(voting.Voter(code=code), cycle_id, None, {world["ballot_projects"][0]: 1})
        existing = _count(Notification)  # the world's own, all recent
        db.session.add_all([
            Notification(user_id=world["youth"], kind="comment", created_at=now - 400 * DAY),
            Notification(user_id=world["youth"], kind="comment", created_at=now - 10 * DAY),
        ])
        db.session.commit()

        # Nothing is final yet: keys, codes and drafts all stay; only the old notification goes.
        first = purge.purge(now=now)
        assert first["voting keys destroyed"] == 0 and first["voting-code hashes deleted"] == 0
        assert first["notifications deleted"] == 1
        assert _count(Notification) == existing + 1
        assert db.session.get(Proposal, world["draft"]) is not None

        # A cycle that reached its final phase without the key being destroyed (older data).
        db.session.get(Cycle, cycle_id).phase = "closed"
        db.session.get(Cycle, world["cycle_proposals"]).phase = "closed"
        db.session.commit()
        counts = purge.purge(now=now + DAY)
        assert counts == {"voting keys destroyed": 1, "voting-code hashes deleted": 1, "census lines deleted": 0,
                          "notifications deleted": 0, "unsubmitted drafts deleted": 1}
        assert db.session.scalar(select(VotingKey.key).where(VotingKey.cycle_id == cycle_id)) is None
        assert _count(VotingCode, VotingCode.cycle_id == cycle_id) == 0
        assert db.session.get(Proposal, world["draft"]) is None
        # Turnout survives without the code it came through.
        assert _count(Participation, Participation.cycle_id == cycle_id) == 1
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.purge")).all()[-1]
        assert '"voting-code hashes deleted":1' in entry.data

        heads = audit.head().seq
        again = purge.purge(now=now + 2 * DAY)
        assert not any(again.values())
        assert audit.head().seq == heads  # a run that deletes nothing writes nothing
        # A year on, the remaining notifications have had their time.
        assert purge.purge(now=now + 400 * DAY)["notifications deleted"] == existing + 1
        assert audit.verify() is None


def test_purge_command_prints_what_it_deleted(app, world):
    result = app.test_cli_runner().invoke(args=["ypb", "purge"])
    assert result.exit_code == 0, result.output
    assert "voting-code hashes deleted: 0" in result.output
    assert "IP addresses: none kept by the app" in result.output
    assert "sessions: signed cookies" in result.output
