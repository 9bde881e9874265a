from __future__ import annotations

from flask import render_template

from ypb.permissions import require
from ypb.services import cycles
from ypb.web.cycles import bp


def load_cycle(cycle_id: int, **_):
    cycles.catch_up(cycle_id)  # planned ends that passed move the cycle on, on request
    return cycles.get(cycle_id)


@bp.get("/")
@require("site.read")
def index():
    return render_template("cycles/index.html", cycles=cycles.public_cycles())


@bp.get("/<int:cycle_id>")
@require("cycle.read", load_cycle, hide=True)
def show(cycle_id: int):
    return render_template("cycles/show.html", cycle=cycles.get(cycle_id))
