"""Proposals: the public list and page, the author's forms, history, comments."""

from flask import Blueprint

bp = Blueprint("proposals", __name__)

from ypb.web.proposals import routes  # noqa: E402,F401
