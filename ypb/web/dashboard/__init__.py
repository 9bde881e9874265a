"""The secretary's dashboard: what needs an answer or a decision."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from ypb.web.dashboard import routes  # noqa: E402,F401
