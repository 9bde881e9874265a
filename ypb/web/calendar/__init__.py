"""The public calendar: phase deadlines, council meetings and events on one page and in one
iCalendar feed; each event's page; and the secretary's forms to add, edit and cancel events."""

from flask import Blueprint

bp = Blueprint("calendar", __name__)

from ypb.web.calendar import routes  # noqa: E402,F401
