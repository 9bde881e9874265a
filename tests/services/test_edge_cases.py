"""Edge cases found by testing the services: withdrawn and hidden things stay closed,
too long or too large input is refused with a message instead of a database error."""

from __future__ import annotations

import pytest

from tests.conftest import cycle_input, make_user
from tests.services import (
    IN_FEEDBACK,
    IN_PROPOSALS,
    T0,
    codes,
    count,
    draft,
    new_cycle,
    refused,
    submitted,
    to_feedback,
    user,
)
from ypb.domain.cycle import Phase
from ypb.domain.money import MAX_AMOUNT
from ypb.extensions import db
from ypb.models import Category, Comment, Cycle, Proposal, Revision
from ypb.services import Refused, comments, cycles, proposals
from ypb.services.proposals import ProposalInput, RevisionNote


@pytest.fixture
def ids(app, users):
    extra = {"friend": make_user(app, "friend")}
    with app.app_context():
        yield {**users, **extra}


def reload(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


# --- proposals -------------------------------------------------------------------------------


def test_listing_hides_withdrawn_proposals(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    submitted(ids["youth"], cycle_id, "Still in")
    gone = submitted(ids["youth"], cycle_id, "Changed my mind")
    proposals.withdraw(user(ids["youth"]), gone, now=IN_PROPOSALS)
    assert [p.title for p in proposals.listing(cycle_id)] == ["Still in"]
    assert [p.title for p in proposals.listing(cycle_id, query="mind")] == []


def test_a_withdrawn_draft_stays_private(ids):
    # It was never published: withdrawing it must not publish it.
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    secret = draft(ids["youth"], cycle_id, "My secret half-idea")
    proposals.withdraw(user(ids["youth"]), secret, now=IN_PROPOSALS)
    p = reload(Proposal, secret)
    assert not proposals.visible_to(p, user(ids["friend"]))
    assert not proposals.visible_to(p, None)
    for status in (None, "withdrawn"):
        assert [x.title for x in proposals.listing(cycle_id, status=status)] == []


def test_a_negative_cost_is_refused_not_a_database_error(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    exc = refused(proposals.create, user(ids["youth"]), cycle_id,
                  ProposalInput(title="Idea", estimated_cost=-100), now=IN_PROPOSALS)
    assert exc.field == "estimated_cost"


@pytest.mark.parametrize(("field", "length"), [
    ("title", 141), ("summary", 301), ("place", 201), ("group_name", 121), ("estimated_cost", None),
])
def test_too_long_text_or_too_large_cost_is_refused_not_a_database_error(ids, field, length):
    # The columns are String(140/300/200/120) and a 32-bit INTEGER on PostgreSQL: there the
    # insert fails with a DataError (an error page); SQLite silently stores the value.
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    value = MAX_AMOUNT + 1 if length is None else "x" * length
    exc = refused(proposals.create, user(ids["youth"]), cycle_id,
                  ProposalInput(**{"title": "Idea", field: value}), now=IN_PROPOSALS)
    assert exc.field == field
    assert count(Proposal) == 0


def test_a_too_long_change_note_is_refused_not_a_database_error(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = submitted(ids["youth"], cycle_id)
    to_feedback(ids["secretary"], cycle_id)
    data = ProposalInput(title="Skate park lights v2", summary="Lights so we can skate after dark.",
                         description="Six LED lamps.", estimated_cost=1_200_000)
    with pytest.raises(Refused):
        proposals.update(user(ids["youth"]), proposal_id, data, RevisionNote(change_note="x" * 501), now=IN_FEEDBACK)
    assert count(Revision) == 1


# --- comments --------------------------------------------------------------------------------


def test_no_comments_on_a_withdrawn_proposal(ids):
    # The proposal page shows no comment form once withdrawn; the service must agree.
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = submitted(ids["youth"], cycle_id)
    to_feedback(ids["secretary"], cycle_id)
    proposals.withdraw(user(ids["youth"]), proposal_id, now=IN_FEEDBACK)
    refused(comments.add, user(ids["friend"]), proposal_id, "Why?", now=IN_FEEDBACK)
    assert count(Comment) == 0


def test_no_reply_through_a_reply_into_a_hidden_thread(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = submitted(ids["youth"], cycle_id)
    to_feedback(ids["secretary"], cycle_id)
    top = comments.add(user(ids["friend"]), proposal_id, "Rude words", now=IN_FEEDBACK)
    answer = comments.add(user(ids["youth"]), proposal_id, "Please be nice", parent_id=top.id, now=IN_FEEDBACK)
    comments.hide(user(ids["secretary"]), top.id, "Rude", now=IN_FEEDBACK)
    # Replying to the hidden comment itself is refused ("comment.parent"); through its reply it is not.
    exc = refused(comments.add, user(ids["friend"]), proposal_id, "More rude words", parent_id=answer.id,
                  now=IN_FEEDBACK)
    assert codes(exc) == ["comment.parent"]


def test_listing_by_title_ignores_upper_and_lower_case(ids):
    # SQLite (and PostgreSQL with the C collation) sort by code point: every capitalised
    # title would come before every lower-case one.
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    for title in ("banana bikes", "Apple trees", "cinema nights", "Bus shelter"):
        submitted(ids["youth"], cycle_id, title)
    assert [p.title for p in proposals.listing(cycle_id, order="title")] == [
        "Apple trees", "banana bikes", "Bus shelter", "cinema nights"]


# --- cycles ----------------------------------------------------------------------------------


def test_changing_a_categorys_capitals_keeps_its_proposals(ids):
    # Categories are unique regardless of case, but kept by their exact name on update: fixing
    # "health" to "Health" silently untags every proposal in it.
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS, categories=["Influence", "health", "Climate"])
    health = next(c.id for c in db.session.get(Cycle, cycle_id).categories if c.name == "health")
    proposal_id = draft(ids["youth"], cycle_id, category_id=health)
    cycles.update(user(ids["secretary"]), cycle_id, cycle_input(ids["secretary"], T0,
                                                                categories=["Influence", "Health", "Climate"]))
    p = reload(Proposal, proposal_id)
    assert p.category_id is not None and p.category.name == "Health"
    assert count(Category) == 3
