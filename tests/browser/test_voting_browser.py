"""On a phone: a young person votes with their account and changes the vote; a pupil
votes with the printed code's QR link. With JavaScript (live total) and without."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, _voting_cycle, make_user
from ypb.extensions import db
from ypb.models import User
from ypb.models.base import utcnow
from ypb.services import voting

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def ballot(live_app):
    """A cycle in voting (approval, 1 to 2 of three projects), voters and spare codes."""
    secretary = make_user(live_app, "coordinator", "secretary", birth_year=1990)
    author = make_user(live_app, "author", birth_year=2008)
    for name in ("voter-js", "voter-nojs"):
        make_user(live_app, name, birth_year=2009)
    with live_app.app_context():
        actor = db.session.get(User, secretary)
        world = _voting_cycle(actor, db.session.get(User, author), utcnow())
        world["codes"] = voting.generate_codes(actor, world["cycle_voting"], 2, label="Class 9B")
    return world


def sign_in(page, base, username):
    page.goto(base + "/login")
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def current_choices(app, username, cycle_id) -> set[int]:
    from sqlalchemy import select

    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        mine = voting.my_ballots(cycle_id, voting.Voter(user=user))
        assert len(mine) == 1  # one ballot, however often the vote changed
        return set(next(iter(mine.values())))


def total(page) -> str:
    return page.locator("#ballot-total").inner_text()


def test_vote_by_account_then_change_it(phone, live_app, live_server, ballot):
    page = phone
    cycle_id, (bikes, gym, books) = ballot["cycle_voting"], ballot["ballot_projects"]
    username = "voter-js" if page.js else "voter-nojs"
    sign_in(page, live_server, username)
    page.goto(f"{live_server}/cycles/{cycle_id}/vote")
    page.get_by_role("heading", name="Your vote", exact=True).wait_for()
    page.get_by_label("Bike racks").check()
    if page.js:
        page.get_by_text("1 project chosen").wait_for()
        assert "Ready." in total(page)
    page.get_by_role("button", name="Review my vote").click()
    page.get_by_role("heading", name="Check your vote").wait_for()
    assert "Bike racks" in page.locator("main").inner_text()
    page.get_by_role("button", name="Confirm my vote").click()
    page.get_by_text("Your vote is counted. You can change it until").wait_for()
    assert current_choices(live_app, username, cycle_id) == {bikes}

    # Later: the ballot starts empty, the earlier choices only on request.
    page.get_by_role("link", name="Back to the ballot").click()
    page.get_by_text("You have already voted. Voting again replaces your earlier vote.").wait_for()
    assert not page.get_by_label("Bike racks").is_checked()
    page.get_by_role("link", name="Show my current choices").click()
    page.get_by_role("link", name="Show my current choices").wait_for(state="detached")
    assert page.get_by_label("Bike racks").is_checked()

    # Three projects are one too many: the live total says so, and so does the check.
    page.get_by_label("Outdoor gym").check()
    page.get_by_label("Book swap shelf").check()
    if page.js:
        page.get_by_text("3 projects chosen").wait_for()
        assert "You can choose up to 2." in total(page)
        screenshot(page, "voting-ballot")
    page.get_by_role("button", name="Review my vote").click()
    page.get_by_role("alert").wait_for()
    assert "You have chosen too many projects: 3. You can choose up to 2." in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Outdoor gym").is_checked() and page.get_by_label("Book swap shelf").is_checked()
    screenshot(page, "voting-ballot-error")

    page.get_by_label("Bike racks").uncheck()
    page.get_by_role("button", name="Review my vote").click()
    page.get_by_role("heading", name="Check your vote").wait_for()
    assert "This replaces your earlier vote." in page.locator("main").inner_text()
    screenshot(page, "voting-review")
    page.get_by_role("button", name="Confirm my vote").click()
    page.get_by_role("heading", name="Thank you for voting!").wait_for()
    screenshot(page, "voting-done")
    assert current_choices(live_app, username, cycle_id) == {gym, books}
    if page.js:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.problems.messages == []


def test_vote_with_the_code_from_the_qr_link(phone, live_server, ballot):
    page = phone
    cycle_id = ballot["cycle_voting"]
    code = ballot["codes"][0 if page.js else 1]
    page.goto(f"{live_server}/cycles/{cycle_id}/vote/code?code={code}")
    assert page.url == f"{live_server}/cycles/{cycle_id}/vote/code"  # not kept in the phone's history
    assert page.get_by_label("Your voting code").input_value().replace("-", "") == code
    screenshot(page, "voting-code")
    page.get_by_role("button", name="Use my code").click()
    page.get_by_text("You are voting with a voting code.").wait_for()
    page.get_by_label("Book swap shelf").check()
    if page.js:
        page.get_by_text("1 project chosen").wait_for()
        assert page.locator("#ballot-total").is_visible()
    page.get_by_role("button", name="Review my vote").click()
    page.get_by_role("button", name="Confirm my vote").click()
    page.get_by_text("Your vote is counted.").wait_for()
    assert "type your voting code again" in page.locator("main").inner_text()
    # The phone forgot the code: the next pupil finds the ways in, not this vote.
    page.get_by_role("link", name="Back to the ballot").click()
    page.get_by_role("heading", name="I have a voting code").wait_for()
    assert page.get_by_role("checkbox").count() == 0
    assert page.problems.messages == []


def test_a_mistyped_code_is_explained(phone, live_server, ballot):
    page = phone
    page.goto(f"{live_server}/cycles/{ballot['cycle_voting']}/vote")
    page.get_by_label("Your voting code").fill("ACDE FGHJ KMNP QR")
    page.get_by_role("button", name="Use my code").click()
    page.get_by_text("This code does not work.").wait_for()
    assert page.get_by_label("Your voting code").get_attribute("aria-invalid") == "true"
    screenshot(page, "voting-code-wrong")
    assert page.problems.messages == []
