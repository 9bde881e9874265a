"""Matrix entries: the second factor (enrolment, second sign-in step, staff requirement)."""

from __future__ import annotations

from tests.web.matrix.common import INVALID, OK, REDIRECT, SEE_OTHER, STAFF, each, only

ENTRIES = {
    # Without a half-done login the second step sends everyone back (home or sign-in).
    ("auth.login_code", "GET"): ("/login/code", None, each(REDIRECT)),
    ("auth.login_code", "POST"): ("/login/code", {}, each(REDIRECT)),
    ("auth.two_factor_page", "GET"): ("/two-factor", None, only(STAFF, OK)),
    ("auth.two_factor_qr", "GET"): ("/two-factor/qr.svg", None, only(STAFF, OK)),
    ("auth.two_factor_enable", "POST"): ("/two-factor/enable", {}, only(STAFF, INVALID)),
    # Not turned on yet: back to the page.
    ("auth.two_factor_disable", "POST"): ("/two-factor/disable", {}, only(STAFF, SEE_OTHER)),
    ("admin.two_factor_requirement", "POST"): ("/admin/two-factor-requirement", {},
                                               only(["admin"], REDIRECT)),
    # Without the confirmation box ticked nothing changes: back to the list.
    ("admin.two_factor_reset", "POST"): ("/admin/users/{youth}/two-factor-reset", {}, only(["admin"], REDIRECT)),
}
