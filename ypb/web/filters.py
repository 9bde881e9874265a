"""Jinja filters for user-written text."""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

from ypb.domain.richtext import render_markdown, summary_text


def markdown(text: str | None) -> Markup:
    # render_markdown sanitises with nh3, so its output is safe to mark as such.
    return Markup(render_markdown(text or ""))  # noqa: S704  # nosec B704  # render_markdown sanitises with nh3


def init_app(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = markdown
    app.jinja_env.filters["summary"] = summary_text
