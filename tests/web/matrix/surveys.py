"""Matrix entries: satisfaction surveys of funded projects (issue #7).

The world has no funded project, so no survey: a project's survey page and the secretary's
tools are 404 once the permission check has let a role through, and the participant's pages
(open to everyone, no account needed) are 404 for an unknown link.
tests/web/test_surveys_web.py covers them with a real survey.
"""

from __future__ import annotations

from tests.web.matrix.common import NOT_FOUND, STAFF, each, only

LINK = "/s/no-such-survey-link"
SURVEY = "/projects/1/survey"

ENTRIES = {
    ("surveys.answer", "GET"): (LINK, None, each(NOT_FOUND)),
    ("surveys.answer", "POST"): (LINK, {"rating": "5"}, each(NOT_FOUND)),
    ("surveys.thanks", "GET"): (f"{LINK}/thanks", None, each(NOT_FOUND)),
    ("surveys.results", "GET"): (SURVEY, None, each(NOT_FOUND)),
    ("surveys.open_survey", "POST"): (f"{SURVEY}/open", {}, only(STAFF, NOT_FOUND)),
    ("surveys.close_survey", "POST"): (f"{SURVEY}/close", {}, only(STAFF, NOT_FOUND)),
    ("surveys.qr", "GET"): (f"{SURVEY}/qr.svg", None, only(STAFF, NOT_FOUND)),
    ("surveys.printable", "GET"): (f"{SURVEY}/print", None, only(STAFF, NOT_FOUND)),
}
