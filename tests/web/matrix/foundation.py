"""Matrix entries: home, health, language, accounts, admin."""

from __future__ import annotations

from tests.web.matrix.common import FORBIDDEN, INVALID, OK, REDIRECT, SIGNED_IN, each, only  # noqa: F401

# (endpoint, method): (url, form data or None, {role: expected})
ENTRIES = {
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
