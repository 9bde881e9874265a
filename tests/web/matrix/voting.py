"""Matrix entries: the voter's ballot pages (issue #4).

Everyone may open the ballot (a voting code needs no account); the voting service decides
who may cast. All four signed-in roles of the world are eligible (born 2006, residents),
so an empty ballot comes back 422 for them, while a visitor without an account or code is
sent back to the ballot page, which shows the two ways in.
"""

from __future__ import annotations

from tests.web.matrix.common import INVALID, OK, SEE_OTHER, each

ENTRIES = {
    ("voting.ballot", "GET"): ("/cycles/{cycle_voting}/vote", None, each(OK)),
    # Without HX-Request the live check is not wanted: back to the ballot.
    ("voting.check", "POST"): ("/cycles/{cycle_voting}/vote/check", {}, each(SEE_OTHER)),
    ("voting.review", "POST"): ("/cycles/{cycle_voting}/vote", {}, each(INVALID, anonymous=SEE_OTHER)),
    ("voting.confirm", "POST"): ("/cycles/{cycle_voting}/vote/confirm", {}, each(INVALID, anonymous=SEE_OTHER)),
    # Nobody in the world has voted yet: the done page sends them to the ballot.
    ("voting.done", "GET"): ("/cycles/{cycle_voting}/vote/done", None, each(SEE_OTHER)),
    # (With ?code= from the QR link it first moves the code out of the address: 303.)
    ("voting.code", "GET"): ("/cycles/{cycle_voting}/vote/code", None, each(OK)),
    ("voting.code", "POST"): ("/cycles/{cycle_voting}/vote/code", {"code": "WRONG-CODE"}, each(INVALID)),
}
