"""Matrix entries: paper-ballot batches and the census list (staff), and entering one's
number from the list (any signed-in account).

The world has no paper batch, so opening or deleting batch 1 is 404 for staff once the
permission check has let them through; the batch pages themselves are tested in
tests/web/test_paper_web.py.
"""

from __future__ import annotations

from tests.web.matrix.common import INVALID, NOT_FOUND, OK, SIGNED_IN, STAFF, only

ENTRIES = {
    ("paper.index", "GET"): ("/cycles/{cycle_voting}/paper", None, only(STAFF, OK)),
    ("paper.new", "GET"): ("/cycles/{cycle_voting}/paper/new", None, only(STAFF, OK)),
    # An empty batch form comes back with its errors.
    ("paper.new", "POST"): ("/cycles/{cycle_voting}/paper/new", {}, only(STAFF, INVALID)),
    ("paper.edit", "GET"): ("/cycles/{cycle_voting}/paper/1", None, only(STAFF, NOT_FOUND)),
    ("paper.edit", "POST"): ("/cycles/{cycle_voting}/paper/1", {"ballots": "1"}, only(STAFF, NOT_FOUND)),
    ("paper.delete", "POST"): ("/cycles/{cycle_voting}/paper/1/delete", {}, only(STAFF, NOT_FOUND)),
    ("paper.census", "GET"): ("/cycles/{cycle_voting}/census", None, only(STAFF, OK)),
    # Neither a file nor a pasted list: the upload form comes back with its error.
    ("paper.census", "POST"): ("/cycles/{cycle_voting}/census", {}, only(STAFF, INVALID)),
    ("paper.census_claim", "GET"): ("/cycles/{cycle_voting}/census/claim", None, only(SIGNED_IN, OK)),
    # The voting cycle has no list, so any number is refused with the form shown again.
    ("paper.census_claim", "POST"): ("/cycles/{cycle_voting}/census/claim", {"identifier": "S-1234"},
                                     only(SIGNED_IN, INVALID)),
}
