"""Matrix entries: proposals, their history, comments and reports."""

from __future__ import annotations

from tests.web.matrix.common import OK, each

ENTRIES = {
    ("proposals.index", "GET"): ("/cycles/{cycle_feedback}/proposals", None, each(OK)),
}
