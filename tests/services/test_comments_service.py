"""ypb.services.comments: comments, questions and one level of replies; who gets told;
answered questions; reports and moderation."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.exc import IntegrityError

from tests.conftest import make_user
from tests.services import (
    DAY,
    HOUR,
    IN_FEEDBACK,
    IN_PROPOSALS,
    IN_REVIEW,
    audit_entries,
    codes,
    count,
    draft,
    new_cycle,
    notifications_of,
    refused,
    submitted,
    to_feedback,
    to_review,
    user,
)
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import Comment, CommentReport, Notification
from ypb.services import comments
from ypb.services.comments import MAX_BODY


@pytest.fixture
def ids(app, users):
    """Role accounts plus `friend` and `neighbour` (young commenters) and `contact` (a council
    member named as the contact person of the cycle made by `open_feedback`)."""
    extra = {name: make_user(app, name) for name in ("friend", "neighbour")}
    extra["contact"] = make_user(app, "contact-person", "council")
    with app.app_context():
        yield {**users, **extra}


@pytest.fixture
def fb(ids):
    """A cycle in feedback whose contact person is `contact`; the youth's proposal in it,
    the friend's second proposal, and a private draft."""
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS, contact_id=ids["contact"])
    proposal = submitted(ids["youth"], cycle_id)
    other = submitted(ids["friend"], cycle_id, "Tree planting")
    private = draft(ids["youth"], cycle_id)
    to_feedback(ids["secretary"], cycle_id)
    return {"cycle": cycle_id, "proposal": proposal, "other": other, "draft": private}


def say(ids, who: str, proposal_id: int, body: str = "Nice idea!", **kwargs) -> Comment:
    kwargs.setdefault("now", IN_FEEDBACK)
    return comments.add(user(ids[who]), proposal_id, body, **kwargs)


def reload(comment_id: int) -> Comment:
    db.session.expire_all()
    return db.session.get(Comment, comment_id)


# --- writing -----------------------------------------------------------------------------


def test_comments_questions_and_replies(ids, fb):
    remark = say(ids, "friend", fb["proposal"], "  Solar lamps?  ")
    question = say(ids, "council", fb["proposal"], "How many lamps?", is_question=True, now=IN_FEEDBACK + HOUR)
    reply = say(ids, "youth", fb["proposal"], "Six.", parent_id=question.id, is_question=True,
                now=IN_FEEDBACK + 2 * HOUR)
    assert (reload(remark.id).body, reload(remark.id).is_question, reload(remark.id).created_at) == (
        "Solar lamps?", False, IN_FEEDBACK)
    assert reload(question.id).is_question
    reply = reload(reply.id)
    # A reply is never a question, even when asked to be.
    assert (reply.parent_id, reply.is_question, reply.author_id) == (question.id, False, ids["youth"])
    top = comments.thread(fb["proposal"])
    assert [c.id for c in top] == [remark.id, question.id]
    assert [r.id for r in top[1].replies] == [reply.id]
    assert comments.thread(fb["other"]) == []


def test_a_reply_to_a_reply_joins_the_top_level_comment(ids, fb):
    top = say(ids, "friend", fb["proposal"], "Solar lamps?")
    first = say(ids, "youth", fb["proposal"], "Maybe.", parent_id=top.id)
    second = say(ids, "neighbour", fb["proposal"], "Yes please.", parent_id=first.id)
    assert reload(second.id).parent_id == top.id
    (thread_top,) = comments.thread(fb["proposal"])
    assert [r.id for r in thread_top.replies] == [first.id, second.id]


def test_comments_are_open_in_the_proposals_phase_too(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = submitted(ids["youth"], cycle_id)
    assert comments.add(user(ids["friend"]), proposal_id, "Early thought", now=IN_PROPOSALS).id


def test_no_comments_once_the_review_has_started(ids, fb):
    top = say(ids, "friend", fb["proposal"])
    to_review(ids["secretary"], fb["cycle"])
    before = count(Comment)
    assert codes(refused(comments.add, user(ids["friend"]), fb["proposal"], "Too late",
                         now=IN_REVIEW)) == ["comment.phase"]
    assert codes(refused(comments.add, user(ids["youth"]), fb["proposal"], "Too late", parent_id=top.id,
                         now=IN_REVIEW)) == ["comment.phase"]
    assert count(Comment) == before


def test_drafts_and_missing_proposals_cannot_be_commented(ids, fb):
    for proposal_id in (fb["draft"], 424242):
        for who in ("youth", "friend"):  # not even the draft's own author
            exc = refused(comments.add, user(ids[who]), proposal_id, "Hello", now=IN_FEEDBACK)
            assert codes(exc) == ["proposal.missing"]
    assert count(Comment) == 0


@pytest.mark.parametrize(("body", "code"), [
    ("", "comment.empty"),
    ("   \n\t ", "comment.empty"),
    (None, "comment.empty"),
    ("x" * (MAX_BODY + 1), "comment.long"),
    ("  " + "x" * (MAX_BODY + 1) + "  ", "comment.long"),
])
def test_empty_or_too_long_bodies_are_refused(ids, fb, body, code):
    exc = refused(comments.add, user(ids["friend"]), fb["proposal"], body, now=IN_FEEDBACK)
    assert (exc.field, codes(exc)) == ("body", [code])
    assert count(Comment) == 0


def test_a_body_of_exactly_the_limit_is_fine(ids, fb):
    comment = say(ids, "friend", fb["proposal"], " " + "x" * MAX_BODY + " ")
    assert len(reload(comment.id).body) == MAX_BODY


def test_replies_only_to_visible_comments_of_the_same_proposal(ids, fb):
    elsewhere = say(ids, "friend", fb["other"], "On the trees")
    hidden = say(ids, "friend", fb["proposal"], "Rude words")
    comments.hide(user(ids["secretary"]), hidden.id, "Rude", now=IN_FEEDBACK)
    before = count(Comment)
    for parent_id in (elsewhere.id, hidden.id, 424242):
        exc = refused(comments.add, user(ids["youth"]), fb["proposal"], "Reply", parent_id=parent_id,
                      now=IN_FEEDBACK)
        assert codes(exc) == ["comment.parent"]
    assert count(Comment) == before


# --- who is told -----------------------------------------------------------------------------


def kinds(user_id: int) -> list[str]:
    return [n.kind for n in notifications_of(user_id)]


def test_the_author_is_told_of_comments_and_questions_but_not_of_their_own(ids, fb):
    say(ids, "friend", fb["proposal"], "Solar lamps?")
    say(ids, "council", fb["proposal"], "How many?", is_question=True)
    say(ids, "youth", fb["proposal"], "I will add a budget table.")
    assert kinds(ids["youth"]) == ["comment", "question"]
    first = notifications_of(ids["youth"])[0]
    assert first.proposal_id == fb["proposal"]
    assert json.loads(first.params) == {"title": "Skate park lights", "who": "Friend"}
    assert kinds(ids["friend"]) == kinds(ids["council"]) == []


def test_a_reply_tells_the_author_and_the_person_replied_to(ids, fb):
    top = say(ids, "friend", fb["proposal"], "Solar lamps?")
    say(ids, "neighbour", fb["proposal"], "Agreed", parent_id=top.id)
    assert kinds(ids["youth"]) == ["comment", "reply"]
    assert kinds(ids["friend"]) == ["reply"]
    assert kinds(ids["neighbour"]) == []


def test_the_author_replying_in_their_own_thread_tells_only_the_commenter(ids, fb):
    top = say(ids, "friend", fb["proposal"], "Solar lamps?")
    say(ids, "youth", fb["proposal"], "Good idea", parent_id=top.id)
    assert kinds(ids["youth"]) == ["comment"]
    assert kinds(ids["friend"]) == ["reply"]


def test_a_reply_under_the_authors_own_comment_tells_them_once(ids, fb):
    top = say(ids, "youth", fb["proposal"], "Update: costs added")
    say(ids, "friend", fb["proposal"], "Thanks", parent_id=top.id)
    assert kinds(ids["youth"]) == ["reply"]


# --- answered questions --------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "answered"), [
    ("contact", True),      # the cycle's contact person (here a council member)
    ("secretary", True),    # any secretary
    ("admin", True),
    ("council", False),     # another council member who is not the contact
    ("friend", False),      # another young person
    ("youth", False),       # the proposal's own author
])
def test_a_question_is_answered_by_the_contact_person_or_staff(ids, fb, who, answered):
    question = say(ids, "neighbour", fb["proposal"], "Who maintains the lamps?", is_question=True)
    say(ids, who, fb["proposal"], "The municipality.", parent_id=question.id, now=IN_FEEDBACK + DAY)
    assert reload(question.id).answered_at == (IN_FEEDBACK + DAY if answered else None)
    waiting = [q.id for q in comments.unanswered_questions(fb["cycle"])]
    assert waiting == ([] if answered else [question.id])


def test_an_answer_to_a_reply_under_the_question_counts_and_the_first_answer_is_kept(ids, fb):
    question = say(ids, "neighbour", fb["proposal"], "Who maintains them?", is_question=True)
    follow_up = say(ids, "friend", fb["proposal"], "Good question", parent_id=question.id)
    say(ids, "secretary", fb["proposal"], "We do.", parent_id=follow_up.id, now=IN_FEEDBACK + DAY)
    say(ids, "contact", fb["proposal"], "Yes, we do.", parent_id=question.id, now=IN_FEEDBACK + 2 * DAY)
    assert reload(question.id).answered_at == IN_FEEDBACK + DAY


def test_staff_replies_to_plain_comments_answer_nothing(ids, fb):
    remark = say(ids, "friend", fb["proposal"], "Nice")
    say(ids, "secretary", fb["proposal"], "Thanks", parent_id=remark.id)
    assert reload(remark.id).answered_at is None


def test_unanswered_questions_by_cycle_oldest_first_without_hidden_ones(ids, fb):
    other_cycle = new_cycle(ids["secretary"], Phase.PROPOSALS)
    elsewhere = submitted(ids["friend"], other_cycle, "Elsewhere")
    late = say(ids, "friend", fb["proposal"], "Late question?", is_question=True, now=IN_FEEDBACK + HOUR)
    early = say(ids, "neighbour", fb["other"], "Early question?", is_question=True, now=IN_FEEDBACK)
    hidden = say(ids, "neighbour", fb["proposal"], "Rude question?", is_question=True)
    far = comments.add(user(ids["neighbour"]), elsewhere, "Far question?", is_question=True, now=IN_PROPOSALS)
    say(ids, "friend", fb["proposal"], "Not a question")
    comments.hide(user(ids["secretary"]), hidden.id, "Rude", now=IN_FEEDBACK)
    assert [q.id for q in comments.unanswered_questions(fb["cycle"])] == [early.id, late.id]
    assert [q.id for q in comments.unanswered_questions(other_cycle)] == [far.id]
    assert {q.id for q in comments.unanswered_questions()} == {early.id, late.id, far.id}


# --- reports and moderation ------------------------------------------------------------------------


def test_reporting_twice_keeps_one_report_with_the_latest_reason(ids, fb):
    comment = say(ids, "friend", fb["proposal"], "Rude words")
    comments.report(user(ids["neighbour"]), comment.id, "Rude", now=IN_FEEDBACK)
    comments.report(user(ids["neighbour"]), comment.id, "  Very rude  ", now=IN_FEEDBACK + HOUR)
    (report,) = db.session.scalars(db.select(CommentReport)).all()
    assert (report.reporter_id, report.reason, report.resolved_at) == (ids["neighbour"], "Very rude", None)
    comments.report(user(ids["youth"]), comment.id, "Off topic", now=IN_FEEDBACK)
    assert count(CommentReport) == 2
    assert comments.open_report_count() == 1  # one comment, however many reports


def test_a_report_needs_a_reason_and_a_comment(ids, fb):
    comment = say(ids, "friend", fb["proposal"])
    exc = refused(comments.report, user(ids["neighbour"]), comment.id, "   ", now=IN_FEEDBACK)
    assert (exc.field, codes(exc)) == ("reason", ["report.reason"])
    assert codes(refused(comments.report, user(ids["neighbour"]), 424242, "Rude")) == ["comment.missing"]
    assert count(CommentReport) == 0


def test_hiding_needs_a_reason_and_changes_nothing_without_one(ids, fb):
    comment = say(ids, "friend", fb["proposal"], "Rude words")
    comments.report(user(ids["neighbour"]), comment.id, "Rude")
    exc = refused(comments.hide, user(ids["secretary"]), comment.id, "  ", now=IN_FEEDBACK)
    assert (exc.field, codes(exc)) == ("reason", ["moderation.reason"])
    assert not reload(comment.id).hidden
    assert comments.open_report_count() == 1
    assert audit_entries("comment.hide") == []


def test_hiding_keeps_the_reason_resolves_reports_and_is_audited(ids, fb):
    comment = say(ids, "friend", fb["proposal"], "Rude words")
    comments.report(user(ids["neighbour"]), comment.id, "Rude", now=IN_FEEDBACK)
    comments.report(user(ids["youth"]), comment.id, "Insulting", now=IN_FEEDBACK)
    comments.hide(user(ids["secretary"]), comment.id, " Insults another person. ", now=IN_FEEDBACK + HOUR)

    hidden = reload(comment.id)
    assert (hidden.hidden, hidden.hidden_reason, hidden.hidden_by_id, hidden.hidden_at) == (
        True, "Insults another person.", ids["secretary"], IN_FEEDBACK + HOUR)
    assert hidden.body == "Rude words"  # kept for the record, not deleted
    assert {r.resolved_at for r in db.session.scalars(db.select(CommentReport))} == {IN_FEEDBACK + HOUR}
    assert comments.moderation_queue() == [] and comments.open_report_count() == 0
    assert [c.id for c in comments.hidden_comments()] == [comment.id]
    (entry,) = audit_entries("comment.hide")
    assert (entry.subject, entry.actor) == (f"comment:{comment.id}", f"user:{ids['secretary']}")
    assert json.loads(entry.data) == {"reason": "Insults another person."}


def test_restoring_shows_the_comment_again(ids, fb):
    comment = say(ids, "friend", fb["proposal"], "Strong words")
    comments.hide(user(ids["secretary"]), comment.id, "Rude", now=IN_FEEDBACK)
    comments.restore(user(ids["admin"]), comment.id, "It was fair criticism", now=IN_FEEDBACK + HOUR)
    restored = reload(comment.id)
    assert (restored.hidden, restored.hidden_reason, restored.hidden_by_id, restored.hidden_at) == (
        False, None, None, None)
    assert comments.hidden_comments() == []
    (entry,) = audit_entries("comment.restore")
    assert (entry.actor, json.loads(entry.data)) == (f"user:{ids['admin']}", {"reason": "It was fair criticism"})


def test_keeping_a_reported_comment_closes_its_reports(ids, fb):
    comment = say(ids, "friend", fb["proposal"], "Strong words")
    comments.report(user(ids["neighbour"]), comment.id, "Rude")
    comments.restore(user(ids["secretary"]), comment.id, "", now=IN_FEEDBACK + HOUR)
    assert not reload(comment.id).hidden
    assert comments.moderation_queue() == []
    assert [e.action for e in audit_entries(subject=f"comment:{comment.id}")] == ["comment.keep"]


def test_the_moderation_queue_is_most_reported_first_with_reasons(ids, fb):
    once = say(ids, "friend", fb["proposal"], "Meh")
    thrice = say(ids, "friend", fb["proposal"], "Awful")
    twice_a = say(ids, "friend", fb["other"], "Bad")
    twice_b = say(ids, "neighbour", fb["other"], "Also bad")
    resolved = say(ids, "neighbour", fb["proposal"], "Was bad")
    for who, comment, reason in [
        ("youth", once, "Off topic"),
        ("youth", thrice, "Rude"), ("neighbour", thrice, "Insulting"), ("council", thrice, "Spam"),
        ("youth", twice_b, "Rude"), ("council", twice_b, "Rude too"),
        ("youth", twice_a, "Mean"), ("council", twice_a, "Mean too"),
        ("youth", resolved, "Rude"),
    ]:
        comments.report(user(ids[who]), comment.id, reason)
    comments.hide(user(ids["secretary"]), resolved.id, "Rude")

    queue = comments.moderation_queue()
    assert [(c.id, n) for c, n, _ in queue] == [(thrice.id, 3), (twice_a.id, 2), (twice_b.id, 2), (once.id, 1)]
    assert sorted(queue[0][2]) == ["Insulting", "Rude", "Spam"]
    assert queue[3][2] == ["Off topic"]
    assert comments.open_report_count() == 4


def test_the_database_refuses_a_hidden_comment_without_a_reason(ids, fb):
    comment = say(ids, "friend", fb["proposal"])
    db.session.get(Comment, comment.id).hidden = True
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert not reload(comment.id).hidden


def test_comment_notifications_roll_back_with_a_refusal(ids, fb):
    # A refused comment leaves no notification behind.
    refused(comments.add, user(ids["friend"]), fb["proposal"], "Reply", parent_id=424242, now=IN_FEEDBACK)
    assert count(Notification) == 0
