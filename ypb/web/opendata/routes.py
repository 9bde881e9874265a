"""GET-only downloads; unknown and draft cycles are 404, and so are results and ballots
until voting has closed.

CSV choices, for the people who open these files in a spreadsheet:

- UTF-8 **with** a byte-order mark: without it Excel reads the file in the computer's legacy
  code page and garbles names such as "Mārtiņš" or "Kraków"; LibreOffice, Numbers, pandas and
  R's readr all recognise the mark and drop it.
- Comma-separated, quoted by the csv module where needed (RFC 4180), CRLF line ends.
- A text cell starting with = + - @ (or a tab or carriage return) gets a leading apostrophe,
  so a spreadsheet shows it as text instead of running it as a formula.
- Amounts are integer cents, like the JSON files and the API: no decimal separator to misread.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import abort, jsonify, make_response, url_for
from flask_babel import lazy_gettext as _l

from ypb.permissions import require
from ypb.services import opendata
from ypb.web.opendata import bp

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """The cell as written to the CSV: text that a spreadsheet would run as a formula is quoted with '."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(fields: tuple[str, ...], rows: Iterable[dict], filename: str):
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(fields)
    writer.writerows([spreadsheet_safe(row[name]) for name in fields] for row in rows)
    return _download(make_response(out.getvalue()), "text/csv; charset=utf-8", filename)


def _json(document: dict, filename: str):
    return _download(jsonify(document), "application/json", filename)


def _download(response, content_type: str, filename: str):
    response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Open data: any site may read it, and the answer is the same for everyone.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _public(cycle_id: int):
    found = opendata.cycle(cycle_id)
    if found is None:
        abort(404)
    return found


def _closed(cycle_id: int):
    found = _public(cycle_id)
    if not opendata.results_visible(found):
        abort(404)  # nothing is counted before voting closes
    return found


def _about(found) -> dict:
    return {"id": found.id, "title": found.title, "phase": found.phase, "currency": found.currency,
            "amounts": "integer minor units (cents)", "url": url_for("cycles.show", cycle_id=found.id,
                                                                      _external=True)}


@bp.get("/cycles/<int:cycle_id>/proposals.csv")
@require("site.read")
def proposals_csv(cycle_id: int):
    found = _public(cycle_id)
    return _csv(opendata.PROPOSAL_FIELDS, opendata.proposals(found), f"cycle-{found.id}-proposals.csv")


@bp.get("/cycles/<int:cycle_id>/proposals.json")
@require("site.read")
def proposals_json(cycle_id: int):
    found = _public(cycle_id)
    return _json({"cycle": _about(found), "proposals": opendata.proposals(found)},
                 f"cycle-{found.id}-proposals.json")


@bp.get("/cycles/<int:cycle_id>/results.csv")
@require("site.read")
def results_csv(cycle_id: int):
    found = _closed(cycle_id)
    rows = [row for budget in opendata.result_budgets(found) for row in budget["projects"]]
    return _csv(opendata.RESULT_FIELDS, rows, f"cycle-{found.id}-results.csv")


@bp.get("/cycles/<int:cycle_id>/results.json")
@require("site.read")
def results_json(cycle_id: int):
    found = _closed(cycle_id)
    return _json({"cycle": _about(found), "budgets": opendata.result_budgets(found)},
                 f"cycle-{found.id}-results.json")


@bp.get("/cycles/<int:cycle_id>/ballots.csv")
@require("site.read")
def ballots_csv(cycle_id: int):
    found = _closed(cycle_id)
    return _csv(opendata.BALLOT_FIELDS, opendata.ballot_rows(found), f"cycle-{found.id}-ballots.csv")


# The links the "Open data" section shows: (endpoint, label, format, needs the vote closed).
LINKS = (
    ("opendata.proposals_csv", _l("Proposals"), "CSV", False),
    ("opendata.proposals_json", _l("Proposals"), "JSON", False),
    ("opendata.results_csv", _l("Results"), "CSV", True),
    ("opendata.results_json", _l("Results"), "JSON", True),
    ("opendata.ballots_csv", _l("Anonymised ballots"), "CSV", True),
)


@bp.app_template_global("open_data_links")
def open_data_links(cycle) -> list[dict]:
    """The downloads this cycle has now, for `opendata/links.html`."""
    closed = opendata.results_visible(cycle)
    return [{"url": url_for(endpoint, cycle_id=cycle.id), "label": label, "format": kind}
            for endpoint, label, kind, needs_closed in LINKS if closed or not needs_closed]
