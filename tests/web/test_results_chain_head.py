"""The confirmed results page shows the audit chain's head from the moment of confirmation."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.test_results_web import due_results, ratify, results_url, text  # noqa: F401 (fixture)
from ypb.extensions import db
from ypb.models import AuditEntry, TallyResult
from ypb.services import audit


def test_confirmed_results_show_the_chain_head_of_their_confirmation(app, world, due_results, client_for):  # noqa: F811
    before = text(client_for("anonymous").get(results_url(due_results)))
    assert "Audit trail at confirmation" not in before  # a draft has no anchor yet

    assert ratify(client_for("secretary"), due_results).status_code == 303
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "results.ratify")).one()
        stored = db.session.scalars(select(TallyResult).where(TallyResult.cycle_id == due_results["cycle"])).one()
        assert stored.chain_head == f"{entry.seq}:{entry.hash}"
        # Later actions move the head on; the page keeps the one from the confirmation.
        audit.record("test", "test.later", "nothing")
        db.session.commit()
        assert audit.head().seq == entry.seq + 1

    page = text(client_for("anonymous").get(results_url(due_results)))
    assert f"Audit trail at confirmation: entry {entry.seq}, fingerprint" in page
    assert entry.hash in page
    assert "flask ypb audit verify" in page
