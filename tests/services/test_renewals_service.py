"""ypb.services.renewals and the renewal parts of proposals and cycles: a delivered project's
team (or the coordinator on its behalf) starts a renewal as a pre-filled draft in a cycle open
for proposals; a renewal may be funded over the years the cycle allows, split to the cent;
its evidence is the earlier project's KPIs, survey and money. Refused input changes nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import cycle_input
from tests.services.test_projects_service import funded_cycle
from ypb.domain.cycle import Phase
from ypb.domain.kpis import Kpis
from ypb.extensions import db
from ypb.models import AuditEntry, Category, Cycle, Proposal, User
from ypb.models.base import utcnow
from ypb.models.project import FundedProject
from ypb.services import Refused, cycles, kpis, projects, proposals, renewals, surveys
from ypb.services.proposals import ProposalInput

DAY = timedelta(days=1)


def open_cycle(secretary: User, *, years: int = 2, **overrides) -> int:
    """A cycle collecting proposals now, funding renewals over up to `years` years."""
    now = utcnow()
    data = cycle_input(secretary.id, now - DAY, title=overrides.pop("title", "Next year's budget"),
                       renewal_max_years=years, **overrides)
    cycle_id = cycles.create(secretary, data, now=now - DAY).id
    cycles.advance(secretary, cycle_id, Phase.PROPOSALS, now=now - DAY)
    return cycle_id


@pytest.fixture
def made(app, users):
    made = funded_cycle(app, users["secretary"])
    with app.app_context():
        secretary = db.session.get(User, users["secretary"])
        project = projects.ensure_for_cycle(db.session.get(Cycle, made["cycle"]))[0]
        projects.update_status(secretary, project.id, "delivered", 100, 200_000)
        made.update(users, project=project.id, author=project.proposal.author_id, cycle_open=open_cycle(secretary))
        yield made


def who(made, key: str) -> User:
    return db.session.get(User, made[key])


def project_of(made) -> FundedProject:
    return db.session.get(FundedProject, made["project"])


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- starting a renewal ----------------------------------------------------------------------


def test_the_author_starts_a_private_draft_pre_filled_from_the_funded_proposal(made):
    project = project_of(made)
    original = project.proposal
    draft = renewals.propose(who(made, "author"), project.id, made["cycle_open"])
    assert draft.status == "draft" and not draft.is_public and draft.author_id == made["author"]
    assert draft.cycle_id == made["cycle_open"] and draft.renewal_of_id == project.id
    assert draft.title == f"{original.title} (renewal)"
    assert (draft.summary, draft.description) == (original.summary, original.description)
    assert draft.estimated_cost == project.budget_granted
    assert (draft.funding_years, draft.funding_split) == (1, None)
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (entry.action, entry.subject) == ("proposal.renewal", f"proposal:{draft.id}")
    assert json.loads(entry.data) == {"project": project.id, "cycle": made["cycle_open"], "author": made["author"]}


def test_the_cost_is_the_budget_granted_now_and_the_category_is_matched_by_name(made):
    project = project_of(made)
    funded_category = db.session.scalars(select(Category).where(Category.cycle_id == made["cycle"],
                                                                Category.name == "Health")).one()
    project.proposal.category_id = funded_category.id
    project.budget_granted = 180_000  # as if the terms had changed since
    db.session.commit()
    draft = renewals.propose(who(made, "author"), project.id, made["cycle_open"], title_pattern="%(title)s (ny)")
    assert draft.estimated_cost == 180_000
    assert draft.category.name == "Health" and draft.category.cycle_id == made["cycle_open"]
    assert draft.title.endswith(" (ny)")


def test_the_coordinator_starts_one_on_the_teams_behalf_and_the_draft_is_the_authors(made):
    draft = renewals.propose(who(made, "secretary"), made["project"], made["cycle_open"])
    assert draft.author_id == made["author"]
    assert proposals.of_author(made["author"])[0].id == draft.id


def test_without_the_authors_account_the_coordinator_owns_the_draft(made):
    project = project_of(made)
    project.proposal.author_id = None
    db.session.commit()
    draft = renewals.propose(who(made, "secretary"), project.id, made["cycle_open"])
    assert draft.author_id == made["secretary"]


@pytest.mark.parametrize("role", ["youth", "council"])
def test_nobody_else_may_start_one(made, role):
    with pytest.raises(Refused) as refused:
        renewals.propose(who(made, role), made["project"], made["cycle_open"])
    assert [r.code for r in refused.value.refusals] == ["renewals.not_team"]
    assert count(Proposal) == 3  # the funded cycle's three, nothing new


@pytest.mark.parametrize("status", ["not_started", "in_progress", "cancelled"])
def test_only_a_delivered_project_can_be_renewed(app, users, status):
    made = funded_cycle(app, users["secretary"])
    with app.app_context():
        secretary = db.session.get(User, users["secretary"])
        project = projects.ensure_for_cycle(db.session.get(Cycle, made["cycle"]))[0]
        if status != "not_started":
            projects.update_status(secretary, project.id, status, 50 if status == "in_progress" else 0, 0)
        cycle_id = open_cycle(secretary)
        with pytest.raises(Refused) as refused:
            renewals.propose(db.session.get(User, project.proposal.author_id), project.id, cycle_id)
        assert [r.code for r in refused.value.refusals] == ["renewals.not_delivered"]


def test_only_in_a_cycle_collecting_proposals(made):
    secretary = who(made, "secretary")
    cycles.advance(secretary, made["cycle_open"], Phase.FEEDBACK, now=utcnow())
    with pytest.raises(Refused) as refused:
        renewals.propose(who(made, "author"), made["project"], made["cycle_open"])
    assert [r.code for r in refused.value.refusals] == ["renewals.phase"]
    draft_cycle = cycles.create(secretary, cycle_input(secretary.id, utcnow(), title="Not open yet")).id
    with pytest.raises(Refused) as refused:
        renewals.propose(who(made, "author"), made["project"], draft_cycle)
    assert [r.code for r in refused.value.refusals] == ["cycle.missing"]


def test_one_renewal_per_project_per_cycle_and_a_withdrawn_one_makes_room(made):
    first = renewals.propose(who(made, "author"), made["project"], made["cycle_open"])
    with pytest.raises(Refused) as refused:
        renewals.propose(who(made, "secretary"), made["project"], made["cycle_open"])
    assert [r.code for r in refused.value.refusals] == ["renewals.already"]
    other = open_cycle(who(made, "secretary"), title="The school's budget")
    assert renewals.propose(who(made, "author"), made["project"], other).cycle_id == other
    proposals.withdraw(who(made, "author"), first.id)
    again = renewals.propose(who(made, "author"), made["project"], made["cycle_open"])
    assert again.id != first.id


def test_the_database_also_keeps_one_active_renewal_per_cycle(made):
    renewals.propose(who(made, "author"), made["project"], made["cycle_open"])
    db.session.add(Proposal(cycle_id=made["cycle_open"], author_id=made["author"], title="Twice",
                            renewal_of_id=made["project"], status="submitted"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_database_refuses_several_years_for_a_proposal_that_is_no_renewal(made):
    db.session.add(Proposal(cycle_id=made["cycle_open"], author_id=made["author"], title="Sneaky", funding_years=2))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_owner_must_be_allowed_to_take_part_in_the_new_cycle(made):
    young = open_cycle(who(made, "secretary"), title="Under-16 budget", min_age=10, max_age=15)
    with pytest.raises(Refused) as refused:
        renewals.propose(who(made, "secretary"), made["project"], young)
    assert [r.code for r in refused.value.refusals] == ["eligibility.age"]


def test_options_list_the_open_cycles_for_the_team_and_staff_only(made):
    options = renewals.options(project_of(made), who(made, "author"))
    assert [(o.cycle.id, o.existing) for o in options] == [(made["cycle_open"], None)]
    assert renewals.options(project_of(made), who(made, "youth")) == []
    assert len(renewals.options(project_of(made), who(made, "secretary"))) == 1
    draft = renewals.propose(who(made, "author"), made["project"], made["cycle_open"])
    assert renewals.options(project_of(made), who(made, "author"))[0].existing.id == draft.id
    assert renewals.public_renewals(made["project"]) == []  # a draft is private
    proposals.submit(who(made, "author"), draft.id)
    assert [p.id for p in renewals.public_renewals(made["project"])] == [draft.id]


# --- funding over years -------------------------------------------------------------------


def edit(made, draft, **changes) -> Proposal:
    values = dict(title=draft.title, summary=draft.summary or "Again, with more parts.",
                  description=draft.description, estimated_cost=draft.estimated_cost)
    values.update(changes)
    return proposals.update(who(made, "author"), draft.id, ProposalInput(**values))


def test_a_renewal_is_funded_over_the_years_the_cycle_allows_split_as_the_author_says(made):
    draft = renewals.propose(who(made, "author"), made["project"], made["cycle_open"])
    edit(made, draft, estimated_cost=140_000, funding_years=2, funding_amounts=[80_000, 60_000])
    saved = db.session.get(Proposal, draft.id)
    assert (saved.funding_years, saved.funding_split) == (2, [80_000, 60_000])
    assert renewals.yearly(saved) == [80_000, 60_000]


def test_without_amounts_the_cost_is_shared_equally_with_the_leftover_cent_in_year_one(made):
    draft = renewals.propose(who(made, "author"), made["project"], made["cycle_open"])
    edit(made, draft, estimated_cost=100_001, funding_years=2, funding_amounts=[None, None])
    saved = db.session.get(Proposal, draft.id)
    assert (saved.funding_years, saved.funding_split) == (2, None)
    assert renewals.yearly(saved) == [50_001, 50_000]


@pytest.mark.parametrize(("years", "amounts", "code", "field"), [
    (3, [None, None], "renewals.too_many_years", "funding_years"),
    (2, [80_000, 50_000], "renewals.split_sum", "year_1"),
    (2, [80_000, None], "renewals.split_incomplete", "year_2"),
])
def test_a_refused_split_changes_nothing(made, years, amounts, code, field):
    draft = renewals.propose(who(made, "author"), made["project"], made["cycle_open"])
    with pytest.raises(Refused) as refused:
        edit(made, draft, estimated_cost=140_000, funding_years=years, funding_amounts=amounts)
    assert [r.code for r in refused.value.refusals] == [code] and refused.value.field == field
    saved = db.session.get(Proposal, draft.id)
    assert (saved.estimated_cost, saved.funding_years) == (project_of(made).budget_granted, 1)


def test_a_new_cost_must_come_with_new_amounts(made):
    draft = renewals.propose(who(made, "author"), made["project"], made["cycle_open"])
    edit(made, draft, estimated_cost=140_000, funding_years=2, funding_amounts=[80_000, 60_000])
    with pytest.raises(Refused) as refused:
        edit(made, db.session.get(Proposal, draft.id), estimated_cost=150_000)  # years and amounts left alone
    assert refused.value.refusals[0].code == "renewals.split_sum"
    assert db.session.get(Proposal, draft.id).estimated_cost == 140_000


def test_an_ordinary_proposal_is_funded_for_one_year_only(made):
    with pytest.raises(Refused) as refused:
        proposals.create(who(made, "youth"), made["cycle_open"], ProposalInput(
            title="Two summers of kayaks", estimated_cost=100_000, funding_years=2))
    assert [r.code for r in refused.value.refusals] == ["renewals.multi_year_not_renewal"]
    assert count(Proposal) == 3


def test_a_cycle_funding_one_year_at_a_time_refuses_more(made):
    one_year = open_cycle(who(made, "secretary"), years=1, title="One year at a time")
    draft = renewals.propose(who(made, "author"), made["project"], one_year)
    with pytest.raises(Refused) as refused:
        edit(made, draft, funding_years=2, funding_amounts=[None, None])
    assert [r.code for r in refused.value.refusals] == ["renewals.one_year"]


# --- the cycle's limit --------------------------------------------------------------------


def test_the_limit_is_saved_and_cannot_drop_below_a_renewal_that_asks_for_more(made):
    secretary = who(made, "secretary")
    cycle = db.session.get(Cycle, made["cycle_open"])
    assert cycle.renewal_max_years == 2
    draft = renewals.propose(who(made, "author"), made["project"], cycle.id)
    edit(made, draft, funding_years=2, funding_amounts=[None, None])
    data = cycle_input(secretary.id, utcnow() - DAY, title=cycle.title, renewal_max_years=1)
    data.schedule = cycle.schedule
    with pytest.raises(Refused) as refused:
        cycles.update(secretary, cycle.id, data)
    assert refused.value.field == "renewal_max_years"
    assert [r.code for r in refused.value.refusals] == ["renewals.limit_below_asked"]
    assert db.session.get(Cycle, cycle.id).renewal_max_years == 2
    data.renewal_max_years = 3
    cycles.update(secretary, cycle.id, data)
    assert db.session.get(Cycle, cycle.id).renewal_max_years == 3


@pytest.mark.parametrize("years", [0, 6])
def test_a_limit_out_of_range_is_refused(made, years):
    secretary = who(made, "secretary")
    with pytest.raises(Refused) as refused:
        cycles.create(secretary, cycle_input(secretary.id, utcnow(), renewal_max_years=years))
    assert refused.value.field == "renewal_max_years"


# --- the evidence ---------------------------------------------------------------------------


def test_the_evidence_is_the_earlier_projects_kpis_money_and_status(made):
    secretary = who(made, "secretary")
    kpis.update(secretary, made["project"], Kpis(engaged_actual=31, benefited_actual=212))
    draft = renewals.propose(who(made, "author"), made["project"], made["cycle_open"])
    evidence = renewals.evidence(draft)
    assert evidence.project.id == made["project"] and evidence.cycle.id == made["cycle"]
    assert (evidence.granted, evidence.spent) == (project_of(made).budget_granted, 200_000)
    assert (evidence.kpis.kpis.engaged_actual, evidence.kpis.kpis.benefited_actual) == (31, 212)
    assert (evidence.survey_average, evidence.survey_answers) == (None, None)
    assert renewals.evidence(project_of(made).proposal) is None  # not a renewal


def test_survey_figures_come_only_from_five_answers_on(made):
    secretary = who(made, "secretary")
    survey = surveys.open_survey(secretary, made["project"])
    for rating in (5, 4, 4, 5):
        surveys.answer(survey.id, surveys.new_nonce(), rating, "", today=date(2026, 6, 1))
    draft = renewals.propose(who(made, "author"), made["project"], made["cycle_open"])
    evidence = renewals.evidence(draft)
    assert (evidence.survey_average, evidence.survey_answers) == (None, None)
    assert evidence.kpis.survey.total == 4  # known to the code, not shown
    surveys.answer(survey.id, surveys.new_nonce(), 3, "", today=date(2026, 6, 1))
    evidence = renewals.evidence(db.session.get(Proposal, draft.id))
    assert (evidence.survey_average, evidence.survey_answers) == (42, 5)


def test_when_funded_for_less_the_years_keep_their_proportions(made):
    draft = renewals.propose(who(made, "author"), made["project"], made["cycle_open"])
    edit(made, draft, estimated_cost=140_000, funding_years=2, funding_amounts=[80_000, 60_000])
    saved = db.session.get(Proposal, draft.id)
    assert renewals.yearly(saved, 70_000) == [40_000, 30_000]
    saved.final_cost = 100_000  # the review's cost, say
    assert renewals.yearly(saved) == [57_143, 42_857]

