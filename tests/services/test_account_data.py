"""A person's own data: the download holds what we keep (not how they voted); deleting the
account erases the person, keeps the public record and the count, and links nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from ypb.extensions import db
from ypb.models import AuditEntry, Ballot, Budget, Comment, Notification, Participation, Proposal, User
from ypb.services import Refused, account_data, accounts, audit, comments, voting


@pytest.fixture
def active_youth(app, world):
    """youth-user with a published proposal, a draft, a comment, a notification and a vote."""
    with app.app_context():
        youth = db.session.get(User, world["youth"])
        council = db.session.get(User, world["council"])
        comments.add(youth, world["proposal"], "Six lamps, as in the description.")
        comments.add(council, world["proposal"], "Thanks, that helps.")  # notifies the author
        voting.cast(voting.Voter(user=youth), world["cycle_voting"], None, {world["ballot_projects"][1]: 1})
    return world


def _ballots(cycle_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Ballot).join(Budget).where(Budget.cycle_id == cycle_id))


def test_the_download_holds_the_account_and_what_they_wrote_but_not_their_ballot(app, active_youth):
    world = active_youth
    with app.app_context():
        data = account_data.export(db.session.get(User, world["youth"]))
    assert data["account"]["username"] == "youth-user" and data["account"]["birth_year"] == 2006
    assert {p["id"] for p in data["proposals"]} == {world["proposal"], world["draft"], world["review_proposal"]}
    assert [c["body"] for c in data["comments"]] == ["Six lamps, as in the description."]
    assert data["notifications"] and all("kind" in n for n in data["notifications"])
    assert data["votes_taken_part_in"] == [{"cycle_id": world["cycle_voting"], "cycle": "Voting cycle",
                                            "channel": "online"}]
    text = json.dumps(data)
    assert "password" not in text and "session_token" not in text
    assert "pseudonym" not in text and "choices" not in text and "Outdoor gym" not in text


def test_a_wrong_password_or_a_staff_account_deletes_nothing(app, active_youth):
    world = active_youth
    with app.app_context():
        with pytest.raises(Refused) as refused:
            account_data.delete_account(world["youth"], "not my password")
        assert refused.value.field == "password"
        with pytest.raises(Refused):
            account_data.delete_account(world["secretary"], PASSWORD)
        assert db.session.get(User, world["youth"]).username == "youth-user"
        assert db.session.get(User, world["secretary"]).active
        assert db.session.get(Proposal, world["proposal"]).author_id == world["youth"]


def test_deleting_erases_the_person_keeps_the_record_and_the_count(app, active_youth):
    world = active_youth
    with app.app_context():
        ballots_before = _ballots(world["cycle_voting"])
        account_data.delete_account(world["youth"], PASSWORD)
        db.session.expire_all()

        user = db.session.get(User, world["youth"])
        assert (user.username, user.display_name, user.email, user.active) == (f"deleted-{user.id}", "", None, False)
        assert user.birth_year == account_data.ERASED_BIRTH_YEAR and user.residency_declared_at is None
        assert accounts.authenticate("youth-user", PASSWORD) is None

        # The published proposal and the comment stay, without an author; the draft is gone.
        assert db.session.get(Proposal, world["proposal"]).author_id is None
        assert db.session.get(Proposal, world["draft"]) is None
        kept = db.session.scalars(select(Comment).where(Comment.body == "Six lamps, as in the description.")).one()
        assert kept.author_id is None
        assert db.session.scalar(select(func.count()).where(Notification.user_id == world["youth"])) == 0

        # The ballot still counts; who took part is a count with nobody behind it.
        assert _ballots(world["cycle_voting"]) == ballots_before
        participation = db.session.scalars(select(Participation).where(
            Participation.cycle_id == world["cycle_voting"], Participation.channel == "online")).one()
        assert participation.user_id is None

        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "account.delete")).one()
        assert entry.subject == f"user:{world['youth']}" and entry.data == "{}" and entry.actor == "system"
        assert audit.verify() is None
