"""The one form of the results page: confirming the draft results (its CSRF token only)."""

from __future__ import annotations

from flask_wtf import FlaskForm


class RatifyForm(FlaskForm):
    pass
