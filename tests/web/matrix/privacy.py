"""Matrix entries: the privacy page, downloading one's data and deleting one's account (issue #9).

The delete POST carries no password, so every signed-in role gets the form back with the
error (422) and nothing is deleted; tests/web/test_privacy_web.py covers the real deletion.
"""

from __future__ import annotations

from tests.web.matrix.common import INVALID, OK, SIGNED_IN, each, only

ENTRIES = {
    ("main.privacy", "GET"): ("/privacy", None, each(OK)),
    ("account.data", "GET"): ("/account/data.json", None, only(SIGNED_IN, OK)),
    ("account.delete_form", "GET"): ("/account/delete", None, only(SIGNED_IN, OK)),
    ("account.delete", "POST"): ("/account/delete", {}, only(SIGNED_IN, INVALID)),
}
