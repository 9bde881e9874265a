"""The secretary's side of the vote: ballot settings, voting codes (printed sheet, CSV)
and revoking codes."""

from flask import Blueprint

bp = Blueprint("vote_admin", __name__)

from ypb.web.vote_admin import routes  # noqa: E402,F401
