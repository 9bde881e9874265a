from __future__ import annotations

from flask import render_template

from ypb.permissions import require
from ypb.services import proposals
from ypb.web.cycles import routes as cycle_routes
from ypb.web.proposals import bp


@bp.get("/cycles/<int:cycle_id>/proposals")
@require("cycle.read", cycle_routes.load_cycle, hide=True)
def index(cycle_id: int):
    return render_template("proposals/index.html", proposals=proposals.listing(cycle_id))
