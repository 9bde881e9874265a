"""On a phone: anyone reads a closed vote's results, with JavaScript and without: the funded
projects, why each project was or was not funded, and the chart of the votes."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import make_user
from tests.web.test_results_web import build_cycle, close, vote
from ypb.models.base import utcnow

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def closed_vote(live_app):
    """Ten ballots, closed: the six's gym and hoops are funded by most votes first, the four's
    shelf is not (equal shares would have funded it: the "what if")."""
    secretary = make_user(live_app, "coordinator", "secretary", birth_year=1990)
    made = build_cycle(live_app, secretary, now=utcnow(), budget=100_000, title="Youth budget 2027",
                       projects=(("Outdoor gym", 40_000), ("Basketball hoops", 40_000),
                                 ("Book swap shelf by the library entrance", 40_000)))
    vote(live_app, made, [(0, 1)] * 6 + [(2,)] * 4)
    close(live_app, made, secretary)
    return made


def test_results_on_a_phone(phone, live_server, closed_vote):
    page = phone
    page.goto(f"{live_server}/cycles/{closed_vote['cycle']}")
    page.get_by_role("link", name="See the draft results").click()
    page.get_by_role("heading", name="Results", exact=True).wait_for()
    main = page.locator("main")
    assert "Draft results" in main.inner_text()

    funded = page.locator(".result-funded")
    assert funded.count() == 2
    assert sorted(funded.locator(".card-title").all_inner_texts()) == ["Basketball hoops", "Outdoor gym"]
    assert "Funded: place 1 by votes, and it fit in the €1,000.00 still available." in main.inner_text()
    shelf = page.locator(".result-unfunded")
    assert "Not funded: it costs €400.00, but only €200.00 was left when its turn came." in shelf.inner_text()

    chart = page.get_by_role("img", name="Votes per project: Youth budget 2027")
    chart.wait_for()
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box["width"] > 300 and box["x"] + box["width"] <= 360
    assert page.locator("svg.bar-chart rect.bar-funded").count() == 2
    assert page.get_by_role("table").get_by_role("row").count() == 4  # the header and three projects

    assert "only with this rule" in page.locator(".compare").inner_text()
    if page.js:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "results")
    assert page.problems.messages == []
