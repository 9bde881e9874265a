"""ypb.services.cycles: creating and editing cycles, moving them through their phases by
hand and on schedule (catch_up, tick), and who may take part."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from tests.conftest import cycle_input, make_user
from tests.services import (
    DAY,
    FEEDBACK_AT,
    HOUR,
    IN_PROPOSALS,
    REVIEW_AT,
    T0,
    audit_entries,
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
from ypb.models import AuditEntry, Category, Cycle, Proposal
from ypb.services import cycles, proposals
from ypb.services.proposals import ProposalInput

SECOND = timedelta(seconds=1)
PLAN = cycle_input(1, T0).schedule  # the plan every cycle_input(…, T0) gets


@pytest.fixture
def ids(app, users):
    with app.app_context():
        yield users


def secretary(ids):
    return user(ids["secretary"])


def reload(cycle_id: int) -> Cycle:
    db.session.expire_all()
    return db.session.get(Cycle, cycle_id)


# --- create -----------------------------------------------------------------------------


def test_create_stores_the_cycle_its_categories_and_an_audit_entry(ids):
    cycle = cycles.create(secretary(ids), cycle_input(
        ids["secretary"], T0, title="  Youth budget 2030 ", currency="eur",
        categories=["Influence", " Health ", "", "Climate"]), now=T0)
    cycle = reload(cycle.id)
    assert (cycle.title, cycle.currency, cycle.phase) == ("Youth budget 2030", "EUR", "draft")
    assert (cycle.phase_started_at, cycle.created_at, cycle.feedback_started_at) == (T0, T0, None)
    assert cycle.schedule == PLAN
    assert [(c.name, c.position) for c in cycle.categories] == [("Influence", 0), ("Health", 1), ("Climate", 2)]
    (entry,) = audit_entries("cycle.create")
    assert (entry.subject, entry.actor) == (f"cycle:{cycle.id}", f"user:{ids['secretary']}")
    assert "Youth budget 2030" in entry.data


def schedule(**changes):
    return replace(PLAN, **changes)


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"min_age": 20, "max_age": 18}, "max_age", "cycle.ages"),
    ({"budget_total": 0}, "budget_total", "cycle.budget"),
    ({"budget_total": -100}, "budget_total", "cycle.budget"),
    ({"contact_id": 999_999}, "contact_id", "cycle.contact"),
    ({"categories": ["Health", "Sport", " health "]}, "categories", "cycle.categories"),
    ({"categories": ["Climate", "CLIMATE"]}, "categories", "cycle.categories"),
    ({"schedule": schedule(feedback_end=T0 + 10 * DAY)}, "schedule", "schedule.out_of_order"),
    ({"schedule": schedule(voting_end=T0 + 45 * DAY)}, "schedule", "schedule.out_of_order"),
    ({"schedule": schedule(feedback_end=T0 + 20 * DAY)}, "schedule", "schedule.feedback_too_short"),
    ({"feedback_days": 30}, "schedule", "schedule.feedback_too_short"),
    ({"feedback_days": 0}, "schedule", "schedule.feedback_days"),
])
def test_create_refuses_wrong_input_and_stores_nothing(ids, overrides, field, code):
    before = (count(Cycle), count(Category), count(AuditEntry))
    overrides = dict(overrides)
    data = cycle_input(overrides.pop("contact_id", ids["secretary"]), T0, **overrides)
    exc = refused(cycles.create, secretary(ids), data, now=T0)
    assert exc.field == field
    assert code in codes(exc)
    assert (count(Cycle), count(Category), count(AuditEntry)) == before


def test_create_names_only_the_first_wrong_field(ids):
    exc = refused(cycles.create, secretary(ids), cycle_input(
        ids["secretary"], T0, min_age=20, max_age=18, budget_total=0), now=T0)
    assert (exc.field, codes(exc)) == ("max_age", ["cycle.ages"])


def test_a_feedback_window_of_exactly_feedback_days_is_accepted(ids):
    data = cycle_input(ids["secretary"], T0, schedule=schedule(feedback_end=PLAN.proposals_end + 7 * DAY))
    assert cycles.create(secretary(ids), data, now=T0).id


def test_the_database_refuses_a_cycle_with_no_feedback_days(ids):
    # Bypassing the service must not get a cycle with no feedback phase into the database.
    db.session.add(Cycle(title="Sneaky", budget_total=100, contact_id=ids["secretary"],
                         created_by_id=ids["secretary"], feedback_days=0))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert count(Cycle) == 0


# --- advancing by hand ------------------------------------------------------------------


def test_advance_from_draft_to_review(ids):
    cycle_id = new_cycle(ids["secretary"])
    cycles.advance(secretary(ids), cycle_id, Phase.PROPOSALS, now=T0)
    assert (reload(cycle_id).phase, reload(cycle_id).phase_started_at) == ("proposals", T0)
    submitted(ids["youth"], cycle_id)

    cycles.advance(secretary(ids), cycle_id, Phase.FEEDBACK, now=FEEDBACK_AT)
    cycle = reload(cycle_id)
    assert (cycle.phase, cycle.phase_started_at, cycle.feedback_started_at) == ("feedback", FEEDBACK_AT,
                                                                              FEEDBACK_AT)
    cycles.advance(secretary(ids), cycle_id, Phase.REVIEW, now=REVIEW_AT)
    cycle = reload(cycle_id)
    assert (cycle.phase, cycle.phase_started_at, cycle.feedback_started_at) == ("review", REVIEW_AT,
                                                                              FEEDBACK_AT)
    moves = [(e.actor, e.data) for e in audit_entries("cycle.phase", f"cycle:{cycle_id}")]
    actor = f"user:{ids['secretary']}"
    assert moves == [(actor, '{"from":"draft","to":"proposals"}'),
                     (actor, '{"from":"proposals","to":"feedback"}'),
                     (actor, '{"from":"feedback","to":"review"}')]


def test_review_cannot_start_before_the_promised_feedback_days(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    to_feedback(ids["secretary"], cycle_id)
    entries = count(AuditEntry)
    exc = refused(cycles.advance, secretary(ids), cycle_id, Phase.REVIEW, now=REVIEW_AT - SECOND)
    assert codes(exc) == ["feedback.too_early"]
    assert exc.refusals[0].params["earliest"] == REVIEW_AT
    cycle = reload(cycle_id)
    assert (cycle.phase, cycle.phase_started_at) == ("feedback", FEEDBACK_AT)
    assert count(AuditEntry) == entries
    cycles.advance(secretary(ids), cycle_id, Phase.REVIEW, now=REVIEW_AT)
    assert reload(cycle_id).phase == "review"


def test_voting_cannot_open_while_the_ballot_is_not_ready(ids):
    from ypb.services import review

    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = submitted(ids["youth"], cycle_id)
    to_feedback(ids["secretary"], cycle_id)
    to_review(ids["secretary"], cycle_id)
    review.decide(secretary(ids), proposal_id, review.Decision.APPROVE, final_cost=1_000_000,
                  now=REVIEW_AT + HOUR)
    exc = refused(cycles.advance, secretary(ids), cycle_id, Phase.VOTING, now=REVIEW_AT + DAY)
    assert codes(exc) == ["ballot.not_ready"]  # every other condition holds
    assert reload(cycle_id).phase == "review"


@pytest.mark.parametrize(("phase", "target", "code"), [
    (Phase.DRAFT, Phase.FEEDBACK, "transition.not_next"),
    (Phase.PROPOSALS, Phase.PROPOSALS, "transition.not_next"),
    (Phase.PROPOSALS, Phase.REVIEW, "transition.not_next"),
])
def test_advance_refuses_a_move_that_is_not_the_next_one(ids, phase, target, code):
    cycle_id = new_cycle(ids["secretary"], phase)
    exc = refused(cycles.advance, secretary(ids), cycle_id, target, now=IN_PROPOSALS)
    assert codes(exc) == [code]
    assert reload(cycle_id).phase == phase.value


def test_a_cycle_cannot_open_once_its_proposals_end_has_passed(ids):
    cycle_id = new_cycle(ids["secretary"])
    exc = refused(cycles.advance, secretary(ids), cycle_id, Phase.PROPOSALS, now=PLAN.proposals_end)
    assert codes(exc) == ["schedule.proposals_end_passed"]
    assert reload(cycle_id).phase == "draft"


def test_advance_on_a_missing_cycle(ids):
    assert codes(refused(cycles.advance, secretary(ids), 424242, Phase.PROPOSALS, now=T0)) == ["cycle.missing"]


# --- on schedule: catch_up and tick -----------------------------------------------------


def test_catch_up_moves_into_feedback_once_proposals_have_ended(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    assert cycles.catch_up(cycle_id, now=PLAN.proposals_end - SECOND) == []
    assert reload(cycle_id).phase == "proposals"

    now = PLAN.proposals_end + HOUR
    assert cycles.catch_up(cycle_id, now=now) == [Phase.FEEDBACK]
    cycle = reload(cycle_id)
    assert (cycle.phase, cycle.phase_started_at, cycle.feedback_started_at) == ("feedback", now, now)
    (entry,) = [e for e in audit_entries("cycle.phase", f"cycle:{cycle_id}") if e.actor == "system"]
    assert '"to":"feedback"' in entry.data and '"by":"schedule"' in entry.data

    entries = count(AuditEntry)
    assert cycles.catch_up(cycle_id, now=now) == []
    assert cycles.catch_up(cycle_id, now=now + DAY) == []
    assert count(AuditEntry) == entries
    assert reload(cycle_id).feedback_started_at == now


def test_a_late_catch_up_still_gives_the_full_feedback_week(ids):
    # The tick did not run for weeks: feedback starts when it finally does, and lasts its days.
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    late = PLAN.feedback_end + DAY
    assert cycles.catch_up(cycle_id, now=late) == [Phase.FEEDBACK]
    assert cycles.catch_up(cycle_id, now=late + 7 * DAY - SECOND) == []
    assert cycles.catch_up(cycle_id, now=late + 7 * DAY) == [Phase.REVIEW]
    assert reload(cycle_id).phase == "review"


def test_catch_up_never_opens_a_draft(ids):
    cycle_id = new_cycle(ids["secretary"])
    assert cycles.catch_up(cycle_id, now=PLAN.results_end + DAY) == []
    assert reload(cycle_id).phase == "draft"


def test_tick_returns_the_cycles_it_moved(ids):
    due = new_cycle(ids["secretary"], Phase.PROPOSALS)
    also_due = new_cycle(ids["secretary"], Phase.PROPOSALS)
    later = new_cycle(ids["secretary"], Phase.PROPOSALS, schedule=schedule(
        proposals_end=T0 + 20 * DAY))
    unopened = new_cycle(ids["secretary"])
    now = PLAN.proposals_end + HOUR
    assert cycles.tick(now=now) == {due: [Phase.FEEDBACK], also_due: [Phase.FEEDBACK]}
    assert [reload(i).phase for i in (due, also_due, later, unopened)] == ["feedback", "feedback", "proposals",
                                                                       "draft"]
    assert cycles.tick(now=now) == {}
    assert cycles.tick(now=T0 + 20 * DAY) == {later: [Phase.FEEDBACK]}


# --- update -----------------------------------------------------------------------------


def force_phase(cycle_id: int, phase: Phase) -> None:
    cycle = db.session.get(Cycle, cycle_id)
    cycle.phase = phase.value
    cycle.feedback_started_at = cycle.feedback_started_at or FEEDBACK_AT
    db.session.commit()


@pytest.mark.parametrize("change", [
    {"budget_total": 6_000_000},
    {"currency": "SEK"},
    {"min_age": 14},
    {"max_age": 25},
    {"residency_required": False},
])
def test_ballot_shaping_settings_lock_once_voting_opens(ids, change):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    force_phase(cycle_id, Phase.VOTING)
    exc = refused(cycles.update, secretary(ids), cycle_id,
                  cycle_input(ids["secretary"], T0, title="Changed too", **change))
    assert codes(exc) == ["cycle.locked"]
    cycle = reload(cycle_id)
    assert (cycle.title, cycle.budget_total, cycle.currency, cycle.min_age, cycle.max_age,
            cycle.residency_required) == ("Youth budget 2027", 5_000_000, "EUR", 13, 29, True)


def test_during_voting_the_title_can_still_change(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    force_phase(cycle_id, Phase.VOTING)
    # "eur" is the same currency as "EUR": not a change of a locked setting.
    cycles.update(secretary(ids), cycle_id, cycle_input(ids["secretary"], T0, title="Youth budget 2030",
                                                         currency="eur"))
    assert reload(cycle_id).title == "Youth budget 2030"
    (entry,) = audit_entries("cycle.update", f"cycle:{cycle_id}")
    assert entry.data == '{"title":"Youth budget 2030"}'


def test_before_voting_the_budget_can_change(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    force_phase(cycle_id, Phase.REVIEW)
    cycles.update(secretary(ids), cycle_id, cycle_input(ids["secretary"], T0, budget_total=7_000_000))
    assert reload(cycle_id).budget_total == 7_000_000


def test_a_closed_cycle_cannot_change(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    force_phase(cycle_id, Phase.CLOSED)
    exc = refused(cycles.update, secretary(ids), cycle_id, cycle_input(ids["secretary"], T0, title="New"))
    assert codes(exc) == ["cycle.closed"]
    assert reload(cycle_id).title == "Youth budget 2027"


def test_the_promised_feedback_days_cannot_shrink_once_feedback_has_started(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    to_feedback(ids["secretary"], cycle_id)
    exc = refused(cycles.update, secretary(ids), cycle_id, cycle_input(ids["secretary"], T0, feedback_days=1))
    assert (exc.field, codes(exc)) == ("feedback_days", ["cycle.feedback_days_promised"])
    assert reload(cycle_id).feedback_days == 7
    # Everyone was told they had 7 days to comment: the review still cannot start after 2.
    exc = refused(cycles.advance, secretary(ids), cycle_id, Phase.REVIEW, now=FEEDBACK_AT + 2 * DAY)
    assert codes(exc) == ["feedback.too_early"]
    # Longer is fine.
    cycles.update(secretary(ids), cycle_id, cycle_input(ids["secretary"], T0, feedback_days=10))
    exc = refused(cycles.advance, secretary(ids), cycle_id, Phase.REVIEW, now=REVIEW_AT)
    assert codes(exc) == ["feedback.too_early"]


def test_feedback_days_may_still_shrink_before_feedback_starts(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    cycles.update(secretary(ids), cycle_id, cycle_input(ids["secretary"], T0, feedback_days=3))
    assert reload(cycle_id).feedback_days == 3


@pytest.mark.parametrize(("shift", "allowed"), [(-5 * DAY, False), (-SECOND, False), (5 * DAY, True)])
def test_the_promised_voting_end_can_move_later_but_not_earlier_during_voting(ids, shift, allowed):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    force_phase(cycle_id, Phase.VOTING)
    moved = schedule(voting_end=PLAN.voting_end + shift)
    data = cycle_input(ids["secretary"], T0, schedule=moved)
    if allowed:
        cycles.update(secretary(ids), cycle_id, data)
        assert reload(cycle_id).voting_end == PLAN.voting_end + shift
    else:
        exc = refused(cycles.update, secretary(ids), cycle_id, data)
        assert (exc.field, codes(exc)) == ("voting_end", ["cycle.voting_end_promised"])
        assert reload(cycle_id).voting_end == PLAN.voting_end


def test_update_refuses_wrong_input_and_changes_nothing(ids):
    cycle_id = new_cycle(ids["secretary"])
    entries = count(AuditEntry)
    exc = refused(cycles.update, secretary(ids), cycle_id, cycle_input(
        ids["secretary"], T0, title="New title", budget_total=0, categories=["Only"]))
    assert exc.field == "budget_total"
    cycle = reload(cycle_id)
    assert (cycle.title, cycle.budget_total) == ("Youth budget 2027", 5_000_000)
    assert [c.name for c in cycle.categories] == ["Influence", "Health", "Climate"]
    assert count(AuditEntry) == entries


def test_update_of_a_missing_cycle(ids):
    exc = refused(cycles.update, secretary(ids), 424242, cycle_input(ids["secretary"], T0))
    assert codes(exc) == ["cycle.missing"]


def health_proposal(ids, cycle_id: int) -> int:
    health = next(c for c in db.session.get(Cycle, cycle_id).categories if c.name == "Health")
    return proposals.create(user(ids["youth"]), cycle_id, ProposalInput(title="Outdoor gym", category_id=health.id),
                            now=IN_PROPOSALS).id


def test_categories_are_kept_by_name_when_one_is_added(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = health_proposal(ids, cycle_id)
    before = {c.name: c.id for c in reload(cycle_id).categories}

    cycles.update(secretary(ids), cycle_id, cycle_input(
        ids["secretary"], T0, categories=["Sport", "Influence", "Health", "Climate"]))
    cycle = reload(cycle_id)
    assert [(c.name, c.position) for c in cycle.categories] == [("Sport", 0), ("Influence", 1), ("Health", 2),
                                                                ("Climate", 3)]
    assert {c.name: c.id for c in cycle.categories if c.name != "Sport"} == before
    proposal = db.session.get(Proposal, proposal_id)
    assert proposal.category_id == before["Health"]
    assert proposal.category.name == "Health"


def test_a_removed_category_leaves_its_proposals_without_one(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    proposal_id = health_proposal(ids, cycle_id)
    cycles.update(secretary(ids), cycle_id, cycle_input(ids["secretary"], T0, categories=["Climate", "Influence"]))
    assert [c.name for c in reload(cycle_id).categories] == ["Climate", "Influence"]
    assert count(Category) == 2
    assert db.session.get(Proposal, proposal_id).category_id is None


def test_update_audits_only_what_changed(ids):
    cycle_id = new_cycle(ids["secretary"])
    later = replace(PLAN, voting_end=PLAN.voting_end + DAY)
    cycles.update(secretary(ids), cycle_id, cycle_input(ids["secretary"], T0, max_age=25, schedule=later))
    (entry,) = audit_entries("cycle.update", f"cycle:{cycle_id}")
    assert '"max_age":"25"' in entry.data and '"voting_end"' in entry.data
    assert "title" not in entry.data and "proposals_end" not in entry.data


# --- reading ------------------------------------------------------------------------------


def test_public_cycles_leave_drafts_out(ids):
    draft = new_cycle(ids["secretary"], title="Draft one")
    open_one = new_cycle(ids["secretary"], Phase.PROPOSALS, title="Open one")
    assert [c.id for c in cycles.public_cycles()] == [open_one]
    assert {c.id for c in cycles.all_cycles()} == {draft, open_one}


def test_proposal_counts_leave_drafts_and_withdrawals_out(ids):
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    submitted(ids["youth"], cycle_id, "One")
    gone = submitted(ids["youth"], cycle_id, "Two")
    draft(ids["youth"], cycle_id)
    proposals.withdraw(user(ids["youth"]), gone, now=IN_PROPOSALS)
    assert cycles.proposal_counts(cycle_id) == (1, 1, 0)


def test_contacts_are_active_secretaries_and_admins(app, ids):
    former = make_user(app, "former-secretary", "secretary")
    user(former).active = False
    db.session.commit()
    assert {u.id for u in cycles.contacts()} == {ids["secretary"], ids["admin"]}


# --- eligibility (age on the closing date, residency) -------------------------------------


@pytest.mark.parametrize(("birth_year", "resident", "expected"), [
    (2001, True, []),                                  # 29 in 2030, when voting closes: still in
    (2000, True, ["eligibility.age"]),                 # 30
    (2010, False, ["eligibility.residency"]),
    (1990, False, ["eligibility.age", "eligibility.residency"]),
])
def test_eligibility_counts_age_in_the_year_voting_closes(app, ids, birth_year, resident, expected):
    person = make_user(app, f"born-{birth_year}-{resident}", birth_year=birth_year, resident=resident)
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    refusals = cycles.eligibility(db.session.get(Cycle, cycle_id), user(person), now=IN_PROPOSALS)
    assert [r.code for r in refusals] == expected


def test_eligibility_without_a_voting_end_uses_the_proposals_end(app, ids):
    # Proposals close in 2030, voting (when planned) in 2031: born 2001 is 29, then 30.
    new_year = schedule(proposals_end=PLAN.proposals_end, feedback_end=PLAN.proposals_end + 8 * DAY,
                        review_end=None, voting_end=None, results_end=None)
    person = user(make_user(app, "born-2001", birth_year=2001))
    cycle_id = new_cycle(ids["secretary"], schedule=new_year)
    assert cycles.eligibility(db.session.get(Cycle, cycle_id), person, now=T0) == []
    cycle = db.session.get(Cycle, cycle_id)
    cycle.voting_end = T0.replace(year=2031)
    db.session.commit()
    assert [r.code for r in cycles.eligibility(cycle, person, now=T0)] == ["eligibility.age"]


def test_eligibility_asks_anonymous_visitors_to_sign_in(ids):
    from flask_login import AnonymousUserMixin

    cycle = db.session.get(Cycle, new_cycle(ids["secretary"], Phase.PROPOSALS))
    assert [r.code for r in cycles.eligibility(cycle, None)] == ["eligibility.account"]
    assert [r.code for r in cycles.eligibility(cycle, AnonymousUserMixin())] == ["eligibility.account"]


def test_feedback_phase_gets_its_start_even_when_moved_by_hand_early(ids):
    # Closing proposals early is a person's decision; the feedback week counts from then.
    cycle_id = new_cycle(ids["secretary"], Phase.PROPOSALS)
    to_feedback(ids["secretary"], cycle_id, now=IN_PROPOSALS)
    assert reload(cycle_id).feedback_started_at == IN_PROPOSALS
    exc = refused(cycles.advance, secretary(ids), cycle_id, Phase.REVIEW, now=IN_PROPOSALS + 7 * DAY - SECOND)
    assert codes(exc) == ["feedback.too_early"]
    cycles.advance(secretary(ids), cycle_id, Phase.REVIEW, now=IN_PROPOSALS + 7 * DAY)
    assert reload(cycle_id).phase == "review"
