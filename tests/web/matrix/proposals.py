"""Matrix entries: proposals, their history, comments and reports."""

from __future__ import annotations

from tests.web.matrix.common import INVALID, NOT_FOUND, OK, ROLES, SEE_OTHER, SIGNED_IN, each, only

AUTHOR_ONLY = {role: NOT_FOUND for role in ROLES}  # a draft is invisible to everyone else
AUTHOR = "youth"


def author(status):
    return {**AUTHOR_ONLY, AUTHOR: status}


ENTRIES = {
    ("proposals.index", "GET"): ("/cycles/{cycle_feedback}/proposals", None, each(OK)),
    ("proposals.show", "GET"): ("/proposals/{proposal}", None, each(OK)),
    ("proposals.history", "GET"): ("/proposals/{proposal}/history", None, each(OK)),
    ("proposals.mine", "GET"): ("/proposals/mine", None, only(SIGNED_IN, OK)),
    ("proposals.new", "GET"): ("/cycles/{cycle_proposals}/proposals/new", None, only(SIGNED_IN, OK)),
    ("proposals.new", "POST"): ("/cycles/{cycle_proposals}/proposals/new", {}, only(SIGNED_IN, INVALID)),
    ("proposals.edit", "GET"): ("/proposals/{draft}/edit", None, author(OK)),
    ("proposals.edit", "POST"): ("/proposals/{draft}/edit", {}, author(INVALID)),
    ("proposals.submit", "POST"): ("/proposals/{draft}/submit", {}, author(SEE_OTHER)),
    ("proposals.withdraw", "POST"): ("/proposals/{draft}/withdraw", {}, author(SEE_OTHER)),
    ("proposals.comment", "POST"): ("/proposals/{proposal}/comments", {"body": "Nice idea"},
                                    only(SIGNED_IN, SEE_OTHER)),
    ("proposals.report", "GET"): ("/comments/{comment}/report", None, only(SIGNED_IN, OK)),
    ("proposals.report", "POST"): ("/comments/{comment}/report", {"reason": "rude"}, only(SIGNED_IN, SEE_OTHER)),
}
