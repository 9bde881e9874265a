"""Competition cycles: the jury's criteria (staff) and the jury's scoring page (council members)."""

from flask import Blueprint

bp = Blueprint("jury", __name__)

from ypb.web.jury import routes  # noqa: E402,F401
