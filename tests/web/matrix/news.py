"""Matrix entries: the public news page and Atom feed (issue #7), and the account's e-mail switch.

News is public: the same for everyone, with or without an account. Turning e-mail copies of
one's notifications on or off needs an account.
"""

from __future__ import annotations

from tests.web.matrix.common import OK, SEE_OTHER, SIGNED_IN, each, only

ENTRIES = {
    ("news.index", "GET"): ("/news", None, each(OK)),
    ("news.feed", "GET"): ("/news.atom", None, each(OK)),
    ("account.email_notifications", "POST"): ("/account/email-notifications", {"email_notifications": "y"},
                                              only(SIGNED_IN, SEE_OTHER)),
}
