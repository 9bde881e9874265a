"""The public results of a budget cycle: what was funded and why, the votes as a chart and a
table, the rule in plain words, what the other rule would have funded, the turnout, the
anonymised ballots file with its digest, and the secretary's confirmation of draft results."""

from flask import Blueprint

bp = Blueprint("results", __name__)

from ypb.web.results import routes  # noqa: E402,F401
