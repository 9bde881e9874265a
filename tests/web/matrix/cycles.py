"""Matrix entries: budget cycles, the secretary's dashboard, notifications."""

from __future__ import annotations

from tests.web.matrix.common import INVALID, OK, SEE_OTHER, SIGNED_IN, STAFF, each, only

ENTRIES = {
    ("cycles.index", "GET"): ("/cycles/", None, each(OK)),
    ("cycles.show", "GET"): ("/cycles/{cycle_feedback}", None, each(OK)),
    # A draft is hidden (404) from everyone but staff, so its existence does not leak.
    ("cycles.new", "GET"): ("/cycles/new", None, only(STAFF, OK)),
    # An empty form is re-shown with its errors.
    ("cycles.new", "POST"): ("/cycles/new", {}, only(STAFF, INVALID)),
    ("cycles.edit", "GET"): ("/cycles/{cycle_draft}/edit", None, only(STAFF, OK)),
    ("cycles.edit", "POST"): ("/cycles/{cycle_draft}/edit", {}, only(STAFF, INVALID)),
    ("cycles.advance", "POST"): ("/cycles/{cycle_feedback}/advance", {"phase": "review"},
                                 only(STAFF, SEE_OTHER)),
    ("dashboard.index", "GET"): ("/dashboard/", None, only(STAFF, OK)),
    ("notifications.index", "GET"): ("/notifications/", None, only(SIGNED_IN, OK)),
    ("notifications.mark_read", "POST"): ("/notifications/read", {}, only(SIGNED_IN, SEE_OTHER)),
}

