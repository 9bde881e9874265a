"""Public pages that belong to no single area: home, health check, language choice."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from ypb.web.main import routes  # noqa: E402,F401
