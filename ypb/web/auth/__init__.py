"""Signing up, in and out."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from ypb.web.auth import routes  # noqa: E402,F401
