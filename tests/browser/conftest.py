"""Playwright in Debian's Chromium against the app served on a loopback port.

Never a downloaded browser: /usr/bin/chromium or nothing. Without it the tests skip
with how to install it, except in CI, where a missing browser is a failure.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ypb import create_app
from ypb.config import TestConfig
from ypb.extensions import db

CHROMIUM = Path(os.environ.get("YPB_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    message = (f"Browser tests need Debian's Chromium at {CHROMIUM}: "
               "install it with `sudo apt-get install chromium`.")
    if os.environ.get("CI"):
        raise pytest.UsageError(message + " CI never skips browser tests.")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("browser") / "browser.sqlite3"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                                  "YPB_RAISE_ERRORS": False})
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="module")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems:
    """Console errors, uncaught exceptions and CSP violations seen by a page."""

    def __init__(self, page):
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.messages.append(f"pageerror: {exc}"))

    def _console(self, message):
        # A form with mistakes answers 422 by design; Chromium logs every 4xx load.
        if "status of 422" in message.text:
            return
        if message.type in ("error", "warning") or "Content Security Policy" in message.text:
            self.messages.append(f"{message.type}: {message.text}")


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def phone(request, browser):
    """A phone-sized page, with JavaScript on and off; `.problems` collects errors."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=request.param,
                                  device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.problems = PageProblems(page)
    page.js = request.param
    yield page
    context.close()


@pytest.fixture
def phone_js(browser):
    """A phone-sized page with JavaScript, for measuring the rendered layout."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.problems = PageProblems(page)
    page.js = True
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}-{'js' if page.js else 'nojs'}.png"
    # caret="initial": hiding the caret injects a style, which our CSP rightly blocks.
    page.screenshot(path=str(path), full_page=True, caret="initial")
    return path
