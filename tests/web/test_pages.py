"""Security headers, error pages and the layout's promises (no inline code, landmarks)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import sign_in

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PAGES = ["/", "/login", "/signup", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_response(app, path):
    response = app.test_client().get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "HX-Request" in response.headers["Vary"]
    assert "Strict-Transport-Security" not in response.headers  # development: plain http


def test_hsts_outside_development(make_app):
    app = make_app(YPB_ENV="production")
    assert "max-age=" in app.test_client().get("/").headers["Strict-Transport-Security"]


def test_no_inline_scripts_or_styles_in_any_template():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\sstyle=", text) \
                or "<style" in text or re.search(r"\son[a-z]+=", text) or "hx-on" in text:
            offenders.append(path.name)
    assert not offenders


def test_layout_has_landmarks_skip_link_and_announced_messages(app):
    html = app.test_client().get("/").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert "<header" in html and "<nav" in html and "<footer" in html
    assert 'aria-live="polite"' in html
    assert 'name="viewport"' in html
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html
    assert re.search(r'<script src="/static/vendor/htmx-[\d.]+\.min\.[0-9a-f]{10}\.js"', html)


def test_htmx_is_served_from_static(app):
    html = app.test_client().get("/").get_data(as_text=True)
    src = re.search(r'<script src="(/static/vendor/htmx[^"]+)"', html).group(1)
    response = app.test_client().get(src)
    assert response.status_code == 200 and b"htmx" in response.data[:2000]


@pytest.mark.parametrize("code", [403, 404, 405])
def test_error_pages_are_friendly_and_reveal_nothing(client_for, code):
    client = client_for("youth")
    url = {403: "/admin/users", 404: "/nothing-here", 405: "/logout"}[code]
    response = client.get(url)
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and "werkzeug" not in html.lower()
    assert "Go to the home page" in html


def test_server_error_page_hides_the_exception(make_app):
    app = make_app(YPB_RAISE_ERRORS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret internal detail" not in html
    assert "Something went wrong on our side" in html


def test_language_switch_keeps_the_page_and_is_remembered(app, users):
    client = app.test_client()
    sign_in(client, "youth-user")
    from tests.conftest import post_form

    response = post_form(client, "/language", {"lang": "en", "next": "/account/"}, token_from="/")
    assert response.headers["Location"] == "/account/"
    assert "ypb_lang=en" in response.headers["Set-Cookie"]
    evil = post_form(client, "/language", {"lang": "en", "next": "//evil.example"}, token_from="/")
    assert evil.headers["Location"] == "/"


@pytest.mark.parametrize("path", ["/council/meetings", "/calendar"])
def test_a_page_stylesheet_is_in_the_body_where_a_boosted_link_swaps_it_in(app, path):
    # htmx swaps only the body on a boosted navigation: a stylesheet in the head would be lost.
    html = app.test_client().get(path).get_data(as_text=True)
    body = html.split("<body", 1)[1]
    assert re.search(r'<link rel="stylesheet" href="/static/css/(meetings|calendar)\.[0-9a-f]{10}\.css">', body)
