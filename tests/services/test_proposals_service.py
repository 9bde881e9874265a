"""ypb.services.proposals: drafts, submission, author edits with their public revision
history, withdrawal, and the public listing."""

from __future__ import annotations

import pytest

from tests.conftest import make_user
from tests.services import (
    DAY,
    IN_FEEDBACK,
    IN_PROPOSALS,
    IN_REVIEW,
    T0,
    codes,
    count,
    draft,
    new_cycle,
    refused,
    submitted,
    to_feedback,
    to_review,
    user,
)
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import Comment, Cycle, Proposal, Revision
from ypb.services import comments, proposals
from ypb.services.proposals import ProposalInput, RevisionNote

BUDGET = 5_000_000  # cycle_input's budget_total


@pytest.fixture
def ids(app, users):
    """The role accounts plus: `old` (30 when the 2030 vote closes), `visitor` (not resident)
    and `friend` (another young author). Made before anything is read, so every session
    sees them."""
    extra = {
        "old": make_user(app, "old-youth", birth_year=2000),
        "visitor": make_user(app, "visitor", resident=False),
        "friend": make_user(app, "friend"),
    }
    with app.app_context():
        yield {**users, **extra}


def reload(proposal_id: int) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id)


def category_id(cycle_id: int, name: str) -> int:
    return next(c.id for c in db.session.get(Cycle, cycle_id).categories if c.name == name)


def revisions_of(proposal_id: int) -> list[Revision]:
    return reload(proposal_id).revisions


# --- creating and submitting ----------------------------------------------------------------


def test_a_draft_is_saved_private_and_without_history(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal = proposals.create(user(ids["youth"]), cycle_id, ProposalInput(
        title="  Outdoor gym ", summary=" Bars in the park. ", place="   ", group_name=" Park crew ",
        category_id=category_id(cycle_id, "Health")), now=IN_PROPOSALS)
    p = reload(proposal.id)
    assert (p.title, p.summary, p.place, p.group_name) == ("Outdoor gym", "Bars in the park.", None, "Park crew")
    assert (p.status, p.author_id, p.created_at, p.submitted_at) == ("draft", ids["youth"], IN_PROPOSALS, None)
    assert p.category.name == "Health"
    assert not p.is_public and p.revisions == []
    assert [d.id for d in proposals.of_author(ids["youth"])] == [p.id]
    assert proposals.of_author(ids["friend"]) == []


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.FEEDBACK, Phase.REVIEW])
def test_proposals_are_only_made_in_the_proposals_phase(ids, phase):
    cycle_id = new_cycle(ids["secretary"], Phase.DRAFT if phase == Phase.DRAFT else Phase.PROPOSALS)
    if phase in (Phase.FEEDBACK, Phase.REVIEW):
        to_feedback(ids["secretary"], cycle_id)
    if phase == Phase.REVIEW:
        to_review(ids["secretary"], cycle_id)
    for submit in (False, True):
        exc = refused(proposals.create, user(ids["youth"]), cycle_id, ProposalInput(
            title="Late idea", summary="Too late.", estimated_cost=100), submit=submit, now=IN_REVIEW)
        assert codes(exc) == ["proposal.phase"]
    assert count(Proposal) == 0


@pytest.mark.parametrize(("who", "overrides", "expected"), [
    ("old", {}, ["eligibility.age"]),
    ("visitor", {}, ["eligibility.residency"]),
    ("visitor", {"residency_required": False}, []),
    ("youth", {"max_age": 23}, ["eligibility.age"]),   # born 2006: 24 when the 2030 vote closes
    ("youth", {"max_age": 24}, []),                    # the upper bound is inclusive
])
def test_only_eligible_people_can_propose(ids, who, overrides, expected):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS, **overrides)
    args = (user(ids[who]), cycle_id, ProposalInput(title="My idea"))
    if expected:
        assert codes(refused(proposals.create, *args, now=IN_PROPOSALS)) == expected
        assert count(Proposal) == 0
    else:
        assert proposals.create(*args, now=IN_PROPOSALS).status == "draft"


def test_a_title_is_needed_and_the_category_must_be_the_cycles_own(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    other_cycle = new_cycle(ids["secretary"], Phase.PROPOSALS)
    exc = refused(proposals.create, user(ids["youth"]), cycle_id, ProposalInput(title="   "), now=IN_PROPOSALS)
    assert (exc.field, codes(exc)) == ("title", ["proposal.title"])
    exc = refused(proposals.create, user(ids["youth"]), cycle_id, ProposalInput(
        title="Gym", category_id=category_id(other_cycle, "Health")), now=IN_PROPOSALS)
    assert (exc.field, codes(exc)) == ("category_id", ["proposal.category"])
    assert count(Proposal) == 0


def test_submitting_needs_a_summary_then_a_cost(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = draft(ids["youth"], cycle_id)
    author = user(ids["youth"])

    exc = refused(proposals.submit, author, proposal_id, now=IN_PROPOSALS)
    assert (exc.field, codes(exc)) == ("summary", ["proposal.summary"])
    proposals.update(author, proposal_id, ProposalInput(title="My draft idea", summary="Short."), now=IN_PROPOSALS)
    exc = refused(proposals.submit, author, proposal_id, now=IN_PROPOSALS)
    assert (exc.field, codes(exc)) == ("estimated_cost", ["proposal.cost"])
    assert reload(proposal_id).status == "draft"
    assert count(Revision) == 0


@pytest.mark.parametrize(("cost", "expected"), [
    (BUDGET + 1, ["proposal.cost_over_budget"]),
    (BUDGET, []),
    (0, []),
])
def test_the_cost_may_not_exceed_the_whole_budget(ids, cost, expected):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = draft(ids["youth"], cycle_id, summary="Short.", estimated_cost=cost)
    if expected:
        exc = refused(proposals.submit, user(ids["youth"]), proposal_id, now=IN_PROPOSALS)
        assert (exc.field, codes(exc)) == ("estimated_cost", expected)
        assert reload(proposal_id).status == "draft"
    else:
        assert proposals.submit(user(ids["youth"]), proposal_id, now=IN_PROPOSALS).status == "submitted"


def test_a_refused_immediate_submission_stores_nothing(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    exc = refused(proposals.create, user(ids["youth"]), cycle_id, ProposalInput(title="Idea", summary="Short."),
                  submit=True, now=IN_PROPOSALS)
    assert exc.field == "estimated_cost"
    assert (count(Proposal), count(Revision)) == (0, 0)


def test_submission_makes_it_public_with_revision_one(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = draft(ids["youth"], cycle_id, summary="Bars in the park.", estimated_cost=300_000,
                        place="Central park", category_id=category_id(cycle_id, "Health"))
    proposals.submit(user(ids["youth"]), proposal_id, now=IN_PROPOSALS + DAY)
    p = reload(proposal_id)
    assert (p.status, p.submitted_at, p.is_public) == ("submitted", IN_PROPOSALS + DAY, True)
    (first,) = p.revisions
    assert (first.number, first.title, first.summary, first.estimated_cost, first.category_name, first.place,
            first.change_note, first.answers_feedback, first.created_at) == (
        1, "My draft idea", "Bars in the park.", 300_000, "Health", "Central park", None, False,
        IN_PROPOSALS + DAY)


def test_submit_is_refused_twice_for_others_and_after_the_proposals_phase(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    done = submitted(ids["youth"], cycle_id)
    late = draft(ids["youth"], cycle_id, summary="Short.", estimated_cost=100)
    assert codes(refused(proposals.submit, user(ids["youth"]), done, now=IN_PROPOSALS)) == ["proposal.submitted"]
    assert codes(refused(proposals.submit, user(ids["friend"]), late, now=IN_PROPOSALS)) == ["proposal.missing"]
    to_feedback(ids["secretary"], cycle_id)
    assert codes(refused(proposals.submit, user(ids["youth"]), late, now=IN_FEEDBACK)) == ["proposal.phase"]
    assert reload(late).status == "draft"


# --- editing ----------------------------------------------------------------------------------


def feedback_proposal(ids, *others: str) -> tuple[int, int]:
    """A cycle in feedback with the youth's proposal (and the friend's `others`)."""
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = submitted(ids["youth"], cycle_id)
    for title in others:
        submitted(ids["friend"], cycle_id, title)
    to_feedback(ids["secretary"], cycle_id)
    return cycle_id, proposal_id


SKATE = dict(title="Skate park lights", summary="Lights so we can skate after dark.",
             description="Six LED lamps.", estimated_cost=1_200_000)


def test_an_edit_during_feedback_is_revision_two_answering_comments(ids):
    cycle_id, proposal_id = feedback_proposal(ids, "Tree planting")
    elsewhere = proposals.listing(cycle_id, query="Tree planting")[0].id
    question = comments.add(user(ids["council"]), proposal_id, "How many lamps?", is_question=True,
                            now=IN_FEEDBACK).id
    remark = comments.add(user(ids["friend"]), proposal_id, "Solar ones please", now=IN_FEEDBACK).id
    foreign = comments.add(user(ids["council"]), elsewhere, "Which trees?", now=IN_FEEDBACK).id

    edit = ProposalInput(**{**SKATE, "description": "Eight solar LED lamps.", "estimated_cost": 1_400_000})
    note = RevisionNote(change_note="  Eight solar lamps, as asked. ", answers_feedback=True,
                        addressed_comment_ids=[question, remark, foreign, 999_999])
    proposals.update(user(ids["youth"]), proposal_id, edit, note, now=IN_FEEDBACK + DAY)

    p = reload(proposal_id)
    assert (p.description, p.estimated_cost, p.updated_at) == ("Eight solar LED lamps.", 1_400_000,
                                                               IN_FEEDBACK + DAY)
    first, second = p.revisions
    assert (first.number, first.description, first.estimated_cost) == (1, "Six LED lamps.", 1_200_000)
    assert (second.number, second.description, second.estimated_cost, second.change_note,
            second.answers_feedback, second.created_at) == (
        2, "Eight solar LED lamps.", 1_400_000, "Eight solar lamps, as asked.", True, IN_FEEDBACK + DAY)
    assert [c.id for c in second.addresses] == [question, remark]  # the other proposal's comment is not linked
    assert db.session.get(Comment, foreign) is not None


def test_every_later_edit_is_the_next_revision(ids):
    _, proposal_id = feedback_proposal(ids)
    for n, cost in enumerate((1_300_000, 1_100_000, 900_000), start=2):
        proposals.update(user(ids["youth"]), proposal_id, ProposalInput(**{**SKATE, "estimated_cost": cost}),
                         now=IN_FEEDBACK)
        assert [r.number for r in revisions_of(proposal_id)] == list(range(1, n + 1))
    assert [r.estimated_cost for r in revisions_of(proposal_id)] == [1_200_000, 1_300_000, 1_100_000, 900_000]


@pytest.mark.parametrize("same", [
    SKATE,
    {**SKATE, "title": "  Skate park lights  ", "description": "Six LED lamps.\n"},  # only spacing around
])
def test_an_edit_that_changes_nothing_is_refused(ids, same):
    _, proposal_id = feedback_proposal(ids)
    exc = refused(proposals.update, user(ids["youth"]), proposal_id, ProposalInput(**same),
                  RevisionNote(change_note="Nothing really"), now=IN_FEEDBACK)
    assert codes(exc) == ["proposal.unchanged"]
    assert [r.number for r in revisions_of(proposal_id)] == [1]


def test_an_edit_over_the_budget_is_refused_and_nothing_changes(ids):
    _, proposal_id = feedback_proposal(ids)
    exc = refused(proposals.update, user(ids["youth"]), proposal_id,
                  ProposalInput(**{**SKATE, "title": "Bigger", "estimated_cost": BUDGET + 1}), now=IN_FEEDBACK)
    assert exc.field == "estimated_cost"
    p = reload(proposal_id)
    assert (p.title, p.estimated_cost, len(p.revisions)) == ("Skate park lights", 1_200_000, 1)


def test_editing_a_draft_keeps_no_history(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = draft(ids["youth"], cycle_id)
    proposals.update(user(ids["youth"]), proposal_id, ProposalInput(title="Better idea"), now=IN_PROPOSALS)
    p = reload(proposal_id)
    assert (p.title, p.status, p.revisions) == ("Better idea", "draft", [])


def test_no_edits_once_the_review_has_started(ids):
    cycle_id, proposal_id = feedback_proposal(ids)
    to_review(ids["secretary"], cycle_id)
    exc = refused(proposals.update, user(ids["youth"]), proposal_id, ProposalInput(**{**SKATE, "title": "Late"}),
                  now=IN_REVIEW)
    assert codes(exc) == ["proposal.locked"]
    p = reload(proposal_id)
    assert (p.title, len(p.revisions)) == ("Skate park lights", 1)


@pytest.mark.parametrize("who", ["friend", "secretary", "admin"])
def test_nobody_else_can_edit_submit_or_withdraw_it(ids, who):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    public = submitted(ids["youth"], cycle_id)
    private = draft(ids["youth"], cycle_id, summary="Short.", estimated_cost=100)
    someone = user(ids[who])
    for proposal_id in (public, private):
        exc = refused(proposals.update, someone, proposal_id, ProposalInput(title="Mine now"), now=IN_PROPOSALS)
        assert codes(exc) == ["proposal.missing"]  # the same answer as for a proposal that does not exist
        assert codes(refused(proposals.withdraw, someone, proposal_id, now=IN_PROPOSALS)) == ["proposal.missing"]
    assert codes(refused(proposals.submit, someone, private, now=IN_PROPOSALS)) == ["proposal.missing"]
    assert [reload(i).title for i in (public, private)] == ["Skate park lights", "My draft idea"]
    assert reload(private).status == "draft"
    assert codes(refused(proposals.update, user(ids["youth"]), 424242, ProposalInput(title="x"),
                         now=IN_PROPOSALS)) == ["proposal.missing"]


# --- withdrawing ----------------------------------------------------------------------------


def test_withdraw_during_proposals_and_feedback_but_not_in_review(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    early = submitted(ids["youth"], cycle_id, "Early")
    in_feedback = submitted(ids["youth"], cycle_id, "In feedback")
    too_late = submitted(ids["youth"], cycle_id, "Too late")
    proposals.withdraw(user(ids["youth"]), early, now=IN_PROPOSALS)
    to_feedback(ids["secretary"], cycle_id)
    proposals.withdraw(user(ids["youth"]), in_feedback, now=IN_FEEDBACK)
    to_review(ids["secretary"], cycle_id)
    assert codes(refused(proposals.withdraw, user(ids["youth"]), too_late, now=IN_REVIEW)) == ["proposal.locked"]
    assert [reload(i).status for i in (early, in_feedback, too_late)] == ["withdrawn", "withdrawn", "submitted"]
    assert reload(early).updated_at == IN_PROPOSALS


def test_a_withdrawn_proposal_cannot_be_edited_or_withdrawn_again(ids):
    _, proposal_id = feedback_proposal(ids)
    proposals.withdraw(user(ids["youth"]), proposal_id, now=IN_FEEDBACK)
    assert codes(refused(proposals.update, user(ids["youth"]), proposal_id,
                         ProposalInput(**{**SKATE, "title": "Back"}), now=IN_FEEDBACK)) == ["proposal.locked"]
    assert codes(refused(proposals.withdraw, user(ids["youth"]), proposal_id, now=IN_FEEDBACK)) == ["proposal.locked"]


# --- listing and visibility -------------------------------------------------------------------


@pytest.fixture
def shelf(ids):
    """A cycle in feedback with public proposals, a draft and a withdrawn one; ids by title."""
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    health, climate = category_id(cycle_id, "Health"), category_id(cycle_id, "Climate")
    made = {"cycle": cycle_id, "health": health, "climate": climate}
    for n, (title, fields) in enumerate([
        ("Skate park lights", {"category_id": health, "estimated_cost": 1_200_000}),
        ("Tree planting", {"category_id": climate, "estimated_cost": 300_000, "place": "Riverside"}),
        ("Discount 50% for teens", {"estimated_cost": 900_000}),
        ("50 new benches", {"estimated_cost": 2_000_000, "summary": "Benches in every park."}),
        ("free_wifi", {"estimated_cost": 500_000}),
        ("free wifi everywhere", {"estimated_cost": 700_000, "description": "Routers in the SKATE park."}),
    ]):
        fields = {"summary": f"Idea number {n}.", "description": "", **fields}
        made[title] = submitted(ids["youth"], cycle_id, title, now=IN_PROPOSALS + n * DAY, **fields)
    made["draft"] = draft(ids["youth"], cycle_id, "Secret draft about benches")
    return made


def titles(found):
    return [p.title for p in found]


def test_listing_is_newest_first_and_leaves_drafts_out(shelf):
    assert titles(proposals.listing(shelf["cycle"])) == [
        "free wifi everywhere", "free_wifi", "50 new benches", "Discount 50% for teens", "Tree planting",
        "Skate park lights"]


@pytest.mark.parametrize(("filters", "expected"), [
    ({"category_id": "health"}, ["Skate park lights"]),
    ({"category_id": "climate"}, ["Tree planting"]),
    ({"query": "skate"}, ["free wifi everywhere", "Skate park lights"]),          # title or description
    ({"query": "  SKATE  "}, ["free wifi everywhere", "Skate park lights"]),
    ({"query": "riverside"}, ["Tree planting"]),                                # place
    ({"query": "every park"}, ["50 new benches"]),                              # summary
    ({"query": "50%"}, ["Discount 50% for teens"]),                             # % is a percent sign
    ({"query": "%"}, ["Discount 50% for teens"]),
    ({"query": "free_wifi"}, ["free_wifi"]),                                    # _ is an underscore
    ({"query": "_"}, ["free_wifi"]),
    ({"query": "benches"}, ["50 new benches"]),                                 # never the draft
    ({"query": "nothing like this"}, []),
    ({"query": "\\"}, []),
    ({"query": "   "}, None),                                                    # blank: no filter
    ({"category_id": "health", "query": "tree"}, []),
    ({"status": "submitted", "category_id": "climate"}, ["Tree planting"]),
    ({"status": "approved"}, []),
    ({"status": "draft"}, None),                                                 # not a public status: ignored
    ({"status": "nonsense"}, None),
])
def test_listing_filters(shelf, filters, expected):
    if "category_id" in filters:
        filters = {**filters, "category_id": shelf[filters["category_id"]]}
    found = titles(proposals.listing(shelf["cycle"], **filters))
    assert found == (expected if expected is not None else titles(proposals.listing(shelf["cycle"])))
    assert "Secret draft about benches" not in found


def test_listing_orders_by_title_and_cost(shelf):
    assert titles(proposals.listing(shelf["cycle"], order="title"))[:2] == ["50 new benches",
                                                                             "Discount 50% for teens"]
    assert titles(proposals.listing(shelf["cycle"], order="cost")) == [
        "Tree planting", "free_wifi", "free wifi everywhere", "Discount 50% for teens", "Skate park lights",
        "50 new benches"]


def test_random_order_is_stable_for_a_seed_and_differs_between_seeds(ids, shelf):
    for n in range(2):
        submitted(ids["friend"], shelf["cycle"], f"Extra idea {n}")
    newest = titles(proposals.listing(shelf["cycle"]))
    assert len(newest) == 8
    orders = {seed: titles(proposals.listing(shelf["cycle"], order="random", seed=seed))
              for seed in ("visitor-a", "visitor-b", "visitor-c")}
    for seed, order in orders.items():
        assert sorted(order) == sorted(newest)
        assert titles(proposals.listing(shelf["cycle"], order="random", seed=seed)) == order
    assert len({tuple(o) for o in orders.values()}) == 3
    assert all(order != newest for order in orders.values())


def test_listing_is_per_cycle(ids, shelf):
    other = new_cycle(ids["secretary"], Phase.PROPOSALS)
    submitted(ids["youth"], other, "Elsewhere")
    assert "Elsewhere" not in titles(proposals.listing(shelf["cycle"]))
    assert titles(proposals.listing(other)) == ["Elsewhere"]


def test_drafts_are_visible_only_to_their_author(ids, shelf):
    from flask_login import AnonymousUserMixin

    private, public = reload(shelf["draft"]), reload(shelf["Tree planting"])
    assert proposals.visible_to(private, user(ids["youth"]))
    for viewer in (None, AnonymousUserMixin(), user(ids["friend"]), user(ids["secretary"]), user(ids["admin"])):
        assert not proposals.visible_to(private, viewer)
        assert proposals.visible_to(public, viewer)


def test_categories_of_are_in_the_cycles_order(shelf):
    assert [c.name for c in proposals.categories_of(shelf["cycle"])] == ["Influence", "Health", "Climate"]


def test_the_world_fixture_draft_stays_private(app, world):
    with app.app_context():
        assert titles(proposals.listing(world["cycle_proposals"])) == []
        assert proposals.get(world["draft"]).status == "draft"
        assert titles(proposals.listing(world["cycle_feedback"])) == ["Skate park lights"]


def test_dates_are_kept_in_utc(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = submitted(ids["youth"], cycle_id, now=T0 + 3 * DAY)
    assert reload(proposal_id).submitted_at == T0 + 3 * DAY
    assert reload(proposal_id).submitted_at.utcoffset().total_seconds() == 0
