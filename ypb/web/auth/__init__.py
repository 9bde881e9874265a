"""Signing up, in and out."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from ypb.web.auth import routes, two_factor  # noqa: E402,F401
