"""On a phone: a young person proposes, another comments, the author revises."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, cycle_input, make_user
from ypb.domain.cycle import Phase
from ypb.extensions import db
from ypb.models import User
from ypb.models.base import utcnow
from ypb.services import cycles

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def open_cycle(live_app):
    secretary = make_user(live_app, "coordinator", "secretary", birth_year=1990)
    make_user(live_app, "author", birth_year=2008)
    make_user(live_app, "friend", birth_year=2009)
    with live_app.app_context():
        actor = db.session.get(User, secretary)
        cycle = cycles.create(actor, cycle_input(secretary, utcnow()))
        cycles.advance(actor, cycle.id, Phase.PROPOSALS)
        return cycle.id


def sign_in(page, base, username):
    page.goto(base + "/login")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def test_propose_comment_revise(browser, phone, live_server, open_cycle):
    page = phone
    title = "Bike racks by the school " + ("js" if page.js else "nojs")
    sign_in(page, live_server, "author")
    page.goto(f"{live_server}/cycles/{open_cycle}/proposals/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Short summary").fill("Covered racks for 40 bikes.")
    page.get_by_label("Estimated cost").fill("3 200")
    page.get_by_label("Category").select_option(label="Climate")
    screenshot(page, "proposal-form")
    page.get_by_role("button", name="Publish for feedback").click()
    page.get_by_role("heading", name=title).wait_for()
    assert "€3,200.00" in page.locator("main").inner_text()
    proposal_url = page.url
    screenshot(page, "proposal-page")

    # Another young person comments, on their own phone.
    other = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=page.js)
    friend = other.new_page()
    friend.js = page.js
    sign_in(friend, live_server, "friend")
    friend.goto(proposal_url)
    friend.get_by_label("Your comment").fill("Could they be near the gym door?")
    friend.get_by_label("This is a question for the contact person").check()
    friend.get_by_role("button", name="Publish").click()
    friend.get_by_text("Could they be near the gym door?").wait_for()
    assert friend.get_by_text("Your question is published.").is_visible()
    screenshot(friend, "proposal-commented")
    other.close()

    # The author revises, answering that comment.
    page.goto(proposal_url)
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Short summary").fill("Covered racks for 40 bikes by the gym door.")
    page.get_by_label("What did you change? (optional)").fill("Moved them to the gym door.")
    page.get_by_label("This change answers feedback").check()
    page.get_by_label("Friend: Could they be near the gym door?").check()
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Your changes are saved").wait_for()
    page.get_by_role("link", name="Changed once since it was published: see the history").click()
    page.get_by_role("heading", name="History of this proposal").wait_for()
    text = page.locator("main").inner_text()
    assert "answers feedback" in text and "Moved them to the gym door." in text
    assert page.locator("ins", has_text="by the gym door").count() == 1
    screenshot(page, "proposal-history")
    assert page.problems.messages == []
