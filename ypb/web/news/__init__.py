"""Public news: a page and an Atom feed of what changed in the budget rounds, the council and the projects."""

from flask import Blueprint

bp = Blueprint("news", __name__)

from ypb.web.news import routes  # noqa: E402,F401
