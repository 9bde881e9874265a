"""Account administration: the list of accounts and their roles."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from ypb.web.admin import routes  # noqa: E402,F401
