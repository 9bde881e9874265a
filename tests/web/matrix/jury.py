"""Matrix entries: a competition's jury criteria (staff) and the jury's scoring (council members).

The world's cycles are counted by most votes first, so a juror's scores are refused with a
message (back to the jury page: 303) and the scoring page says there is no jury (200). The
world has no criterion: changing or removing one sends staff back to the criteria page with
a message (303). tests/web/test_competition_web.py covers a real competition.
"""

from __future__ import annotations

from tests.web.matrix.common import INVALID, OK, SEE_OTHER, STAFF, only

MISSING = 999_999  # no criterion has this id

ENTRIES = {
    ("jury.criteria", "GET"): ("/cycles/{cycle_review}/jury/criteria", None, only(STAFF, OK)),
    # No title: the form is shown again with its error.
    ("jury.criteria", "POST"): ("/cycles/{cycle_review}/jury/criteria", {}, only(STAFF, INVALID)),
    ("jury.edit_criterion", "GET"): (f"/cycles/{{cycle_review}}/jury/criteria/{MISSING}", None,
                                     only(STAFF, SEE_OTHER)),
    ("jury.edit_criterion", "POST"): (f"/cycles/{{cycle_review}}/jury/criteria/{MISSING}", {"title": "Impact"},
                                      only(STAFF, SEE_OTHER)),
    ("jury.remove_criterion", "POST"): (f"/cycles/{{cycle_review}}/jury/criteria/{MISSING}/remove", {},
                                        only(STAFF, SEE_OTHER)),
    ("jury.scoring", "GET"): ("/cycles/{cycle_voting}/jury", None, only(["council"], OK)),
    ("jury.score", "POST"): ("/cycles/{cycle_review}/jury/{review_proposal}", {"score_1": "3"},
                             only(["council"], SEE_OTHER)),
}
