"""Paper ballots typed in by batch, and the optional census list (the secretary's pages),
with the page where a voter enters their number from the list."""

from flask import Blueprint

bp = Blueprint("paper", __name__)

from ypb.web.paper import routes  # noqa: E402,F401
