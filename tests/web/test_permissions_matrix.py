"""Every route × every role → the status that role gets.

The walk over `app.url_map` fails for any route (and method) missing from MATRIX, so a
new page cannot ship without saying who may open it.
"""

from __future__ import annotations

import pytest

from tests.conftest import ROLES, csrf_token
from tests.web.matrix import MATRIX
from tests.web.matrix.common import LOGIN

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
def test_route_role_status(client_for, world, key, role):
    url, form, expected_by_role = MATRIX[key]
    expected = expected_by_role[role]
    url = url.format(**world)
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
