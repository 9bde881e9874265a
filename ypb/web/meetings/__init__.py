"""The youth council's meetings: the public calendar of meetings with their agendas,
attendance, votes, decisions and minutes, the list of decisions, the influence figures and
the open data (Popolo JSON, iCalendar); and the secretary's forms that record a meeting."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)

from ypb.web.meetings import routes  # noqa: E402,F401
