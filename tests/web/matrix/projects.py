"""Matrix entries: funded projects (issue #7, first slice).

The world has no confirmed results, so a cycle's project list is there for everyone (200)
and says the projects come later. No project exists, so a project's page is 404 for
everyone, and every form is 404 for staff once the permission check has let them through,
and refused to everyone else.
tests/web/test_projects_web.py covers the pages and forms with funded projects.
"""

from __future__ import annotations

from tests.web.matrix.common import NOT_FOUND, OK, STAFF, each, only

PROJECT = "/projects/1"

ENTRIES = {
    ("projects.for_cycle", "GET"): ("/cycles/{cycle_voting}/projects", None, each(OK)),
    ("projects.show", "GET"): (PROJECT, None, each(NOT_FOUND)),
    ("projects.update_status", "POST"): (f"{PROJECT}/status", {"update-status": "in_progress"},
                                         only(STAFF, NOT_FOUND)),
    ("projects.add_milestone", "POST"): (f"{PROJECT}/milestones", {"milestone-title": "Ordered"},
                                         only(STAFF, NOT_FOUND)),
    ("projects.complete_milestone", "POST"): (f"{PROJECT}/milestones/1/done", {}, only(STAFF, NOT_FOUND)),
    ("projects.change_terms", "POST"): (f"{PROJECT}/terms", {"terms-reason": "Why"}, only(STAFF, NOT_FOUND)),
    # KPIs and the cycle's report (tests/web/test_surveys_web.py covers them with funded projects).
    ("projects.update_kpis", "POST"): (f"{PROJECT}/kpis", {"kpis-engaged_target": "40"}, only(STAFF, NOT_FOUND)),
    ("projects.cycle_report_page", "GET"): ("/cycles/{cycle_voting}/report", None, each(OK)),
    ("projects.cycle_report_csv", "GET"): ("/cycles/{cycle_voting}/report.csv", None, each(OK)),
}
