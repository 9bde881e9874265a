"""Satisfaction surveys of funded projects: the participants' anonymous page at /s/<token>,
and each project's survey page (results for everyone; opening, closing and the QR code for
the secretary)."""

from flask import Blueprint

bp = Blueprint("surveys", __name__)

from ypb.web.surveys import routes  # noqa: E402,F401
