"""Matrix entries: the secretary's ballot settings and voting codes (staff only)."""

from __future__ import annotations

from tests.web.matrix.common import INVALID, OK, SEE_OTHER, STAFF, only

ENTRIES = {
    ("vote_admin.settings", "GET"): ("/cycles/{cycle_review}/ballot", None, only(STAFF, OK)),
    # An empty form (no ballot type) is re-shown with its errors.
    ("vote_admin.settings", "POST"): ("/cycles/{cycle_review}/ballot", {}, only(STAFF, INVALID)),
    # Nothing to place (one budget): refused with a message, back to the settings.
    ("vote_admin.assign", "POST"): ("/cycles/{cycle_review}/ballot/budgets", {}, only(STAFF, SEE_OTHER)),
    ("vote_admin.codes", "GET"): ("/cycles/{cycle_voting}/codes", None, only(STAFF, OK)),
    # A valid request renders the sheet of new codes at once (200, no redirect).
    ("vote_admin.generate", "POST"): ("/cycles/{cycle_voting}/codes", {"count": "2", "label": "Matrix"},
                                      only(STAFF, OK)),
    # No codes sent back: nothing to download, back to the codes page.
    ("vote_admin.download_csv", "POST"): ("/cycles/{cycle_voting}/codes/csv", {}, only(STAFF, SEE_OTHER)),
    # Not confirmed: the form is shown again with its error.
    ("vote_admin.revoke", "POST"): ("/cycles/{cycle_voting}/codes/revoke", {"revoke_label": "label:Class 9B",
                                                                             "scope": "unused"},
                                    only(STAFF, INVALID)),
}
