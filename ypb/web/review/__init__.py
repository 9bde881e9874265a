"""The municipality's screens: feasibility notes, review decisions, moderation."""

from flask import Blueprint

bp = Blueprint("review", __name__)

from ypb.web.review import routes  # noqa: E402,F401
