"""Open-data downloads of a public cycle: proposals, results and anonymised ballots as CSV
and JSON files, and the "Open data" links any page can include (`opendata/links.html`)."""

from flask import Blueprint

bp = Blueprint("opendata", __name__)

from ypb.web.opendata import routes  # noqa: E402,F401
