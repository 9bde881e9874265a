"""The voter's ballot on a phone: ways in (account or voting code), the ballot with its
live running total, the review step, the confirmation and the "your vote is counted" page."""

from flask import Blueprint

bp = Blueprint("voting", __name__)

from ypb.web.voting import routes  # noqa: E402,F401
