"""Every POST route refuses a request without a CSRF token, and accepts the header form."""

from __future__ import annotations

import re

import pytest

from tests.conftest import sign_in


def post_urls(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        # The read-only API's catch-all answers POST with a JSON 405: nothing there writes.
        if "POST" in rule.methods and not rule.endpoint.startswith("api."):
            urls.append(re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule))
    return urls


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "admin"])
def test_post_without_csrf_token_is_refused(app, users, signed_in):
    client = app.test_client()
    if signed_in:
        sign_in(client, "admin-user")
    urls = post_urls(app)
    assert len(urls) >= 5
    for url in urls:
        response = client.post(url, data={"lang": "en", "role": "admin"})
        assert response.status_code == 400, url
        assert "This form has expired" in response.get_data(as_text=True)


def test_htmx_requests_send_the_token_in_a_header(app, users):
    client = app.test_client()
    sign_in(client, "admin-user")
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = client.post("/language", data={"lang": "en"},
                           headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 302
