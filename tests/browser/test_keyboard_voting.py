"""The whole vote with the keyboard alone: Tab, Space and Enter, no mouse and no tapping, from the
ballot page to the "thank you" page, with JavaScript and without, in English and in Greek. On the
way, every element the keyboard reaches shows its focus and is not hidden under the sticky total."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, PageProblems
from tests.conftest import _voting_cycle, make_user
from ypb.extensions import db
from ypb.models import User
from ypb.models.base import utcnow
from ypb.services import voting

pytestmark = pytest.mark.browser

RUNS = [("en", True), ("en", False), ("el", True), ("el", False)]


@pytest.fixture(scope="module")
def ballot(live_app):
    """A cycle in voting (approval, 1 to 2 of three projects) and a voting code for each run."""
    secretary = make_user(live_app, "coordinator", "secretary", birth_year=1990)
    author = make_user(live_app, "author", birth_year=2008)
    with live_app.app_context():
        actor = db.session.get(User, secretary)
        world = _voting_cycle(actor, db.session.get(User, author), utcnow())
        world["codes"] = voting.generate_codes(actor, world["cycle_voting"], len(RUNS), label="Class 9B")
    return world


FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    const bar = document.querySelector('.vote-bar');
    const under = bar && !bar.contains(el) ? bar.getBoundingClientRect() : null;
    const covered = under && box.bottom > under.top + 1 && box.top < under.bottom - 1;
    return {
        tag: el.tagName, type: el.type || '', id: el.id, name: el.name || '',
        text: (el.labels && el.labels.length ? el.labels[0].textContent : el.textContent).trim(),
        seen: el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        clear: box.top >= 0 && box.bottom <= window.innerHeight + 1 && !covered,
        formaction: el.getAttribute('formaction') || '',
    };
}"""


class Keyboard:
    """Moves focus with Tab until it lands on what it looks for; records what it passed."""

    def __init__(self, page):
        self.page = page
        self.hidden: list[dict] = []

    def tab_to(self, wanted, limit: int = 80) -> dict:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            here = self.page.evaluate(FOCUSED)
            if here is None:
                continue
            if not (here["seen"] and here["clear"]):
                self.hidden.append(here)
            if wanted(here):
                return here
        raise AssertionError("the keyboard never reached it")

    def skip_to_main(self):
        """The first Tab shows the skip link; Enter moves the focus to the page's content."""
        here = self.tab_to(lambda f: f["tag"] == "A", limit=1)
        assert here["text"], here
        self.page.keyboard.press("Enter")
        self.page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")


@pytest.mark.parametrize(("lang", "js"), RUNS, ids=[f"{lang}-{'js' if js else 'nojs'}" for lang, js in RUNS])
def test_the_whole_vote_with_the_keyboard_alone(browser, live_app, live_server, ballot, lang, js):
    context = browser.new_context(viewport=PHONE, java_script_enabled=js, is_mobile=True)
    context.add_cookies([{"name": "ypb_lang", "value": lang, "url": live_server}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = PageProblems(page)
    keys = Keyboard(page)
    cycle_id = ballot["cycle_voting"]
    code = ballot["codes"][RUNS.index((lang, js))]

    page.goto(f"{live_server}/cycles/{cycle_id}/vote")
    keys.skip_to_main()
    keys.tab_to(lambda f: f["name"] == "code")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.locator("#ballot-total").wait_for()

    # Two projects ticked with Space, in the order this voter's ballot shows them; the total
    # follows (with JavaScript) and is announced.
    keys.skip_to_main()
    wanted = {"Bike racks", "Book swap shelf"}
    while wanted:
        here = keys.tab_to(lambda f: f["type"] == "checkbox" and f["text"] in wanted)
        page.keyboard.press("Space")
        wanted.discard(here["text"])
        if js:  # the total catches up before the next key (a quicker key would only cancel a check)
            page.locator("#ballot-total .vote-figures").filter(has_text=str(2 - len(wanted))).wait_for()
    assert page.locator("main input[type=checkbox]:checked").count() == 2
    if js:
        page.locator("#ballot-total .vote-status-ready").wait_for()
    keys.tab_to(lambda f: f["tag"] == "BUTTON" and f["type"] == "submit" and not f["name"])
    page.keyboard.press("Enter")

    page.locator("form[action$='/vote/confirm']").wait_for()
    keys.skip_to_main()
    keys.tab_to(lambda f: f["tag"] == "BUTTON" and not f["formaction"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/vote/done")
    page.locator("main h1").wait_for()

    with live_app.app_context():
        voter = voting.Voter(code=voting.find_code(cycle_id, code))
        chosen = set(next(iter(voting.my_ballots(cycle_id, voter).values())))
    bikes, _, books = ballot["ballot_projects"]
    assert chosen == {bikes, books}
    assert keys.hidden == [], f"focus not visible, or hidden under the sticky total: {keys.hidden}"
    assert problems.messages == []
    context.close()
