"""A young person signs up, signs out and in again on a 360 px phone screen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page) -> bool:
    if not page.js:
        return True  # measuring needs JavaScript; the layout is the same
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_sign_up_sign_out_and_sign_in(phone, live_server):
    page = phone
    user = "maria_js" if page.js else "maria_nojs"
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "Your ideas, your budget"
    assert no_horizontal_scroll(page)
    screenshot(page, "home")

    page.get_by_role("link", name="Create an account").click()
    page.wait_for_url("**/signup")
    page.get_by_label("Your name").fill("Maria")
    page.get_by_label("Username").fill(user)
    page.get_by_label("Birth year").fill("2008")
    page.get_by_label("I live in this municipality").check()
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    error = page.locator("#password-error")
    error.wait_for()
    assert "Use between 10 and 256 characters." in error.inner_text()
    assert page.get_by_label("Password").get_attribute("aria-describedby") == "password-hint password-error"
    screenshot(page, "signup-error")

    page.get_by_label("Password").fill("river stone lantern")
    page.get_by_role("button", name="Create account").click()
    page.get_by_text("Hello, Maria.").wait_for()
    assert "Your account is ready" in page.locator("#flash").inner_text()
    assert no_horizontal_scroll(page)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You are signed out.").wait_for()

    page.get_by_role("link", name="Sign in").first.click()
    page.wait_for_url("**/login")
    page.get_by_label("Username or e-mail").fill(user)
    page.get_by_label("Password").fill("river stone lantern")
    screenshot(page, "login")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Hello, Maria.").wait_for()
    screenshot(page, "home-signed-in")

    assert page.problems.messages == []


@pytest.mark.parametrize("path", ["/", "/signup", "/login"])
def test_touch_targets_are_at_least_44px(phone_js, live_server, path):
    page = phone_js
    page.goto(live_server + path)
    # A checkbox counts with its label, which is what a finger actually hits.
    small = page.evaluate("""() => [...document.querySelectorAll('a, button, input, select')]
        .filter(el => el.offsetParent !== null && el.type !== 'hidden')
        .filter(el => !el.closest('p, li:not(.nav-list li)') || el.closest('.actions, .nav-list'))
        .map(el => {
            const target = el.type === 'checkbox' && el.labels.length ? el.labels[0] : el;
            return [el.outerHTML.slice(0, 70), target.getBoundingClientRect().height];
        })
        .filter(([_, h]) => h < 43.5)""")
    assert small == []
