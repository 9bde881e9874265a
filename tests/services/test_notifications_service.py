"""ypb.services.notifications: queued inside a use-case's transaction, read by their owner."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.conftest import make_user
from tests.services import (
    IN_FEEDBACK,
    IN_REVIEW,
    count,
    new_cycle,
    submitted,
    to_feedback,
    to_review,
    user,
)
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import Notification, Verdict
from ypb.models.base import utcnow
from ypb.services import comments, notifications, review


@pytest.fixture
def ids(app, users):
    extra = {"friend": make_user(app, "friend", display_name="Jānis Bērziņš")}
    with app.app_context():
        yield {**users, **extra}


def test_notify_stores_kind_proposal_and_params(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = submitted(ids["youth"], cycle_id)
    notifications.notify(ids["youth"], "comment", proposal_id=proposal_id, actor_id=ids["friend"],
                         title="Skate park lights", who="Jānis Bērziņš")
    db.session.commit()
    (n,) = notifications.for_user(ids["youth"])
    assert (n.kind, n.proposal_id, n.read_at) == ("comment", proposal_id, None)
    assert json.loads(n.params) == {"title": "Skate park lights", "who": "Jānis Bērziņš"}
    assert "Jānis" in n.params  # kept readable, not \u-escaped


@pytest.mark.parametrize(("to", "actor"), [(None, "friend"), ("youth", "youth")])
def test_nobody_is_told_of_their_own_act_and_nobody_means_nobody(ids, to, actor):
    notifications.notify(ids[to] if to else None, "comment", actor_id=ids[actor])
    db.session.commit()
    assert count(Notification) == 0


def test_a_notification_lives_and_dies_with_its_transaction(ids):
    notifications.notify(ids["youth"], "comment", actor_id=ids["friend"])
    db.session.rollback()
    assert count(Notification) == 0


def test_for_user_is_newest_first_only_their_own_and_limited(ids):
    for kind in ("comment", "question", "reply"):
        notifications.notify(ids["youth"], kind)
        db.session.commit()
    notifications.notify(ids["friend"], "comment")
    db.session.commit()
    assert [n.kind for n in notifications.for_user(ids["youth"])] == ["reply", "question", "comment"]
    assert [n.kind for n in notifications.for_user(ids["youth"], limit=2)] == ["reply", "question"]
    assert [n.kind for n in notifications.for_user(ids["friend"])] == ["comment"]
    assert notifications.for_user(ids["admin"]) == []


def test_newest_is_by_time_not_by_insertion(ids):
    now = utcnow()
    db.session.add_all([
        Notification(user_id=ids["youth"], kind="late", created_at=now),
        Notification(user_id=ids["youth"], kind="early", created_at=now - timedelta(days=1)),
    ])
    db.session.commit()
    assert [n.kind for n in notifications.for_user(ids["youth"])] == ["late", "early"]


def test_unread_counts_and_mark_all_read(ids):
    for _ in range(3):
        notifications.notify(ids["youth"], "comment")
    notifications.notify(ids["friend"], "comment")
    db.session.commit()
    assert (notifications.unread_count(ids["youth"]), notifications.unread_count(ids["friend"])) == (3, 1)

    before = utcnow()
    notifications.mark_all_read(ids["youth"])
    assert (notifications.unread_count(ids["youth"]), notifications.unread_count(ids["friend"])) == (0, 1)
    read_times = {n.read_at for n in notifications.for_user(ids["youth"])}
    assert len(read_times) == 1 and read_times.pop() >= before - timedelta(seconds=1)
    assert notifications.for_user(ids["friend"])[0].read_at is None


def test_marking_read_again_keeps_the_first_read_time(ids):
    notifications.notify(ids["youth"], "comment")
    db.session.commit()
    notifications.mark_all_read(ids["youth"])
    first = notifications.for_user(ids["youth"])[0].read_at
    notifications.notify(ids["youth"], "reply")
    db.session.commit()
    assert notifications.unread_count(ids["youth"]) == 1
    notifications.mark_all_read(ids["youth"])
    db.session.expire_all()
    reply, comment = notifications.for_user(ids["youth"])
    assert comment.read_at == first and reply.read_at is not None
    assert notifications.unread_count(ids["youth"]) == 0


def test_a_proposals_story_reaches_its_author(ids):
    # The whole journey, told to the author in their notifications, newest first.
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = submitted(ids["youth"], cycle_id)
    to_feedback(ids["secretary"], cycle_id)
    question = comments.add(user(ids["friend"]), proposal_id, "How many lamps?", is_question=True,
                            now=IN_FEEDBACK)
    comments.add(user(ids["secretary"]), proposal_id, "Six.", parent_id=question.id, now=IN_FEEDBACK)
    review.publish_note(user(ids["secretary"]), proposal_id, Verdict.FEASIBLE, "Fine", now=IN_FEEDBACK)
    to_review(ids["secretary"], cycle_id)
    review.decide(user(ids["secretary"]), proposal_id, review.Decision.APPROVE, final_cost=1_000_000,
                  now=IN_REVIEW)
    assert [n.kind for n in notifications.for_user(ids["youth"])] == [
        "review_decision", "feasibility_note", "reply", "question"]
    assert [n.kind for n in notifications.for_user(ids["friend"])] == ["reply"]
    assert notifications.for_user(ids["secretary"]) == []
    assert notifications.unread_count(ids["youth"]) == 4
