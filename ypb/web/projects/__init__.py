"""Funded projects after the vote: the public list per cycle and each project's page with its
progress, milestones and the full history of its terms; the secretary's forms that update them."""

from flask import Blueprint

bp = Blueprint("projects", __name__)

from ypb.web.projects import routes  # noqa: E402,F401
