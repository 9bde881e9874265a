"""Matrix entries: the public read-only JSON API. It answers everyone alike, whoever is signed
in: drafts are 404 even for staff (tests/web/test_api.py walks those cases)."""

from __future__ import annotations

from tests.web.matrix.common import NOT_FOUND, OK, each

METHOD_NOT_ALLOWED = 405

ENTRIES = {
    ("api.index", "GET"): ("/api/v1/", None, each(OK)),
    ("api.openapi_document", "GET"): ("/api/v1/openapi.json", None, each(OK)),
    ("api.cycles", "GET"): ("/api/v1/cycles", None, each(OK)),
    ("api.cycle", "GET"): ("/api/v1/cycles/{cycle_draft}", None, each(NOT_FOUND)),
    # Voting is still open there: no results, for anyone.
    ("api.cycle_results", "GET"): ("/api/v1/cycles/{cycle_voting}/results", None, each(NOT_FOUND)),
    ("api.cycle_proposals", "GET"): ("/api/v1/cycles/{cycle_feedback}/proposals", None, each(OK)),
    ("api.proposal", "GET"): ("/api/v1/proposals/{draft}", None, each(NOT_FOUND)),
    # The matrix world has no council yet: 404 for everyone, and empty lists.
    ("api.council", "GET"): ("/api/v1/council", None, each(NOT_FOUND)),
    ("api.council_decisions", "GET"): ("/api/v1/council/decisions", None, each(OK)),
    ("api.council_meetings", "GET"): ("/api/v1/council/meetings", None, each(OK)),
    # The catch-all that keeps routing errors in JSON: unknown paths are 404, writing is 405.
    ("api.fallback", "GET"): ("/api/v1/nothing-here", None, each(NOT_FOUND)),
    ("api.fallback", "POST"): ("/api/v1/cycles", {}, each(METHOD_NOT_ALLOWED)),
    ("api.fallback", "PUT"): ("/api/v1/cycles", {}, each(METHOD_NOT_ALLOWED)),
    ("api.fallback", "PATCH"): ("/api/v1/cycles", {}, each(METHOD_NOT_ALLOWED)),
    ("api.fallback", "DELETE"): ("/api/v1/cycles", {}, each(METHOD_NOT_ALLOWED)),
}
