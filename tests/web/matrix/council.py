"""Matrix entries: the youth council's public pages and the secretary's page (issue #6).

The world has no council yet: the public page says so (200 for everyone) and nobody has a
member's page (404 for everyone). Adding a person needs no council, so staff are sent back
to the manage page (303); every other form posted here is refused (no council to add a
seat to, a missing name or date), so staff get the manage page back with the errors (422).
Other roles may not post at all. tests/web/test_council_web.py covers the pages with a council.
"""

from __future__ import annotations

from tests.web.matrix.common import INVALID, NOT_FOUND, OK, SEE_OTHER, STAFF, each, only

ENTRIES = {
    ("council.index", "GET"): ("/council", None, each(OK)),
    ("council.person", "GET"): ("/council/people/1", None, each(NOT_FOUND)),
    ("council.manage", "GET"): ("/council/manage", None, only(STAFF, OK)),
    ("council.save_settings", "POST"): ("/council/settings", {"settings-name": ""}, only(STAFF, INVALID)),
    ("council.add_seat", "POST"): ("/council/seats", {"seat-label": "Youth seat 1"}, only(STAFF, INVALID)),
    ("council.add_person", "POST"): ("/council/people", {"person-name": "Ieva"}, only(STAFF, SEE_OTHER)),
    ("council.appoint", "POST"): ("/council/appointments", {"appoint-start": "2025-01-01"}, only(STAFF, INVALID)),
    ("council.end_membership", "POST"): ("/council/memberships/1/end", {"end-1-end": "2025-01-01"},
                                         only(STAFF, INVALID)),
    ("council.add_affiliation", "POST"): ("/council/people/1/affiliations", {"aff-1-body": "Board"},
                                          only(STAFF, INVALID)),
}
