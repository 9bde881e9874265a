"""The youth council's composition: the public page of who sits on it on any day (with the
parity status and who sat when), each member's page, and the secretary's page that keeps it:
settings, seats, people, appointments, ends of memberships and seats in other bodies."""

from flask import Blueprint

bp = Blueprint("council", __name__)

from ypb.web.council import routes  # noqa: E402,F401
