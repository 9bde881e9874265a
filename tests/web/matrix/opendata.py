"""Matrix entries: open-data downloads of a public cycle (issue #5).

The same for everyone, with or without an account. Proposals are there from the start; the
voting cycle of the world has not closed yet, so its results and ballots are 404 for all.
Draft cycles are 404 too (tests/web/test_opendata_web.py).
"""

from __future__ import annotations

from tests.web.matrix.common import NOT_FOUND, OK, each

ENTRIES = {
    ("opendata.proposals_csv", "GET"): ("/cycles/{cycle_feedback}/proposals.csv", None, each(OK)),
    ("opendata.proposals_json", "GET"): ("/cycles/{cycle_feedback}/proposals.json", None, each(OK)),
    ("opendata.results_csv", "GET"): ("/cycles/{cycle_voting}/results.csv", None, each(NOT_FOUND)),
    ("opendata.results_json", "GET"): ("/cycles/{cycle_voting}/results.json", None, each(NOT_FOUND)),
    ("opendata.ballots_csv", "GET"): ("/cycles/{cycle_voting}/ballots.csv", None, each(NOT_FOUND)),
}
