"""Renewals through the web: a delivered project's page offers its team "Propose a renewal"
while a cycle collects proposals; the button opens the pre-filled draft with the years and
amounts the cycle allows; the published renewal carries its badge in the list and the earlier
project's evidence on its page; the secretary sets the cycle's limit and can start a renewal
for the team. Without JavaScript throughout."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.conftest import post_form, sign_in
from tests.services.test_projects_service import funded_cycle
from tests.services.test_renewals_service import open_cycle
from ypb.domain.cycle import Phase
from ypb.domain.kpis import Kpis
from ypb.extensions import db
from ypb.models import Cycle, Proposal, User
from ypb.models.base import utcnow
from ypb.models.project import FundedProject
from ypb.services import cycles, kpis, projects, surveys

DAY = timedelta(days=1)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def squash(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def made(app, users):
    """A delivered project with KPIs, and a cycle collecting proposals that funds up to 2 years."""
    made = funded_cycle(app, users["secretary"])
    with app.app_context():
        secretary = db.session.get(User, users["secretary"])
        project = projects.ensure_for_cycle(db.session.get(Cycle, made["cycle"]))[0]
        kpis.update(secretary, project.id, Kpis(engaged_target=25, benefited_target=150, satisfaction_target=40,
                                                effect_unit="bike repairs", effect_target_number=20_000))
        projects.update_status(secretary, project.id, "delivered", 100, 87_500)
        kpis.update(secretary, project.id, Kpis(engaged_target=25, benefited_target=150, satisfaction_target=40,
                                                effect_unit="bike repairs", effect_target_number=20_000,
                                                engaged_actual=31, benefited_actual=212, effect_actual_number=23_600,
                                                effect_actual_text="The eco club runs the stand on Thursdays."))
        made.update(users, project=project.id, title=project.proposal.title, granted=project.budget_granted,
                    author_name=project.proposal.author.username, cycle_open=open_cycle(secretary))
    return made


@pytest.fixture
def author(app, made):
    client = app.test_client()
    sign_in(client, made["author_name"])
    return client


def page_of(made) -> str:
    return f"/projects/{made['project']}"


def renew(client, made, cycle_id=None):
    return post_form(client, f"{page_of(made)}/renewals", {"cycle_id": str(cycle_id or made["cycle_open"])},
                     token_from=page_of(made))


def the_renewal(app) -> Proposal:
    with app.app_context():
        found = db.session.scalars(select(Proposal).where(Proposal.renewal_of_id.is_not(None))).one()
        db.session.expunge(found)
        return found


def renewal_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Proposal.id).where(Proposal.renewal_of_id.is_not(None))).all())


# --- the action ------------------------------------------------------------------------------


def test_the_team_sees_the_action_on_the_project_and_on_the_original_proposal(app, made, author):
    page = squash(text(author.get(page_of(made))))
    assert "Propose a renewal" in page and "“Next year's budget” is collecting proposals" in page
    with app.app_context():
        proposal_id = db.session.get(FundedProject, made["project"]).proposal_id
    assert "Propose a renewal" in text(author.get(f"/proposals/{proposal_id}"))


@pytest.mark.parametrize("role", ["anonymous", "youth", "council"])
def test_others_do_not_see_the_action(made, client_for, role):
    assert "Propose a renewal" not in text(client_for(role).get(page_of(made)))


def test_there_is_no_action_without_a_cycle_collecting_proposals(app, made, author):
    with app.app_context():
        cycles.advance(db.session.get(User, made["secretary"]), made["cycle_open"], Phase.FEEDBACK, now=utcnow())
    assert "Propose a renewal" not in text(author.get(page_of(made)))


def test_there_is_no_action_before_the_project_is_delivered(app, users, client_for):
    made = funded_cycle(app, users["secretary"])
    with app.app_context():
        project_id = projects.ensure_for_cycle(db.session.get(Cycle, made["cycle"]))[0].id
        open_cycle(db.session.get(User, users["secretary"]))
    assert "Propose a renewal" not in text(client_for("secretary").get(f"/projects/{project_id}"))


def test_the_button_opens_the_pre_filled_draft_with_years_and_amounts(app, made, author):
    response = renew(author, made)
    assert response.status_code == 303
    renewal = the_renewal(app)
    assert response.headers["Location"].endswith(f"/proposals/{renewal.id}/edit")
    form = text(author.get(response.headers["Location"]))
    assert f'value="{made["title"]} (renewal)"' in form
    assert "This renewal is filled in from the funded proposal" in form
    assert 'name="funding_years"' in form and 'name="year_1"' in form and 'name="year_2"' in form
    assert 'name="year_3"' not in form  # the cycle allows two years
    assert renewal.estimated_cost == made["granted"] and renewal.status == "draft"


def test_years_and_amounts_are_hidden_when_the_cycle_funds_one_year_at_a_time(app, made, author):
    with app.app_context():
        one_year = open_cycle(db.session.get(User, made["secretary"]), years=1, title="One year at a time")
    response = renew(author, made, one_year)
    form = text(author.get(response.headers["Location"]))
    assert 'name="funding_years"' not in form and 'name="year_1"' not in form


def test_a_second_click_is_refused_with_a_reason(app, made, author):
    renew(author, made)
    response = renew(author, made)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{page_of(made)}#renewal")
    assert "already has a renewal in this cycle" in text(author.get(page_of(made)))
    assert renewal_count(app) == 1
    assert "Continue the draft" in text(author.get(page_of(made)))


def test_the_secretary_starts_one_for_the_team(app, made, client_for):
    secretary = client_for("secretary")
    response = renew(secretary, made)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{page_of(made)}#renewal")
    page = squash(text(secretary.get(page_of(made))))
    assert "The draft renewal is saved for" in page and "is waiting for" in page
    assert the_renewal(app).author_id != made["secretary"]


@pytest.mark.parametrize(("role", "expected"), [("youth", 403), ("council", 403)])
def test_others_are_refused(app, made, client_for, role, expected):
    assert renew(client_for(role), made).status_code == expected
    assert renewal_count(app) == 0


def test_an_unknown_cycle_is_refused_and_nothing_is_made(app, made, author):
    response = renew(author, made, 999)
    assert response.status_code == 303
    assert "There is no such budget cycle." in text(author.get(page_of(made)))
    assert renewal_count(app) == 0


# --- the form and the published renewal ---------------------------------------------------------


def fill(made, renewal, **changes) -> dict:
    data = {"title": renewal.title, "summary": "Two more years, with spare parts.", "description": "",
            "estimated_cost": "1400", "category_id": "", "place": "", "group_name": "Eco club",
            "funding_years": "2", "year_1": "800", "year_2": "600", "action": "draft"}
    data.update(changes)
    return data


def test_the_author_sets_two_years_with_own_amounts_and_publishes(app, made, author):
    renew(author, made)
    renewal = the_renewal(app)
    edit_page = f"/proposals/{renewal.id}/edit"
    response = post_form(author, edit_page, fill(made, renewal), token_from=edit_page)
    assert response.status_code == 303
    saved = the_renewal(app)
    assert (saved.funding_years, saved.funding_split, saved.estimated_cost) == (2, [80_000, 60_000], 140_000)
    submitted = post_form(author, f"/proposals/{renewal.id}/submit", token_from=f"/proposals/{renewal.id}")
    assert submitted.status_code == 303

    page = squash(text(author.get(f"/proposals/{renewal.id}")))
    assert "Renewal" in page and "Year 1: €800.00" in page and "Year 2: €600.00" in page
    listing = text(author.get(f"/cycles/{made['cycle_open']}/proposals"))
    card = listing[listing.index(renewal.title):]
    assert 'class="badge badge-renewal"' in card[:600]
    assert f"Proposed again in Next year's budget: {renewal.title}" in squash(text(author.get(page_of(made))))


def test_empty_amounts_share_the_cost_equally(app, made, author):
    renew(author, made)
    renewal = the_renewal(app)
    edit_page = f"/proposals/{renewal.id}/edit"
    post_form(author, edit_page, fill(made, renewal, estimated_cost="1000.01", year_1="", year_2=""),
              token_from=edit_page)
    page = squash(text(author.get(f"/proposals/{renewal.id}")))
    assert "Year 1: €500.01" in page and "Year 2: €500.00" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"year_2": "500"}, "must add up exactly to the estimated cost"),
    ({"year_2": ""}, "Enter an amount for every year"),
    ({"funding_years": "3"}, "at most 2 years"),
    ({"year_1": "eight hundred"}, "Enter an amount like 1500"),
])
def test_a_refused_split_shows_the_reason_and_saves_nothing(app, made, author, changes, message):
    renew(author, made)
    renewal = the_renewal(app)
    edit_page = f"/proposals/{renewal.id}/edit"
    response = post_form(author, edit_page, fill(made, renewal, **changes), token_from=edit_page)
    assert response.status_code == 422
    page = text(response)
    assert message in page and 'aria-invalid="true"' in page
    assert the_renewal(app).funding_years == 1 and the_renewal(app).estimated_cost == made["granted"]


def test_the_renewal_page_shows_the_earlier_projects_evidence(app, made, author, client_for):
    renew(author, made)
    renewal = the_renewal(app)
    post_form(author, f"/proposals/{renewal.id}/submit", token_from=f"/proposals/{renewal.id}")
    page = squash(text(client_for("anonymous").get(f"/proposals/{renewal.id}")))
    assert "Renewal: the evidence" in page
    assert f'href="/projects/{made["project"]}"' in text(client_for("anonymous").get(f"/proposals/{renewal.id}"))
    assert "Status Delivered" in page
    assert "Spent €875.00" in page and f"Granted €{made['granted'] // 100:,}.00" in page
    assert "Young people engaged Target: 25 · Actual: 31" in page
    assert "Young people who benefited Target: 150 · Actual: 212" in page
    assert "236 bike repairs" in page and "The eco club runs the stand on Thursdays." in page
    assert "No survey was held." in page


def test_survey_figures_appear_from_five_answers_on(app, made, author, client_for):
    renew(author, made)
    renewal = the_renewal(app)
    post_form(author, f"/proposals/{renewal.id}/submit", token_from=f"/proposals/{renewal.id}")
    with app.app_context():
        survey_id = surveys.open_survey(db.session.get(User, made["secretary"]), made["project"]).id
        for rating in (5, 4, 4, 5):
            surveys.answer(survey_id, surveys.new_nonce(), rating, "", today=date(2026, 6, 1))
    page = squash(text(client_for("anonymous").get(f"/proposals/{renewal.id}")))
    assert "Too few answers to show yet" in page and "4 out of" not in page
    with app.app_context():
        surveys.answer(survey_id, surveys.new_nonce(), 3, "", today=date(2026, 6, 1))
    page = squash(text(client_for("anonymous").get(f"/proposals/{renewal.id}")))
    assert "4.2 out of 5, from 5 answers" in page


def test_a_funded_renewal_shows_its_years_on_the_project_page(app, made, author, client_for):
    renew(author, made)
    renewal = the_renewal(app)
    edit_page = f"/proposals/{renewal.id}/edit"
    post_form(author, edit_page, fill(made, renewal), token_from=edit_page)
    with app.app_context():
        # Funded for half of what was asked (the way there is the results' own business).
        project = FundedProject(proposal_id=renewal.id, cycle_id=made["cycle_open"], status="not_started",
                                progress=0, budget_spent=0, budget_granted=70_000, scope="Two more years")
        db.session.add(project)
        db.session.commit()
        project_id = project.id
    page = squash(text(client_for("anonymous").get(f"/projects/{project_id}")))
    assert "Paid out over 2 years" in page and "Year 1: €400.00" in page and "Year 2: €300.00" in page
    assert "The earlier project" in page


# --- the cycle's limit -------------------------------------------------------------------------


def cycle_form(app, cycle_id: int, **changes) -> dict:
    """The cycle's edit form as it stands, dates typed in the municipality's time."""
    with app.app_context():
        cycle = db.session.get(Cycle, cycle_id)
        zone = ZoneInfo(app.config["YPB_TIMEZONE"])
        data = {"title": cycle.title, "description": cycle.description, "budget_total": "50000",
                "currency": "EUR", "min_age": "13", "max_age": "29", "residency_required": "y",
                "contact_id": str(cycle.contact_id), "feedback_days": "7", "categories": "Influence\nHealth"}
        for name in ("proposals_end", "feedback_end", "review_end", "voting_end", "results_end"):
            data[name] = getattr(cycle, name).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    data.update(changes)
    return data


def test_the_secretary_sets_how_many_years_a_renewal_may_be_funded(app, made, client_for):
    secretary = client_for("secretary")
    edit_page = f"/cycles/{made['cycle_open']}/edit"
    assert 'name="renewal_max_years"' in text(secretary.get(edit_page))
    response = post_form(secretary, edit_page, cycle_form(app, made["cycle_open"], renewal_max_years="3"),
                         token_from=edit_page)
    assert response.status_code in (302, 303)
    with app.app_context():
        assert db.session.get(Cycle, made["cycle_open"]).renewal_max_years == 3

    response = post_form(secretary, edit_page, cycle_form(app, made["cycle_open"], renewal_max_years="9"),
                         token_from=edit_page)
    assert response.status_code == 422 and "Allow from 1 to 5 years." in text(response)
    with app.app_context():
        assert db.session.get(Cycle, made["cycle_open"]).renewal_max_years == 3


def test_the_limit_cannot_drop_below_a_renewal_that_asks_for_more(app, made, author, client_for):
    renew(author, made)
    renewal = the_renewal(app)
    edit_page = f"/proposals/{renewal.id}/edit"
    post_form(author, edit_page, fill(made, renewal), token_from=edit_page)
    secretary = client_for("secretary")
    cycle_page = f"/cycles/{made['cycle_open']}/edit"
    response = post_form(secretary, cycle_page, cycle_form(app, made["cycle_open"], renewal_max_years="1"),
                         token_from=cycle_page)
    assert response.status_code == 422
    assert "already asks for 2 years, so the limit can't be lower" in text(response)
    with app.app_context():
        assert db.session.get(Cycle, made["cycle_open"]).renewal_max_years == 2
