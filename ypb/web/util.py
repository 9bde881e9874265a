"""Small helpers the views share."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, render_template
from flask_babel import gettext

from ypb.extensions import htmx


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: an open redirect would let a link send people elsewhere."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def _display(value):
    from datetime import datetime

    from ypb.domain.cycle import PHASE_LABELS, Phase
    from ypb.web.i18n import format_when

    if isinstance(value, Phase):
        return gettext(PHASE_LABELS[value])
    if isinstance(value, datetime):
        return format_when(value)
    return value


def refusal_text(refusal) -> str:
    """A domain refusal in the reader's language, its parameters shown for people."""
    return gettext(refusal.message, **{k: _display(v) for k, v in refusal.params.items()})


def flash_refused(exc) -> None:
    for refusal in exc.refusals:
        flash(refusal_text(refusal), "error")


def attach_refused(form, exc) -> bool:
    """Put a service's refusal on the form field it is about; False if no such field."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is None:
        return False
    field.errors = list(field.errors) + [refusal_text(r) for r in exc.refusals]
    return True


def htmx_fragment() -> bool:
    """True for an htmx request that wants a fragment (not a boosted page navigation)."""
    return bool(htmx and not htmx.boosted)


def render_partial_or_page(page: str, partial: str, **context):
    """An htmx request (not a boosted navigation) gets just the fragment."""
    return render_template(partial if htmx_fragment() else page, **context)


def attach_or_list(form, exc, text=None) -> list[str]:
    """Each refusal, as `text(refusal)` (default `refusal_text`), onto the form field it names;
    returns those about no field of this form, for the top of the page."""
    texts = [(text or refusal_text)(r) for r in exc.refusals]
    field = getattr(form, exc.field, None) if exc.field else None
    if field is None or not hasattr(field, "errors"):
        return texts
    field.errors = list(field.errors) + texts
    return []
