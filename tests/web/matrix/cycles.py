"""Matrix entries: budget cycles, the secretary's dashboard, notifications."""

from __future__ import annotations

from tests.web.matrix.common import OK, each

ENTRIES = {
    ("cycles.index", "GET"): ("/cycles/", None, each(OK)),
    ("cycles.show", "GET"): ("/cycles/{cycle_feedback}", None, each(OK)),
}
