"""Funded projects through the web: the public list and page (progress, spending, milestones,
the history of terms with its council decisions, the timeline) and the secretary's forms,
each of which saves and says so, or shows the page again with the reason and saves nothing."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from tests.conftest import post_form
from tests.services.test_projects_service import funded_cycle, make_decision
from ypb.extensions import db
from ypb.models import Cycle
from ypb.models.project import FundedProject, TermsChange
from ypb.services import projects

WHY = "The supplier closed; the second quote is higher."


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def squash(page: str) -> str:
    """The page's text without tags and runs of spaces, to read sentences across elements."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def made(app, users):
    made = funded_cycle(app, users["secretary"])
    with app.app_context():
        found = projects.ensure_for_cycle(db.session.get(Cycle, made["cycle"]))
        made["project"] = found[0].id
        made["title"] = found[0].proposal.title
        made["granted"] = found[0].budget_granted
    return made


def page_of(made) -> str:
    return f"/projects/{made['project']}"


def post(client, made, path: str, data: dict):
    return post_form(client, f"{page_of(made)}{path}", data, token_from=page_of(made))


def stored(app, made) -> FundedProject:
    with app.app_context():
        project = db.session.get(FundedProject, made["project"])
        db.session.expunge(project)
        return project


# --- the public pages --------------------------------------------------------------------------


def test_the_cycle_lists_its_funded_projects_with_progress_and_spending(app, users, client_for):
    made = funded_cycle(app, users["secretary"])  # nothing created yet: the page creates them
    page = text(client_for("anonymous").get(f"/cycles/{made['cycle']}/projects"))
    with app.app_context():
        funded = projects.for_cycle(db.session.get(Cycle, made["cycle"]))
        assert funded
    assert "Funded projects" in page
    for project in funded:
        assert f'href="/projects/{project.id}"' in page
        assert f'<progress id="progress-{project.id}" max="100" value="0">' in page
    assert "0% done" in page and "Not started" in page
    assert "Spent €0.00 of €3,000.00 granted" in squash(page)


def test_before_results_are_confirmed_the_list_says_projects_come_later(app, users, client_for):
    made = funded_cycle(app, users["secretary"], ratify=False)
    page = text(client_for("youth").get(f"/cycles/{made['cycle']}/projects"))
    assert "once the results of the vote are confirmed" in page and "<progress" not in page


def test_unknown_and_draft_cycles_have_no_project_list(world, client_for):
    assert client_for("anonymous").get("/cycles/999/projects").status_code == 404
    assert client_for("youth").get(f"/cycles/{world['cycle_draft']}/projects").status_code == 404
    assert client_for("secretary").get(f"/cycles/{world['cycle_draft']}/projects").status_code == 200


def test_the_project_page_is_public_and_shows_no_forms_to_the_public(made, client_for):
    for role in ("anonymous", "youth", "council"):
        page = text(client_for(role).get(page_of(made)))
        assert made["title"] in page and "What is agreed now" in page
        assert "The terms have not changed since the project was funded." in page
        assert "Funded: the results of the vote were confirmed." in page
        assert "<form method=\"post\" action=\"/projects" not in page
    page = text(client_for("secretary").get(page_of(made)))
    assert "Update the status, progress or spending" in page and "Change the terms" in page


# --- status --------------------------------------------------------------------------------


def test_the_secretary_updates_status_progress_and_spending(app, made, client_for):
    secretary = client_for("secretary")
    response = post(secretary, made, "/status", {"update-status": "in_progress", "update-progress": "40",
                                                 "update-budget_spent": "1200.50"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#update")
    page = text(secretary.get(response.headers["Location"]))
    assert "The project's status is saved: In progress, 40% done." in page
    assert 'value="40"' in page and "Spent €1,200.50 of €3,000.00 granted" in squash(page)
    assert (stored(app, made).status, stored(app, made).budget_spent) == ("in_progress", 120_050)


def test_a_refused_status_shows_the_reason_on_the_field_and_saves_nothing(app, made, client_for):
    response = post(client_for("secretary"), made, "/status", {"update-status": "delivered", "update-progress": "90",
                                                               "update-budget_spent": "10"})
    assert response.status_code == 422
    page = text(response)
    assert "Nothing was saved." in page
    error = re.search(r'<p class="error" id="update-progress-error">([^<]*)</p>', page)
    assert error and "A delivered project is fully done; set the progress to 100." in error.group(1)
    assert 'value="90"' in page  # what was typed is kept
    assert (stored(app, made).status, stored(app, made).progress) == ("not_started", 0)


def test_a_status_form_with_a_bad_amount_is_refused(app, made, client_for):
    response = post(client_for("secretary"), made, "/status", {"update-status": "in_progress",
                                                               "update-progress": "10",
                                                               "update-budget_spent": "lots"})
    assert response.status_code == 422 and "Enter an amount like 1500 or 1500.50." in text(response)
    assert stored(app, made).status == "not_started"


# --- milestones ----------------------------------------------------------------------------


def test_milestones_are_added_and_completed_with_evidence(app, made, client_for):
    secretary = client_for("secretary")
    response = post(secretary, made, "/milestones", {"milestone-title": "Racks ordered",
                                                     "milestone-day": "2026-04-01"})
    assert response.status_code == 303
    assert "The milestone “Racks ordered” is added." in text(secretary.get(response.headers["Location"]))
    with app.app_context():
        milestone_id = projects.get(made["project"]).milestones[0].id
    response = post(secretary, made, f"/milestones/{milestone_id}/done", {f"done-{milestone_id}-evidence":
                                                                          "Order no. 77"})
    assert response.status_code == 303
    page = text(client_for("anonymous").get(page_of(made)))
    assert "Racks ordered" in page and "Evidence: Order no. 77" in squash(page)
    assert "April 1, 2026" in page and "Done: Racks ordered" in page


def test_a_milestone_without_a_date_is_refused(app, made, client_for):
    response = post(client_for("secretary"), made, "/milestones", {"milestone-title": "Racks ordered"})
    assert response.status_code == 422
    assert 'id="milestone-day-error"' in text(response)
    assert projects_count(app, made) == 0


def projects_count(app, made) -> int:
    with app.app_context():
        return len(projects.get(made["project"]).milestones)


def test_completing_a_milestone_of_another_project_is_not_found(made, client_for):
    assert post(client_for("secretary"), made, "/milestones/999/done", {}).status_code == 404


# --- terms ---------------------------------------------------------------------------------


def terms_form(made, **overrides) -> dict:
    data = {"terms-budget_granted": str(made["granted"] // 100), "terms-scope": "Bike racks for all.",
            "terms-planned_end": "", "terms-responsible": "Author", "terms-reason": WHY}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_change_of_terms_is_recorded_with_its_reason_for_everyone_to_see(app, made, client_for):
    response = post(client_for("secretary"), made, "/terms", terms_form(made, **{"terms-planned_end": "2026-09-30",
                                                                               "terms-responsible": "Youth centre"}))
    assert response.status_code == 303 and "#change-" in response.headers["Location"]
    page = squash(text(client_for("anonymous").get(page_of(made))))
    assert "Planned end: not set → became September 30, 2026" in page
    assert "Who delivers it: Author → became Youth centre" in page
    assert f"Reason: {WHY}" in page and "Material change" not in page
    assert "The terms changed." in page
    assert stored(app, made).responsible == "Youth centre"


def test_a_material_change_without_a_decision_is_refused_on_the_decision_field(app, made, client_for):
    response = post(client_for("secretary"), made, "/terms", terms_form(made, **{"terms-budget_granted": "4000",
                                                                               "terms-material": "y"}))
    assert response.status_code == 422
    page = text(response)
    error = re.search(r'<p class="error" id="terms-decision_id-error">([^<]*)</p>', page)
    assert error and "A material change needs a published council decision" in error.group(1)
    assert 'value="4000"' in page
    assert stored(app, made).budget_granted == made["granted"]
    with app.app_context():
        assert db.session.scalars(select(TermsChange)).all() == []


def test_a_material_change_links_the_council_decision(app, made, client_for):
    with app.app_context():
        decision_id = make_decision()
    secretary = client_for("secretary")
    assert "2026/1: The climbing wall may cost more." in text(secretary.get(page_of(made)))
    response = post(secretary, made, "/terms", terms_form(made, **{"terms-budget_granted": "4000",
                                                                 "terms-material": "y",
                                                                 "terms-decision_id": str(decision_id)}))
    assert response.status_code == 303
    page = text(client_for("anonymous").get(page_of(made)))
    assert f'href="/council/decisions#decision-{decision_id}"' in page
    assert "Allowed by council decision 2026/1" in page and "Material change" in page
    assert "Budget granted: €3,000.00 → became €4,000.00" in squash(page)


def test_a_change_that_changes_nothing_is_refused(app, made, client_for):
    response = post(client_for("secretary"), made, "/terms", terms_form(made))
    assert response.status_code == 422
    assert "Nothing differs from the current terms" in text(response)


def test_a_change_without_a_reason_is_refused_on_the_reason_field(app, made, client_for):
    response = post(client_for("secretary"), made, "/terms", terms_form(made, **{"terms-reason": "",
                                                                               "terms-responsible": "Someone"}))
    assert response.status_code == 422
    assert 'id="terms-reason-error"' in text(response)
    assert stored(app, made).responsible == "Author"


def test_a_delivered_project_offers_no_forms(made, client_for):
    secretary = client_for("secretary")
    assert post(secretary, made, "/status", {"update-status": "delivered", "update-progress": "100",
                                             "update-budget_spent": "2900"}).status_code == 303
    page = text(secretary.get(page_of(made)))
    assert "Delivered" in page and "Change the terms" not in page
    response = post(secretary, made, "/terms", terms_form(made, **{"terms-responsible": "Someone"}))
    assert response.status_code == 422 and "that is final" in text(response)


def test_followers_read_a_sentence_that_leads_to_the_project_page(app, made, client_for):
    from tests.conftest import sign_in
    from ypb.models import User
    from ypb.models.base import utcnow

    with app.app_context():
        secretary = db.session.scalar(select(User).where(User.role == "secretary"))
        projects.update_status(secretary, made["project"], "in_progress", 40, 0)
        projects.add_milestone(secretary, made["project"], "Wall ordered", utcnow().date())
    client = app.test_client()
    sign_in(client, f"author{made['cycle']}")
    page = squash(text(client.get("/notifications/")))
    assert f"The project “{made['title']}” is now in progress, 40% done." in page
    assert f"A milestone was planned for the project “{made['title']}”: Wall ordered." in page
    assert f'href="/projects/{made["project"]}"' in text(client.get("/notifications/"))


def test_confirmed_results_link_to_the_funded_projects(app, made, client_for):
    page = text(client_for("anonymous").get(f"/cycles/{made['cycle']}/results"))
    assert f'href="/cycles/{made["cycle"]}/projects"' in page and "Follow the funded projects" in page


def test_the_proposal_page_says_how_its_funded_project_is_going(app, made, client_for):
    from ypb.models import User

    with app.app_context():
        secretary = db.session.scalar(select(User).where(User.role == "secretary"))
        project = projects.update_status(secretary, made["project"], "in_progress", 30, 0)
        proposal_id = project.proposal_id
    page = squash(text(client_for("anonymous").get(f"/proposals/{proposal_id}")))
    assert "Funded: how the project is going" in page and "In progress, 30% done." in page
    assert f'href="/projects/{made["project"]}"' in text(client_for("anonymous").get(f"/proposals/{proposal_id}"))
