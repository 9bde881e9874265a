from __future__ import annotations

from flask import render_template

from ypb.permissions import require
from ypb.web.account import bp


@bp.get("/")
@require("account.view")
def profile():
    return render_template("account/profile.html")
