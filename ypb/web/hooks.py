"""Cross-cutting response rules: security headers, error pages, htmx caching."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
])

ERROR_TEXT = {
    400: (_l("Something in the request was wrong"),
          _l("Go back, check what you entered and try again.")),
    403: (_l("You cannot open this page"),
          _l("Your account does not have the right to see or do this.")),
    404: (_l("Page not found"),
          _l("The page may have moved, or the address has a typo.")),
    405: (_l("This action is not possible here"),
          _l("Go back to the previous page and use its buttons.")),
    413: (_l("What you sent is too large"),
          _l("Make it shorter or smaller and try again.")),
    429: (_l("Too many tries"),
          _l("Please wait a minute before you try again.")),
    500: (_l("Something went wrong on our side"),
          _l("Nothing you did caused this. Please try again in a moment.")),
}


def init_app(app: Flask) -> None:
    production = app.config["YPB_ENV"] == "production"

    @app.before_request
    def drop_nul_characters():
        # No one types U+0000 and PostgreSQL cannot store it in text: drop it from the query
        # and the form, so a crafted request is handled like any other, not a server error.
        for name in ("args", "form"):
            data = getattr(request, name)
            if any("\x00" in key or "\x00" in value for key, value in data.items(multi=True)):
                setattr(request, name, ImmutableMultiDict(
                    [(key.replace("\x00", ""), value.replace("\x00", "")) for key, value in data.items(multi=True)]))

    from flask_login import current_user

    from ypb.permissions import can

    @app.context_processor
    def permission_helpers():
        from ypb.web.util import refusal_text

        def unread_notifications() -> int:
            from ypb.services import notifications

            return notifications.unread_count(current_user.id) if current_user.is_authenticated else 0

        return {"can": lambda action, obj=None: can(current_user, action, obj), "refusal_text": refusal_text,
                "unread_notifications": unread_notifications}

    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if production:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # The same URL answers htmx with a fragment and browsers with a page.
        response.vary.add("HX-Request")
        return response

    def render_error(code: int, detail=None):
        title, text = ERROR_TEXT.get(code, ERROR_TEXT[500])
        return render_template("errors/error.html", code=code, title=title,
                               text=detail or text), code

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        if code < 400 or request.path.startswith("/static/"):
            return exc
        return render_error(code)

    @app.errorhandler(CSRFError)
    def csrf_error(_exc):
        return render_error(400, _l("This form has expired or was sent from another site. "
                                    "Reload the page and try again."))

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        if app.config.get("YPB_RAISE_ERRORS", app.testing):
            raise exc  # let the test see the real error
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
