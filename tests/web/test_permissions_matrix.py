"""Every route × every role → the status that role gets.

The walk over `app.url_map` fails for any route (and method) missing from MATRIX, so a
new page cannot ship without saying who may open it.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROLES, csrf_token

LOGIN = "login"  # a redirect to the sign-in page (anonymous visitor, page needs an account)
OK, REDIRECT, FORBIDDEN, INVALID = 200, 302, 403, 422

ANON = "anonymous"
SIGNED_IN = ["youth", "secretary", "council", "admin"]


def each(status, **exceptions):
    return {role: exceptions.get(role, status) for role in ROLES}


def only(roles: list[str], status, otherwise=FORBIDDEN):
    return {role: status if role in roles else (LOGIN if role == ANON else otherwise) for role in ROLES}


# (endpoint, method): (url, form data or None, {role: expected})
MATRIX = {
    ("main.home", "GET"): ("/", None, each(OK)),
    ("main.healthz", "GET"): ("/healthz", None, each(OK)),
    ("main.set_language", "POST"): ("/language", {"lang": "en"}, each(REDIRECT)),
    ("auth.signup", "GET"): ("/signup", None, each(REDIRECT, anonymous=OK)),
    ("auth.signup", "POST"): ("/signup", {}, each(REDIRECT, anonymous=INVALID)),
    ("auth.login", "GET"): ("/login", None, each(REDIRECT, anonymous=OK)),
    ("auth.login", "POST"): ("/login", {}, each(REDIRECT, anonymous=INVALID)),
    ("auth.logout", "POST"): ("/logout", {}, only(SIGNED_IN, REDIRECT)),
    ("account.profile", "GET"): ("/account/", None, only(SIGNED_IN, OK)),
    ("admin.users", "GET"): ("/admin/users", None, only(["admin"], OK)),
    ("admin.set_role", "POST"): ("/admin/users/{youth}/role", {"role": "council"}, only(["admin"], REDIRECT)),
}

CASES = [(key, role) for key in MATRIX for role in ROLES]


def test_every_route_is_in_the_matrix(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in MATRIX:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes without a permission matrix entry:\n" + "\n".join(missing)


def test_every_view_declares_its_permission(app):
    undeclared = [
        endpoint for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not getattr(view, "permission", None)
    ]
    assert not undeclared


@pytest.mark.parametrize(("key", "role"), CASES, ids=[f"{k[0]}-{k[1]}-{r}" for k, r in CASES])
def test_route_role_status(client_for, users, key, role):
    url, form, expected_by_role = MATRIX[key]
    expected = expected_by_role[role]
    url = url.format(**{r: uid for r, uid in users.items()})
    client = client_for(role)
    if key[1] == "GET":
        response = client.get(url)
    else:
        data = {**form, "csrf_token": csrf_token(client, "/")}
        response = client.post(url, data=data)
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    else:
        assert response.status_code == expected
