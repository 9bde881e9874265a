"""On a phone: a participant answers a project's satisfaction survey from the link its QR code
carries, with JavaScript and without, and is thanked; the same phone can't answer twice; the
public reads the project page with its KPIs. Screenshots of every survey page, the project
page (public and staff) and the cycle's report."""

from __future__ import annotations

from datetime import date

import pytest
import segno

from tests.browser.conftest import PHONE, PageProblems, screenshot
from tests.browser.test_voting_browser import sign_in
from tests.conftest import make_user
from tests.services.test_projects_service import funded_cycle
from ypb.domain.kpis import Kpis
from ypb.extensions import db
from ypb.models import Cycle, User
from ypb.services import kpis, projects, surveys

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def funded(live_app):
    """A confirmed cycle: the first project in progress with KPIs and an open survey; the
    second with a survey of three answers (too few to show)."""
    secretary = make_user(live_app, "coordinator", "secretary", birth_year=1990)
    made = funded_cycle(live_app, secretary)
    with live_app.app_context():
        staff = db.session.get(User, secretary)
        first, second, *_ = projects.ensure_for_cycle(db.session.get(Cycle, made["cycle"]))
        projects.update_status(staff, first.id, "in_progress", 60, 180_000)
        kpis.update(staff, first.id, Kpis(engaged_target=40, engaged_actual=52, benefited_target=200,
                                          satisfaction_target=40, effect_unit="events held", effect_target_number=1000,
                                          effect_actual_number=700, effect_target_text="Young people run the events.",
                                          effect_actual_text="Seven events so far, two led by first-timers."))
        surveys.open_survey(staff, first.id)
        other = surveys.open_survey(staff, second.id)
        for rating in (5, 4, 2):
            surveys.answer(other.id, surveys.new_nonce(), rating, "", today=date(2026, 6, 1))
        return {"cycle": made["cycle"], "project": first.id, "second": second.id, "title": first.proposal.title}


def no_overflow(page) -> None:
    if page.js:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def staff_page(browser, live_server):
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.problems = PageProblems(page)
    page.js = True
    sign_in(page, live_server, "coordinator")
    return page


def test_a_participant_answers_from_the_qr_link(phone, browser, live_server, funded):
    # The secretary's survey page gives the link and the QR code that carries it.
    staff = staff_page(browser, live_server)
    staff.goto(f"{live_server}/projects/{funded['project']}/survey")
    link = staff.locator(".survey-link a").inner_text().strip()
    assert link.startswith(f"{live_server}/s/")
    qr = staff.request.get(f"{live_server}/projects/{funded['project']}/survey/qr.svg")
    expected = segno.make(link, error="m", micro=False)
    assert qr.ok and qr.headers["content-type"] == "image/svg+xml"
    # The same matrix as segno makes for the link: the code carries exactly this address.
    assert expected.svg_inline(border=4, omitsize=True).split("<path")[1].split("/>")[0] in qr.text()
    staff.context.close()

    page = phone
    page.goto(link)
    page.get_by_role("heading", name=funded["title"]).wait_for()
    assert "One answer per phone" in page.locator("main").inner_text()
    option = page.locator(".rating-option").first
    box = option.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"]
    no_overflow(page)
    screenshot(page, "survey")

    page.get_by_label("4 – Happy").check()
    page.get_by_label("Anything you want to tell the organisers? (optional)").fill("More evenings like this!")
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_role("heading", name="Thank you!").wait_for()
    assert f"Your answer about “{funded['title']}” is saved." in page.locator("main").inner_text()
    no_overflow(page)
    screenshot(page, "survey-thanks")

    page.goto(link)  # the same phone, scanning the code again
    page.get_by_role("heading", name="You have already answered").wait_for()
    assert page.locator("input[name=rating]").count() == 0
    no_overflow(page)
    screenshot(page, "survey-already")
    assert page.problems.messages == []


def test_the_public_reads_a_project_page_with_kpis(phone, live_server, funded):
    page = phone
    page.goto(f"{live_server}/cycles/{funded['cycle']}/projects")
    page.get_by_role("link", name=funded["title"]).click()
    page.get_by_role("heading", name="Results for young people").wait_for()
    section = " ".join(page.locator("#kpis").inner_text().split())
    assert "Young people engaged Target 40 Actual 52" in section
    assert "Participant satisfaction Target 4.0 out of 5 Actual not reported yet" in section
    assert "Target 10 events held Young people run the events." in section
    assert "Actual 7 events held Seven events so far" in section
    assert "Report the KPIs" not in section
    cards = page.locator(".kpi")
    assert cards.count() == 4
    for i in range(4):
        box = cards.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    no_overflow(page)
    screenshot(page, "project-kpis-public")
    assert page.problems.messages == []


def test_staff_pages_results_and_report_fit_a_phone(phone_js, browser, live_server, live_app, funded):
    page = phone_js
    public_pages = [
        (f"/projects/{funded['second']}/survey", "survey-results-few", "3 answers"),
        (f"/cycles/{funded['cycle']}/report", "cycle-report", "What the money did"),
    ]
    for path, name, expected in public_pages:
        page.goto(live_server + path)
        assert expected in page.locator("main").inner_text()
        no_overflow(page)
        screenshot(page, name)
    assert "more answers are needed" in page.context.request.get(
        f"{live_server}/projects/{funded['second']}/survey").text()

    with live_app.app_context():
        survey = surveys.for_project(funded["project"])
        for rating, comment in ((5, "Loved it"), (5, ""), (4, ""), (3, "Too loud"), (5, "")):
            surveys.answer(survey.id, surveys.new_nonce(), rating, comment, today=date(2026, 6, 1))
    page.goto(f"{live_server}/projects/{funded['project']}/survey")
    main = page.locator("main").inner_text()
    assert "Average:" in main and "Loved it" not in main  # comments are for staff
    no_overflow(page)
    screenshot(page, "survey-results")

    staff = staff_page(browser, live_server)
    staff.goto(f"{live_server}/projects/{funded['project']}")
    staff.get_by_text("Report the KPIs").click()
    engaged = staff.locator("fieldset", has=staff.locator("legend", has_text="Young people engaged"))
    assert engaged.get_by_label("Target").input_value() == "40"
    no_overflow(staff)
    screenshot(staff, "project-kpis-staff")
    staff.goto(f"{live_server}/projects/{funded['project']}/survey")
    assert "Loved it" in staff.locator("main").inner_text()
    no_overflow(staff)
    screenshot(staff, "survey-results-staff")
    staff.goto(f"{live_server}/projects/{funded['project']}/survey/print")
    qr = staff.locator(".poster-qr")
    qr.wait_for()
    assert qr.bounding_box()["width"] >= 200
    no_overflow(staff)
    screenshot(staff, "survey-print")
    assert staff.problems.messages == [] and page.problems.messages == []
    staff.context.close()
