"""Matrix entries: feasibility notes, review decisions, moderation (staff only)."""

from __future__ import annotations

from tests.web.matrix.common import OK, SEE_OTHER, STAFF, only

NOTE = {"verdict": "feasible", "municipal_cost": "12 000", "reason": "The park has power nearby."}
DECISION = {"decision": "approve", "final_cost": "8000", "reason": "", "merged_into_id": ""}

ENTRIES = {
    ("review.feasibility", "GET"): ("/proposals/{proposal}/feasibility", None, only(STAFF, OK)),
    ("review.feasibility", "POST"): ("/proposals/{proposal}/feasibility", NOTE, only(STAFF, SEE_OTHER)),
    ("review.cycle_review", "GET"): ("/cycles/{cycle_review}/review", None, only(STAFF, OK)),
    ("review.decide", "GET"): ("/proposals/{review_proposal}/decision", None, only(STAFF, OK)),
    ("review.decide", "POST"): ("/proposals/{review_proposal}/decision", DECISION, only(STAFF, SEE_OTHER)),
    ("review.moderation", "GET"): ("/moderation", None, only(STAFF, OK)),
    ("review.hide_comment", "POST"): ("/comments/{comment}/hide", {"reason": "Off topic"},
                                      only(STAFF, SEE_OTHER)),
    ("review.restore_comment", "POST"): ("/comments/{comment}/restore", {"reason": ""},
                                         only(STAFF, SEE_OTHER)),
}
