"""Canary: a voter's identity never travels with their choices — not into logs, not into
the audit trail, not onto any page a secretary can open."""

from __future__ import annotations

import logging

from sqlalchemy import select

from tests.conftest import make_user, post_form, sign_in
from tests.web.matrix import MATRIX
from ypb.extensions import db
from ypb.models import AuditEntry, Ballot

CANARY = "canary-voter-q7x"


def test_a_ballot_cannot_be_traced_to_its_voter(app, world, caplog):
    caplog.set_level(logging.DEBUG)
    make_user(app, CANARY, birth_year=2008)
    voter = app.test_client()
    sign_in(voter, CANARY)
    ballot = f"/cycles/{world['cycle_voting']}/vote"
    # A combination nobody else chose: the canary's "fingerprint".
    picks = {f"p{world['ballot_projects'][0]}": "1", f"p{world['ballot_projects'][2]}": "1"}
    response = post_form(voter, f"{ballot}/confirm", picks, token_from=ballot)
    assert response.status_code == 303, response.get_data(as_text=True)[:300]

    with app.app_context():
        stored = db.session.scalars(select(Ballot)).one()
        pseudonym = stored.pseudonym
        assert sorted(c.proposal_id for c in stored.choices) == sorted(world["ballot_projects"][::2])
        audit_text = " ".join(f"{e.actor} {e.action} {e.subject} {e.data}" for e in db.session.scalars(
            select(AuditEntry)))
    assert pseudonym not in audit_text

    secretary = app.test_client()
    sign_in(secretary, "secretary-user")
    seen = 0
    for (endpoint, method), (url, _form, _expected) in MATRIX.items():
        if method != "GET":
            continue
        page = secretary.get(url.format(**world)).get_data(as_text=True)
        seen += 1
        assert CANARY not in page, endpoint
        assert pseudonym not in page, endpoint
    assert seen > 20

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert CANARY not in logged and pseudonym not in logged
