"""Budget cycles: the public list and page with its timeline, and the secretary's forms."""

from flask import Blueprint

bp = Blueprint("cycles", __name__, url_prefix="/cycles")

from ypb.web.cycles import routes  # noqa: E402,F401
