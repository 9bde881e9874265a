"""ypb.services.projects: funded projects appear once results are confirmed, and every update
is checked, audited, kept in the history and told to the proposal's followers."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import make_user
from tests.web.test_results_web import build_cycle, close, vote
from ypb.extensions import db
from ypb.models import AuditEntry, Comment, Council, Cycle, Decision, Meeting, Notification, Proposal, User
from ypb.models.base import utcnow
from ypb.models.project import FundedProject, TermsChange, TermsHistoryChanged
from ypb.services import Refused, projects, results

DAY = timedelta(days=1)
WHY = "The supplier closed; the second quote is higher."


def funded_cycle(app, secretary_id: int, *, ratify: bool = True) -> dict:
    """Last year's cycle with two ballots counted (and, by default, its results confirmed)."""
    made = build_cycle(app, secretary_id, now=utcnow() - 30 * DAY, title="Last year's budget")
    vote(app, made, [(0,), (0, 2)])
    close(app, made, secretary_id)
    if ratify:
        with app.app_context():
            results.ratify(db.session.get(User, secretary_id), made["cycle"])
    return made


def make_decision(outcome: str = "adopted", number: str = "2026/1") -> int:
    """A published council decision, written directly: the meetings service has its own tests."""
    council = db.session.scalar(select(Council))
    if council is None:
        council = Council(name="Youth council")
        db.session.add(council)
        db.session.flush()
    meeting = Meeting(council_id=council.id, title="June meeting", starts_at=utcnow() - DAY, place="Town hall",
                      status="held")
    db.session.add(meeting)
    db.session.flush()
    decision = Decision(number=number, meeting_id=meeting.id, text="The climbing wall may cost more.",
                        outcome=outcome, counts={}, explanation={})
    db.session.add(decision)
    db.session.commit()
    return decision.id


@pytest.fixture
def made(app, users):
    made = funded_cycle(app, users["secretary"])
    with app.app_context():
        yield {**made, **users}


def actor(ids, role="secretary"):
    return db.session.get(User, ids[role])


def the_project(made) -> FundedProject:
    cycle = db.session.get(Cycle, made["cycle"])
    return projects.ensure_for_cycle(cycle)[0]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- creating ------------------------------------------------------------------------------


def test_confirmed_results_give_one_project_per_funded_proposal_once(made):
    cycle = db.session.get(Cycle, made["cycle"])
    funded = projects.funded_ids(cycle)
    assert funded and set(funded) <= set(made["projects"])
    created = projects.ensure_for_cycle(cycle)
    assert [p.proposal_id for p in created] == funded
    first = created[0]
    proposal = db.session.get(Proposal, first.proposal_id)
    assert (first.status, first.progress, first.budget_spent) == ("not_started", 0, 0)
    assert first.budget_granted == proposal.final_cost
    assert first.responsible == "Author" and first.scope == proposal.summary
    entries = count(AuditEntry)
    assert [p.id for p in projects.ensure_for_cycle(cycle)] == [p.id for p in created]
    assert count(FundedProject) == len(funded) and count(AuditEntry) == entries  # nothing written again


def test_results_not_yet_confirmed_fund_nothing_yet(app, users):
    made = funded_cycle(app, users["secretary"], ratify=False)
    with app.app_context():
        assert projects.ensure_for_cycle(db.session.get(Cycle, made["cycle"])) == []
        assert count(FundedProject) == 0


# --- status --------------------------------------------------------------------------------


def test_status_update_is_saved_audited_and_told_to_author_and_commenters(app, made):
    commenter = make_user(app, "commenter", display_name="Kalle")
    project = the_project(made)
    db.session.add(Comment(proposal_id=project.proposal_id, author_id=commenter, body="Can't wait!"))
    db.session.commit()
    author_id = db.session.get(Proposal, project.proposal_id).author_id
    assert projects.followers(project) == [author_id, commenter]

    projects.update_status(actor(made), project.id, "in_progress", 40, 120_000)
    project = projects.get(project.id)
    assert (project.status, project.progress, project.budget_spent) == ("in_progress", 40, 120_000)
    assert project.status_changed_at is not None
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (entry.action, entry.subject) == ("project.status", f"project:{project.id}")
    told = db.session.scalars(select(Notification).where(Notification.kind == "project_status")).all()
    assert sorted(n.user_id for n in told) == sorted([author_id, commenter])
    assert json.loads(told[0].params)["progress"] == 40


@pytest.mark.parametrize(("status", "progress", "spent", "code", "field"), [
    ("delivered", 90, 0, "projects.delivered_not_done", "progress"),
    ("in_progress", 120, 0, "projects.progress_range", "progress"),
    ("in_progress", 10, -5, "projects.spent_negative", "budget_spent"),
    ("finished", 10, 0, "projects.unknown_status", "status"),
])
def test_a_refused_status_update_changes_nothing(made, status, progress, spent, code, field):
    project = the_project(made)
    entries = count(AuditEntry)
    with pytest.raises(Refused) as refused:
        projects.update_status(actor(made), project.id, status, progress, spent)
    assert refused.value.refusals[0].code == code and refused.value.field == field
    project = projects.get(project.id)
    assert (project.status, project.progress) == ("not_started", 0) and count(AuditEntry) == entries


def test_a_delivered_project_is_final(made):
    project = the_project(made)
    projects.update_status(actor(made), project.id, "delivered", 100, 200_000)
    for attempt in (lambda: projects.update_status(actor(made), project.id, "in_progress", 50, 0),
                    lambda: projects.add_milestone(actor(made), project.id, "Late step", date(2026, 1, 1)),
                    lambda: projects.change_terms(actor(made), project.id, {"scope": "More"}, WHY, False, None)):
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.refusals[0].code == "projects.final"


def test_unknown_project_is_refused(made):
    with pytest.raises(Refused) as refused:
        projects.update_status(actor(made), 999, "in_progress", 1, 0)
    assert refused.value.refusals[0].code == "projects.not_found"


# --- milestones ----------------------------------------------------------------------------


def test_milestones_are_added_then_completed_with_evidence(made):
    project = the_project(made)
    later = projects.add_milestone(actor(made), project.id, "Racks installed", date(2026, 5, 1))
    first = projects.add_milestone(actor(made), project.id, " Racks ordered ", date(2026, 4, 1))
    assert [m.title for m in projects.get(project.id).milestones] == ["Racks ordered", "Racks installed"]
    done = projects.complete_milestone(actor(made), project.id, first.id, " Order no. 77 ")
    assert (done.done, done.evidence) == (True, "Order no. 77") and done.done_at is not None
    assert not later.done
    with pytest.raises(Refused) as refused:
        projects.complete_milestone(actor(made), project.id, first.id, "again")
    assert refused.value.refusals[0].code == "projects.milestone_done"
    kinds = {n.kind for n in db.session.scalars(select(Notification))}
    assert {"project_milestone", "project_milestone_done"} <= kinds


def test_a_milestone_needs_a_title_and_a_date(made):
    project = the_project(made)
    with pytest.raises(Refused) as refused:
        projects.add_milestone(actor(made), project.id, "  ", None)
    assert [r.code for r in refused.value.refusals] == ["projects.missing", "projects.milestone_date"]
    assert refused.value.field == "title" and projects.get(project.id).milestones == []


def test_a_milestone_of_another_project_is_not_found(made):
    first, second = projects.ensure_for_cycle(db.session.get(Cycle, made["cycle"]))[:2]
    milestone = projects.add_milestone(actor(made), first.id, "Ordered", date(2026, 4, 1))
    with pytest.raises(Refused) as refused:
        projects.complete_milestone(actor(made), second.id, milestone.id)
    assert refused.value.refusals[0].code == "projects.no_milestone"


# --- terms ---------------------------------------------------------------------------------


def test_a_change_of_terms_is_kept_with_its_reason_and_decision(made):
    project = the_project(made)
    old_budget = project.budget_granted
    decision_id = make_decision()
    change = projects.change_terms(actor(made), project.id,
                                   {"budget_granted": old_budget + 50_000, "planned_end": date(2026, 9, 30),
                                    "responsible": "Author", "scope": project.scope},
                                   f"  {WHY} ", True, decision_id)
    project = projects.get(project.id)
    assert project.budget_granted == old_budget + 50_000 and project.planned_end == date(2026, 9, 30)
    assert change.changes == {"budget_granted": {"old": old_budget, "new": old_budget + 50_000},
                              "planned_end": {"old": None, "new": "2026-09-30"}}
    assert (change.reason, change.material, change.decision_id) == (WHY, True, decision_id)
    assert change.actor_id == made["secretary"]
    assert [c.id for c in project.changes] == [change.id]
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry.action == "project.terms" and WHY in entry.data
    assert db.session.scalars(select(Notification).where(Notification.kind == "project_terms")).all()


def test_a_change_without_material_needs_no_decision(made):
    project = the_project(made)
    change = projects.change_terms(actor(made), project.id, {"responsible": "Youth centre"}, WHY, False, None)
    assert change.decision_id is None and projects.get(project.id).responsible == "Youth centre"


@pytest.mark.parametrize(("decision", "code"), [
    (None, "projects.material_needs_decision"),
    ("missing", "projects.no_decision"),
    ("rejected", "projects.decision_not_adopted"),
])
def test_a_material_change_needs_an_adopted_published_decision(made, decision, code):
    project = the_project(made)
    decision_id = {None: None, "missing": 999, "rejected": None}[decision]
    if decision == "rejected":
        decision_id = make_decision("rejected", "2026/2")
    with pytest.raises(Refused) as refused:
        projects.change_terms(actor(made), project.id, {"scope": "Half of it."}, WHY, True, decision_id)
    assert refused.value.refusals[-1].code == code and refused.value.field == "decision_id"
    assert projects.get(project.id).scope != "Half of it." and count(TermsChange) == 0


def test_only_adopted_decisions_are_offered(made):
    adopted = make_decision()
    make_decision("rejected", "2026/2")
    assert [d.id for d in projects.decisions()] == [adopted]


def test_the_history_of_terms_cannot_be_rewritten(made):
    project = the_project(made)
    change = projects.change_terms(actor(made), project.id, {"responsible": "Youth centre"}, WHY, False, None)
    change.reason = "Something nicer"
    with pytest.raises(TermsHistoryChanged):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(TermsChange, change.id).reason == WHY
