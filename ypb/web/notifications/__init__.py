"""A signed-in user's in-app notifications."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from ypb.web.notifications import routes  # noqa: E402,F401
