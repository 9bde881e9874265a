"""A signed-in user's own account page."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from ypb.web.account import data, routes  # noqa: E402,F401
