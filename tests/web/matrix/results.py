"""Matrix entries: the public results page, the ballots file and confirming results (issue #5).

The world has no cycle whose voting has closed, so the page shows when results come (200
for everyone), the ballots file does not exist yet (404 for everyone), and confirming is
refused by the phase rule for staff (back to the page with the reason: 303) while other
roles may not confirm at all. tests/web/test_results_web.py covers the pages after the close.
"""

from __future__ import annotations

from tests.web.matrix.common import NOT_FOUND, OK, SEE_OTHER, STAFF, each, only

ENTRIES = {
    ("results.show", "GET"): ("/cycles/{cycle_voting}/results", None, each(OK)),
    ("results.download", "GET"): ("/cycles/{cycle_voting}/results/1.pb", None, each(NOT_FOUND)),
    ("results.ratify", "POST"): ("/cycles/{cycle_voting}/results/ratify", {}, only(STAFF, SEE_OTHER)),
}
