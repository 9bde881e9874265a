"""Matrix entries: renewals of delivered projects (issue #7).

The world has no funded project, so starting a renewal of /projects/1 is 404 for everyone:
the project is looked up before the permission (the team or staff) is checked.
tests/web/test_renewals_web.py covers the route with a delivered project.
"""

from __future__ import annotations

from tests.web.matrix.common import NOT_FOUND, each

ENTRIES = {
    ("proposals.renew", "POST"): ("/projects/1/renewals", {"cycle_id": "1"}, each(NOT_FOUND)),
}
