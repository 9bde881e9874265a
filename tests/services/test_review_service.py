"""ypb.services.review: feasibility notes during feedback and the review decisions
(approve with a final cost, reject with a public reason, merge into another proposal)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.exc import IntegrityError

from tests.conftest import make_user
from tests.services import (
    HOUR,
    IN_FEEDBACK,
    IN_PROPOSALS,
    IN_REVIEW,
    REVIEW_AT,
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
from ypb.models import AuditEntry, Cycle, FeasibilityNote, Notification, Proposal, Verdict
from ypb.services import proposals, review
from ypb.services.review import Decision

BUDGET = 5_000_000


@pytest.fixture
def ids(app, users):
    extra = {"friend": make_user(app, "friend")}
    with app.app_context():
        yield {**users, **extra}


def build(ids, *, review_phase: bool) -> dict:
    """A cycle with the youth's proposals A, B, C, the friend's D, a withdrawn W and a draft,
    moved to feedback (and on to review when asked)."""
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    made = {"cycle": cycle_id}
    for key, title, cost in [("A", "Skate park lights", 1_200_000), ("B", "Skate ramp", 2_000_000),
                             ("C", "Tree planting", 300_000)]:
        made[key] = submitted(ids["youth"], cycle_id, title, estimated_cost=cost)
    made["D"] = submitted(ids["friend"], cycle_id, "Outdoor gym", estimated_cost=900_000)
    made["W"] = submitted(ids["friend"], cycle_id, "Withdrawn idea")
    made["draft"] = draft(ids["youth"], cycle_id, summary="Short.", estimated_cost=100)
    to_feedback(ids["secretary"], cycle_id)
    proposals.withdraw(user(ids["friend"]), made["W"], now=IN_FEEDBACK)
    if review_phase:
        to_review(ids["secretary"], cycle_id)
    return made


@pytest.fixture
def fb(ids):
    return build(ids, review_phase=False)


@pytest.fixture
def rv(ids):
    return build(ids, review_phase=True)


def reload(proposal_id: int) -> Proposal:
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id)


def secretary(ids):
    return user(ids["secretary"])


# --- feasibility notes ------------------------------------------------------------------------


def test_a_note_is_published_audited_and_told_to_the_author(ids, fb):
    note = review.publish_note(secretary(ids), fb["A"], Verdict.NEEDS_CHANGE, "  Lamps must be LED class A. ",
                               municipal_cost=1_500_000, now=IN_FEEDBACK + HOUR)
    p = reload(fb["A"])
    stored = p.latest_note
    assert stored.id == note.id
    assert (stored.verdict, stored.reason, stored.municipal_cost, stored.author_id, stored.created_at) == (
        "needs_change", "Lamps must be LED class A.", 1_500_000, ids["secretary"], IN_FEEDBACK + HOUR)
    (entry,) = audit_entries("proposal.feasibility")
    assert (entry.subject, entry.actor) == (f"proposal:{fb['A']}", f"user:{ids['secretary']}")
    assert json.loads(entry.data) == {"verdict": "needs_change", "municipal_cost": 1_500_000}
    (told,) = notifications_of(ids["youth"], "feasibility_note")
    assert told.proposal_id == fb["A"]
    assert json.loads(told.params) == {"title": "Skate park lights", "verdict": "needs_change"}


def test_later_notes_follow_earlier_ones(ids, fb):
    review.publish_note(secretary(ids), fb["A"], Verdict.NEEDS_CHANGE, "Too many lamps", now=IN_FEEDBACK)
    review.publish_note(secretary(ids), fb["A"], "feasible", "Fine now", now=IN_FEEDBACK + HOUR)
    p = reload(fb["A"])
    assert [n.verdict for n in p.notes] == ["needs_change", "feasible"]
    assert p.latest_note.reason == "Fine now" and p.latest_note.municipal_cost is None


def nothing_published(entries_before: int) -> bool:
    return (count(FeasibilityNote), count(Notification), count(AuditEntry)) == (0, 0, entries_before)


@pytest.mark.parametrize(("target", "reason", "cost", "field", "code"), [
    ("A", "", None, "reason", "note.reason"),
    ("A", "   ", None, "reason", "note.reason"),
    ("A", "Fine", -1, "municipal_cost", "note.cost"),
    ("W", "Fine", None, None, "note.status"),        # withdrawn
    ("draft", "Fine", None, None, "proposal.missing"),
    ("missing", "Fine", None, None, "proposal.missing"),
])
def test_note_refusals(ids, fb, target, reason, cost, field, code):
    before = count(AuditEntry)
    exc = refused(review.publish_note, secretary(ids), fb.get(target, 424242), Verdict.FEASIBLE, reason,
                  municipal_cost=cost, now=IN_FEEDBACK)
    assert (exc.field, codes(exc)) == (field, [code])
    assert nothing_published(before)


def test_notes_only_during_feedback(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = submitted(ids["youth"], cycle_id)
    before = count(AuditEntry)
    exc = refused(review.publish_note, secretary(ids), proposal_id, Verdict.FEASIBLE, "Fine", now=IN_PROPOSALS)
    assert codes(exc) == ["note.phase"]
    to_feedback(ids["secretary"], cycle_id)
    to_review(ids["secretary"], cycle_id)
    before = count(AuditEntry)
    exc = refused(review.publish_note, secretary(ids), proposal_id, Verdict.FEASIBLE, "Fine", now=IN_REVIEW)
    assert codes(exc) == ["note.phase"]
    assert nothing_published(before)


# --- decisions ----------------------------------------------------------------------------------


def test_no_decisions_during_feedback(ids, fb):
    for decision, kwargs in [(Decision.APPROVE, {"final_cost": 100}), (Decision.REJECT, {"reason": "No"}),
                             (Decision.MERGE, {"merged_into_id": fb["B"]})]:
        exc = refused(review.decide, secretary(ids), fb["A"], decision, now=IN_FEEDBACK, **kwargs)
        assert codes(exc) == ["review.wrong_phase"]
    p = reload(fb["A"])
    assert (p.status, p.decided_at, p.final_cost) == ("submitted", None, None)
    assert audit_entries("proposal.review") == []


def test_the_world_feedback_proposal_cannot_be_decided_yet(app, world):
    with app.app_context():
        exc = refused(review.decide, user(world["secretary"]), world["proposal"], Decision.APPROVE,
                      final_cost=1_000_000)
        assert codes(exc) == ["review.wrong_phase"]
        assert review.decide(user(world["secretary"]), world["review_proposal"], Decision.APPROVE,
                             final_cost=800_000).status == "approved"


def test_approval_puts_it_on_the_ballot_with_its_final_cost(ids, rv):
    review.decide(secretary(ids), rv["A"], Decision.APPROVE, final_cost=1_100_000,
                  council_decision_ref="  Council 2030/12 ", now=IN_REVIEW)
    p = reload(rv["A"])
    assert (p.status, p.final_cost, p.merged_into_id, p.decision_reason, p.council_decision_ref) == (
        "approved", 1_100_000, None, None, "Council 2030/12")
    assert (p.decided_at, p.decided_by_id) == (IN_REVIEW, ids["secretary"])
    (entry,) = audit_entries("proposal.review")
    assert entry.subject == f"proposal:{rv['A']}"
    assert json.loads(entry.data) == {"decision": "approve", "final_cost": 1_100_000, "merged_into": None,
                                      "reason": None, "council_decision": "Council 2030/12"}
    (told,) = notifications_of(ids["youth"], "review_decision")
    assert json.loads(told.params) == {"title": "Skate park lights", "decision": "approve"}


@pytest.mark.parametrize(("final_cost", "code"), [
    (None, "review.cost"),
    (BUDGET + 1, "review.cost_over"),
    (-1, "review.cost_negative"),
])
def test_approval_needs_a_final_cost_within_the_budget(ids, rv, final_cost, code):
    exc = refused(review.decide, secretary(ids), rv["A"], Decision.APPROVE, final_cost=final_cost, now=IN_REVIEW)
    assert (exc.field, codes(exc)) == ("final_cost", [code])
    assert reload(rv["A"]).status == "submitted"
    assert audit_entries("proposal.review") == [] and notifications_of(ids["youth"]) == []


@pytest.mark.parametrize("final_cost", [BUDGET, 0])
def test_approval_at_the_edges_of_the_budget(ids, rv, final_cost):
    review.decide(secretary(ids), rv["A"], Decision.APPROVE, final_cost=final_cost, now=IN_REVIEW)
    assert reload(rv["A"]).final_cost == final_cost


def test_rejection_needs_a_public_reason(ids, rv):
    exc = refused(review.decide, secretary(ids), rv["A"], Decision.REJECT, reason="  ", now=IN_REVIEW)
    assert (exc.field, codes(exc)) == ("reason", ["review.reason"])
    assert reload(rv["A"]).status == "submitted"
    review.decide(secretary(ids), rv["A"], Decision.REJECT, reason=" The park is being rebuilt. ",
                  final_cost=999, now=IN_REVIEW)
    p = reload(rv["A"])
    assert (p.status, p.decision_reason, p.final_cost) == ("rejected", "The park is being rebuilt.", None)


@pytest.mark.parametrize("target", ["A", "W", "draft", "other_cycle", "missing", None])
def test_a_merge_needs_another_live_proposal_of_the_same_cycle(ids, rv, target):
    other_cycle = new_cycle(ids["secretary"], Phase.PROPOSALS)
    places = {**rv, "other_cycle": submitted(ids["youth"], other_cycle, "Elsewhere"), "missing": 424242}
    exc = refused(review.decide, secretary(ids), rv["A"], Decision.MERGE,
                  merged_into_id=places[target] if target else None, reason="Same idea", now=IN_REVIEW)
    assert (exc.field, codes(exc)) == ("merged_into_id", ["review.merge"])
    assert reload(rv["A"]).status == "submitted"


@pytest.mark.parametrize("target_decision", ["merge", "reject"])
def test_no_merge_into_a_proposal_that_is_out_of_the_running(ids, rv, target_decision):
    if target_decision == "merge":
        review.decide(secretary(ids), rv["B"], Decision.MERGE, merged_into_id=rv["C"], now=IN_REVIEW)
    else:
        review.decide(secretary(ids), rv["B"], Decision.REJECT, reason="No space", now=IN_REVIEW)
    exc = refused(review.decide, secretary(ids), rv["A"], Decision.MERGE, merged_into_id=rv["B"], now=IN_REVIEW)
    assert codes(exc) == ["review.merge"]


@pytest.mark.parametrize("target_status", ["submitted", "approved"])
def test_merging_into_a_live_proposal(ids, rv, target_status):
    if target_status == "approved":
        review.decide(secretary(ids), rv["B"], Decision.APPROVE, final_cost=2_000_000, now=IN_REVIEW)
    review.decide(secretary(ids), rv["A"], Decision.MERGE, merged_into_id=rv["B"], reason="Both are about skating",
                  now=IN_REVIEW)
    p = reload(rv["A"])
    assert (p.status, p.merged_into_id, p.merged_into.title, p.final_cost, p.decision_reason) == (
        "merged", rv["B"], "Skate ramp", None, "Both are about skating")


def test_decisions_can_change_during_review_and_each_is_audited_and_told(ids, rv):
    steps = [
        (Decision.APPROVE, {"final_cost": 1_000_000}, ("approved", 1_000_000, None)),
        (Decision.REJECT, {"reason": "Too expensive after all"}, ("rejected", None, None)),
        (Decision.MERGE, {"merged_into_id": rv["B"]}, ("merged", None, rv["B"])),
        (Decision.APPROVE, {"final_cost": 1_200_000}, ("approved", 1_200_000, None)),
    ]
    for n, (decision, kwargs, expected) in enumerate(steps):
        review.decide(secretary(ids), rv["A"], decision, now=IN_REVIEW + n * HOUR, **kwargs)
        p = reload(rv["A"])
        assert (p.status, p.final_cost, p.merged_into_id) == expected
        assert p.decided_at == IN_REVIEW + n * HOUR
    entries = audit_entries("proposal.review", f"proposal:{rv['A']}")
    assert [json.loads(e.data)["decision"] for e in entries] == ["approve", "reject", "merge", "approve"]
    told = notifications_of(ids["youth"], "review_decision")
    assert [json.loads(n.params)["decision"] for n in told] == ["approve", "reject", "merge", "approve"]
    assert reload(rv["A"]).decision_reason is None  # the old rejection reason does not linger


def test_a_proposal_others_were_merged_into_cannot_be_rejected(ids, rv):
    review.decide(secretary(ids), rv["A"], Decision.MERGE, merged_into_id=rv["B"], now=IN_REVIEW)
    exc = refused(review.decide, secretary(ids), rv["B"], Decision.REJECT, reason="No space", now=IN_REVIEW)
    assert (exc.field, codes(exc)) == ("decision", ["review.has_merged"])
    assert "Skate park lights" in exc.refusals[0].params["titles"]
    assert (reload(rv["B"]).status, reload(rv["A"]).merged_into_id) == ("submitted", rv["B"])
    # Once A is decided otherwise, B can be rejected.
    review.decide(secretary(ids), rv["A"], Decision.APPROVE, final_cost=100, now=IN_REVIEW)
    review.decide(secretary(ids), rv["B"], Decision.REJECT, reason="No space", now=IN_REVIEW)
    assert reload(rv["B"]).status == "rejected"


def test_what_was_merged_follows_its_target_into_another_merge(ids, rv):
    review.decide(secretary(ids), rv["A"], Decision.MERGE, merged_into_id=rv["B"], now=IN_REVIEW)
    review.decide(secretary(ids), rv["B"], Decision.MERGE, merged_into_id=rv["D"], now=IN_REVIEW + HOUR)
    assert (reload(rv["A"]).status, reload(rv["A"]).merged_into_id) == ("merged", rv["D"])
    assert (reload(rv["B"]).status, reload(rv["B"]).merged_into_id) == ("merged", rv["D"])
    followed = [json.loads(e.data) for e in audit_entries("proposal.review", f"proposal:{rv['A']}")]
    assert followed[-1] == {"decision": "merge", "merged_into": rv["D"], "followed": rv["B"]}
    # The youth wrote both A and B: told of each move.
    assert len(notifications_of(ids["youth"], "review_decision")) == 3


def test_withdrawn_and_draft_proposals_cannot_be_decided(ids, rv):
    exc = refused(review.decide, secretary(ids), rv["W"], Decision.APPROVE, final_cost=100, now=IN_REVIEW)
    assert codes(exc) == ["review.status"]
    exc = refused(review.decide, secretary(ids), rv["draft"], Decision.APPROVE, final_cost=100, now=IN_REVIEW)
    assert codes(exc) == ["proposal.missing"]
    assert (reload(rv["W"]).status, reload(rv["draft"]).status) == ("withdrawn", "draft")


def test_no_decisions_once_voting_has_opened(ids, rv):
    cycle = db.session.get(Cycle, rv["cycle"])
    cycle.phase = "voting"
    db.session.commit()
    exc = refused(review.decide, secretary(ids), rv["A"], Decision.REJECT, reason="Late", now=IN_REVIEW)
    assert codes(exc) == ["review.wrong_phase"]


def test_a_council_decision_reference_is_limited(ids, rv):
    exc = refused(review.decide, secretary(ids), rv["A"], Decision.APPROVE, final_cost=100,
                  council_decision_ref="x" * (review.MAX_REF + 1), now=IN_REVIEW)
    assert exc.field == "council_decision_ref"


def test_the_review_list_puts_undecided_proposals_first(ids, rv):
    review.decide(secretary(ids), rv["A"], Decision.APPROVE, final_cost=1_000_000, now=IN_REVIEW)
    review.decide(secretary(ids), rv["C"], Decision.REJECT, reason="No", now=IN_REVIEW)
    assert [p.id for p in review.review_list(rv["cycle"])] == [rv["B"], rv["D"], rv["A"], rv["C"]]


def test_merge_targets_are_the_other_live_proposals_by_title(ids, rv):
    review.decide(secretary(ids), rv["C"], Decision.REJECT, reason="No", now=IN_REVIEW)
    review.decide(secretary(ids), rv["D"], Decision.APPROVE, final_cost=100, now=IN_REVIEW)
    assert [p.title for p in review.merge_targets(reload(rv["A"]))] == ["Outdoor gym", "Skate ramp"]


def test_review_can_start_exactly_when_the_feedback_week_is_over(ids, fb):
    to_review(ids["secretary"], fb["cycle"], now=REVIEW_AT)
    assert review.decide(secretary(ids), fb["A"], Decision.APPROVE, final_cost=1, now=REVIEW_AT).status == "approved"


# --- the database holds the invariants even without the service --------------------------------


@pytest.mark.parametrize(("changes", "fixed"), [
    ({"status": "rejected"}, {"decision_reason": "A reason"}),
    ({"status": "approved"}, {"final_cost": 100}),
    ({"status": "merged"}, {"merged_into_id": "B"}),
    ({"estimated_cost": -1}, {"estimated_cost": 1}),
    ({"status": "approved", "final_cost": -5}, {"final_cost": 5}),
    ({"status": "unknown"}, {"status": "submitted"}),
])
def test_the_database_refuses_decisions_without_their_facts(ids, rv, changes, fixed):
    p = db.session.get(Proposal, rv["A"])
    for key, value in changes.items():
        setattr(p, key, value)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert reload(rv["A"]).status == "submitted"
    # ...and accepts the same change once the missing fact is there.
    p = db.session.get(Proposal, rv["A"])
    for key, value in {**changes, **fixed}.items():
        setattr(p, key, rv[value] if key == "merged_into_id" else value)
    db.session.commit()
    assert reload(rv["A"]).status == {**changes, **fixed}.get("status", "submitted")
