"""The municipality's screens on proposals: feasibility notes during feedback, the review
screen of a cycle, and the decision on each proposal."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import cycle_input, post_form
from ypb.extensions import db
from ypb.models import AuditEntry, FeasibilityNote, Notification, Proposal, User


def send(client, path: str, data: dict):
    """POST a form as the signed-in page would, with the session's CSRF token."""
    return post_form(client, path, data, token_from="/")


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def count(model, **where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def field_value(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    return match.group(1) if match else ""


@pytest.fixture
def review_round(app, users):
    """A cycle in review with three proposals by youth-user (one with a feasibility note
    giving the municipality's cost) and one by council-user; returns their ids."""
    from ypb.domain.cycle import Phase
    from ypb.models.base import utcnow
    from ypb.services import cycles, proposals, review
    from ypb.services.proposals import ProposalInput

    now = utcnow()
    day = timedelta(days=1)
    start = now - 40 * day
    with app.app_context():
        secretary = db.session.get(User, users["secretary"])
        youth = db.session.get(User, users["youth"])
        council = db.session.get(User, users["council"])
        cycle = cycles.create(secretary, cycle_input(secretary.id, start, title="Spring round"), now=start)
        cycles.advance(secretary, cycle.id, Phase.PROPOSALS, now=start)

        def propose(author, title, cost):
            return proposals.create(author, cycle.id, ProposalInput(title=title, summary=f"{title} summary",
                                                                    estimated_cost=cost),
                                    submit=True, now=start + day).id

        ids = {"cycle": cycle.id, "bench": propose(youth, "Park benches", 300_000),
               "wifi": propose(youth, "Free wifi in the square", 900_000),
               "music": propose(council, "Music room", 1_000_000)}
        cycles.advance(secretary, cycle.id, Phase.FEEDBACK, now=start + 2 * day)
        review.publish_note(secretary, ids["wifi"], "needs_change", "The router costs more.",
                            municipal_cost=1_500_000, now=start + 3 * day)
        cycles.advance(secretary, cycle.id, Phase.REVIEW, now=now - day)
    return ids


# --- feasibility notes ------------------------------------------------------------------


def test_secretary_publishes_a_note_during_feedback(app, world, client_for):
    client = client_for("secretary")
    pid = world["proposal"]
    page = client.get(f"/proposals/{pid}/feasibility")
    assert page.status_code == 200
    assert 'type="radio"' in page.get_data(as_text=True)

    response = send(client, f"/proposals/{pid}/feasibility", {
        "verdict": "needs_change", "municipal_cost": "15 000,50",
        "reason": "Lamps need a **permit** from the power company.",
    })

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/proposals/{pid}#assessment")
    with app.app_context():
        note = db.session.scalar(select(FeasibilityNote).where(FeasibilityNote.proposal_id == pid))
        assert (note.verdict, note.municipal_cost, note.author_id) == ("needs_change", 1_500_050,
                                                                        world["secretary"])
        assert note.reason == "Lamps need a **permit** from the power company."
        told = db.session.scalars(select(Notification).where(Notification.user_id == world["youth"],
                                                             Notification.kind == "feasibility_note")).all()
        assert [n.proposal_id for n in told] == [pid]
        assert count(AuditEntry, action="proposal.feasibility", subject=f"proposal:{pid}") == 1
    followed = client.get(response.headers["Location"])
    assert "The feasibility note is published" in text_of(followed)


def test_note_form_explains_a_cost_that_is_not_an_amount(app, world, client_for):
    client = client_for("secretary")
    pid = world["proposal"]
    response = send(client, f"/proposals/{pid}/feasibility", {
        "verdict": "feasible", "municipal_cost": "about a thousand", "reason": "Fine."})
    assert response.status_code == 422
    page = text_of(response)
    assert "Enter an amount like 1500 or 1500.50." in page
    assert 'value="about a thousand"' in page  # what was typed stays, to be corrected
    with app.app_context():
        assert count(FeasibilityNote, proposal_id=pid) == 0
        assert count(Notification, kind="feasibility_note") == 0


def test_note_refuses_a_cost_too_large_to_store(app, world, client_for):
    response = send(client_for("secretary"), f"/proposals/{world['proposal']}/feasibility", {
        "verdict": "feasible", "municipal_cost": "1 000 000 000 000", "reason": "Fine."})
    assert response.status_code == 422
    assert "This amount is too large." in text_of(response)
    with app.app_context():
        assert count(FeasibilityNote) == 0


def test_note_needs_a_verdict_and_a_reason(app, world, client_for):
    client = client_for("secretary")
    response = send(client, f"/proposals/{world['proposal']}/feasibility",
                         {"municipal_cost": "", "reason": "  "})
    assert response.status_code == 422
    page = text_of(response)
    assert "Choose one of the three answers." in page
    assert "Explain the assessment, so the author knows what to change." in page
    with app.app_context():
        assert count(FeasibilityNote) == 0


def test_note_outside_feedback_is_refused_and_changes_nothing(app, world, client_for):
    client = client_for("secretary")
    pid = world["review_proposal"]  # its cycle is in review
    page = text_of(client.get(f"/proposals/{pid}/feasibility"))
    assert "Feasibility notes are published during the feedback phase" in page
    assert "Publish the note" not in page  # no form that could only fail

    response = send(client, f"/proposals/{pid}/feasibility",
                         {"verdict": "feasible", "municipal_cost": "100", "reason": "Too late."})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/proposals/{pid}"
    flashed = text_of(client.get(response.headers["Location"]))
    assert "Feasibility notes are published during the feedback phase, so authors can still revise." in flashed
    with app.app_context():
        assert count(FeasibilityNote, proposal_id=pid) == 0
        assert count(Notification, kind="feasibility_note") == 0
        assert count(AuditEntry, action="proposal.feasibility") == 0


def test_a_draft_or_missing_proposal_cannot_be_assessed(world, client_for):
    client = client_for("secretary")
    assert client.get(f"/proposals/{world['draft']}/feasibility").status_code == 404
    assert client.get("/proposals/99999/feasibility").status_code == 404
    assert client.get("/proposals/99999/decision").status_code == 404
    assert client.get("/cycles/99999/review").status_code == 404


# --- the review screen ------------------------------------------------------------------


def test_review_screen_lists_undecided_first_with_notes_and_costs(app, users, review_round, client_for):
    from ypb.services import review

    client = client_for("secretary")
    with app.app_context():
        review.decide(db.session.get(User, users["secretary"]), review_round["bench"], "approve",
                      final_cost=300_000)

    response = client.get(f"/cycles/{review_round['cycle']}/review")
    assert response.status_code == 200
    page = text_of(response)
    assert "2 of 3 proposals still need a decision." in page
    # Undecided first: the approved benches come last.
    assert page.index("Free wifi in the square") < page.index("Park benches")
    assert page.index("Music room") < page.index("Park benches")
    assert "Free wifi in the square summary" in page
    assert "€9,000.00" in page  # the author's estimate of the wifi
    assert "Needs changes" in page and "€15,000.00" in page  # the note's verdict and cost
    assert "On the ballot, final cost €3,000.00" in page
    assert f'href="/proposals/{review_round["wifi"]}/decision"' in page
    assert "Decisions can't be saved yet" not in page


def test_review_screen_says_why_decisions_cannot_happen_yet(world, client_for):
    page = text_of(client_for("secretary").get(f"/cycles/{world['cycle_feedback']}/review"))
    assert "Decisions can't be saved yet" in page
    assert ("Proposals can only be approved, rejected or merged in the review phase. "
            "The budget round is in the Feedback phase.") in page
    assert "Skate park lights" in page


# --- decisions --------------------------------------------------------------------------


def test_decision_form_prefills_the_municipal_cost_else_the_authors(review_round, client_for):
    client = client_for("secretary")
    wifi = client.get(f"/proposals/{review_round['wifi']}/decision").get_data(as_text=True)
    assert field_value(wifi, "final_cost") == "15000"  # from the feasibility note
    assert "Published on the proposal for everyone to read" in wifi
    bench = client.get(f"/proposals/{review_round['bench']}/decision").get_data(as_text=True)
    assert field_value(bench, "final_cost") == "3000"  # the author's estimate
    # The merge list holds the other proposals of the cycle, not this one.
    options = re.findall(r'<option[^>]*value="(\d+)"', bench)
    assert sorted(map(int, options)) == sorted([review_round["wifi"], review_round["music"]])


def test_approve_with_a_final_cost(app, review_round, client_for):
    client = client_for("secretary")
    pid = review_round["wifi"]
    response = send(client, f"/proposals/{pid}/decision", {
        "decision": "approve", "final_cost": "14 500", "reason": "", "merged_into_id": "",
        "council_decision_ref": "Council meeting 3 March, item 4"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cycles/{review_round['cycle']}/review"
    after = text_of(client.get(response.headers["Location"]))
    assert "Saved: Free wifi in the square" in after
    with app.app_context():
        p = db.session.get(Proposal, pid)
        assert (p.status, p.final_cost, p.council_decision_ref) == ("approved", 1_450_000,
                                                                    "Council meeting 3 March, item 4")
        assert count(Notification, kind="review_decision", proposal_id=pid) == 1
        assert count(AuditEntry, action="proposal.review", subject=f"proposal:{pid}") == 1


def test_approve_needs_a_final_cost(app, review_round, client_for):
    client = client_for("secretary")
    pid = review_round["bench"]
    response = send(client, f"/proposals/{pid}/decision", {"decision": "approve", "final_cost": ""})
    assert response.status_code == 422
    assert "Give the final cost that goes on the ballot." in text_of(response)
    with app.app_context():
        assert db.session.get(Proposal, pid).status == "submitted"


def test_reject_without_a_reason_is_refused(app, review_round, client_for):
    client = client_for("secretary")
    pid = review_round["bench"]
    response = send(client, f"/proposals/{pid}/decision",
                         {"decision": "reject", "final_cost": "3000", "reason": "   "})
    assert response.status_code == 422
    page = text_of(response)
    assert "A rejection needs a public reason." in page
    assert 'id="reason-error"' in page  # on the reason field itself
    with app.app_context():
        assert db.session.get(Proposal, pid).status == "submitted"
        assert count(Notification, kind="review_decision", proposal_id=pid) == 0
        assert count(AuditEntry, action="proposal.review", subject=f"proposal:{pid}") == 0


def test_reject_with_a_reason_stores_it(app, review_round, client_for):
    client = client_for("secretary")
    pid = review_round["bench"]
    response = send(client, f"/proposals/{pid}/decision", {
        "decision": "reject", "final_cost": "3000", "reason": "The square is being rebuilt next year."})
    assert response.status_code == 303
    with app.app_context():
        p = db.session.get(Proposal, pid)
        assert (p.status, p.final_cost) == ("rejected", None)
        assert p.decision_reason == "The square is being rebuilt next year."
        assert p.decided_by_id is not None and p.decided_at is not None
    page = text_of(client.get(f"/cycles/{review_round['cycle']}/review"))
    assert "Rejected: The square is being rebuilt next year." in page


def test_merge_into_another_proposal(app, review_round, client_for):
    client = client_for("secretary")
    pid, target = review_round["bench"], review_round["music"]
    response = send(client, f"/proposals/{pid}/decision", {
        "decision": "merge", "merged_into_id": str(target), "reason": "Same place, one project."})
    assert response.status_code == 303
    with app.app_context():
        p = db.session.get(Proposal, pid)
        assert (p.status, p.merged_into_id) == ("merged", target)
    page = text_of(client.get(f"/cycles/{review_round['cycle']}/review"))
    assert "Merged into: Music room" in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


def test_merge_needs_a_target(app, review_round, client_for):
    client = client_for("secretary")
    pid = review_round["bench"]
    response = send(client, f"/proposals/{pid}/decision", {"decision": "merge", "merged_into_id": ""})
    assert response.status_code == 422
    page = text_of(response)
    assert "Choose another proposal of this cycle that is still in the running." in page
    assert 'id="merged_into_id-error"' in page
    # Merging into itself is refused the same way.
    response = send(client, f"/proposals/{pid}/decision", {"decision": "merge", "merged_into_id": str(pid)})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Proposal, pid).status == "submitted"


def test_deciding_during_feedback_is_refused_and_changes_nothing(app, world, client_for):
    client = client_for("secretary")
    pid = world["proposal"]  # its cycle is still in feedback
    page = text_of(client.get(f"/proposals/{pid}/decision"))
    assert "Decisions can't be saved yet" in page

    response = send(client, f"/proposals/{pid}/decision", {
        "decision": "approve", "final_cost": "12000", "reason": ""})
    assert response.status_code == 422
    page = text_of(response)
    assert ("Proposals can only be approved, rejected or merged in the review phase. "
            "The budget round is in the Feedback phase.") in page
    assert page.count("The budget round is in the Feedback phase.") == 1  # said once, not twice
    with app.app_context():
        p = db.session.get(Proposal, pid)
        assert (p.status, p.final_cost, p.decided_at) == ("submitted", None, None)
        assert count(Notification, kind="review_decision", proposal_id=pid) == 0
        assert count(AuditEntry, action="proposal.review", subject=f"proposal:{pid}") == 0


def test_a_proposal_others_were_merged_into_cannot_be_rejected(app, review_round, client_for):
    client = client_for("secretary")
    bench, music, wifi = review_round["bench"], review_round["music"], review_round["wifi"]
    assert send(client, f"/proposals/{bench}/decision",
                {"decision": "merge", "merged_into_id": str(music)}).status_code == 303
    response = send(client, f"/proposals/{music}/decision", {"decision": "reject", "reason": "No room."})
    assert response.status_code == 422
    page = text_of(response)
    assert "Other proposals were merged into this one: “Park benches”." in page
    assert 'id="decision-error"' in page
    # Merging it elsewhere takes what was merged into it along.
    assert send(client, f"/proposals/{music}/decision",
                {"decision": "merge", "merged_into_id": str(wifi)}).status_code == 303
    with app.app_context():
        assert db.session.get(Proposal, music).status == "merged"
        assert db.session.get(Proposal, bench).merged_into_id == wifi
