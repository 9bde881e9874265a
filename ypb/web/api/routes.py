"""GET-only views: parse the page, ask public_data, serialise. Unknown or private ids are 404."""

from __future__ import annotations

from flask import abort, current_app, jsonify, request, url_for
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ypb.permissions import require
from ypb.services import cycles, public_data, results
from ypb.web.api import bp, openapi, paging, serialise

API_VERSION = "1"
READ_METHODS = ["GET", "HEAD", "OPTIONS"]
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


@bp.get("/")
@require("site.read")
def index():
    return jsonify({
        "version": API_VERSION,
        "links": {
            "self": url_for("api.index"),
            "cycles": url_for("api.cycles"),
            "council": url_for("api.council"),
            "openapi": url_for("api.openapi_document"),
        },
    })


@bp.get("/openapi.json")
@require("site.read")
def openapi_document():
    return jsonify(openapi.DOCUMENT)


@bp.get("/cycles", endpoint="cycles")
@require("site.read")
def list_cycles():
    page = paging.requested()
    found = public_data.cycles_page(page.offset, page.per_page)
    return jsonify(paging.envelope([serialise.cycle_summary(c) for c in found.items], page, found.total))


@bp.get("/cycles/<int:cycle_id>")
@require("site.read")
def cycle(cycle_id: int):
    found = public_data.cycle(cycle_id)
    if found is None:
        abort(404)
    return jsonify(serialise.cycle_detail(found, cycles.timeline(found), public_data.budgets(found)))


@bp.get("/cycles/<int:cycle_id>/proposals")
@require("site.read")
def cycle_proposals(cycle_id: int):
    if public_data.cycle(cycle_id) is None:
        abort(404)
    page = paging.requested()
    found = public_data.proposals_page(cycle_id, page.offset, page.per_page)
    return jsonify(paging.envelope([serialise.proposal_summary(p) for p in found.items], page, found.total))


@bp.get("/cycles/<int:cycle_id>/results")
@require("site.read")
def cycle_results(cycle_id: int):
    """Draft or confirmed results; 404 until voting has closed (no totals while it is open)."""
    found = public_data.cycle(cycle_id)
    stored = results.results_of(found) if found is not None else []
    if not stored:
        abort(404)
    return jsonify(serialise.cycle_results(found, stored))


@bp.get("/council")
@require("site.read")
def council():
    """The council as it stands today (the municipality's date); 404 before it is set up."""
    from zoneinfo import ZoneInfo

    from ypb.models.base import utcnow
    from ypb.services import council as council_service

    found = public_data.council()
    if found is None:
        abort(404)
    today = utcnow().astimezone(ZoneInfo(current_app.config["YPB_TIMEZONE"])).date()
    return jsonify(serialise.council(found, council_service.composition(found, today)))


@bp.get("/council/decisions")
@require("site.read")
def council_decisions():
    page = paging.requested()
    found = public_data.council_decisions_page(page.offset, page.per_page)
    return jsonify(paging.envelope([serialise.council_decision(d) for d in found.items], page, found.total))


@bp.get("/council/meetings")
@require("site.read")
def council_meetings():
    page = paging.requested()
    found = public_data.meetings_page(page.offset, page.per_page)
    return jsonify(paging.envelope([serialise.meeting(m) for m in found.items], page, found.total))


@bp.get("/proposals/<int:proposal_id>")
@require("site.read")
def proposal(proposal_id: int):
    found = public_data.proposal(proposal_id)
    if found is None:
        abort(404)
    return jsonify(serialise.proposal_detail(found))


def _readable_here() -> bool:
    """Whether GET would find an API endpoint at this request's path."""
    try:
        endpoint, _ = current_app.url_map.bind_to_environ(request.environ).match(method="GET")
    except HTTPException:
        return False
    return endpoint != "api.fallback"


# Routing errors happen before Flask knows the blueprint, so its error handlers would not
# answer them; this catch-all keeps 404 and 405 under /api/v1 in JSON.
@bp.route("/", methods=WRITE_METHODS, endpoint="fallback")
@bp.route("/<path:unknown>", methods=["GET", *WRITE_METHODS], endpoint="fallback")
@require("site.read")
def fallback(unknown: str = ""):
    if request.method in WRITE_METHODS and _readable_here():
        raise MethodNotAllowed(valid_methods=READ_METHODS)
    abort(404)
