"""The public read-only JSON API under /api/v1 and its OpenAPI document: open data that
anyone may read, from any site, without an account."""

from flask import Blueprint, current_app, request

from ypb.extensions import csrf, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Nothing here writes and no request carries a form, so a CSRF check could only turn a
# refused POST into a misleading 400.
csrf.exempt(bp)


def _limit() -> str:
    # Generous: the data is public and cheap to read; the limit only stops runaway scripts.
    return current_app.config.get("RATELIMIT_API", "300 per minute")


# One count per address for the whole API, not one per endpoint.
limiter.shared_limit(_limit, scope="api")(bp)


@bp.after_request
def open_to_every_site(response):
    # Open data: any site may read it. With "*" a browser never shows another site a reply
    # made with the reader's cookies, and the answers are the same for everyone anyway.
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        # The catch-all for JSON errors takes every method; only reading is allowed here.
        response.headers["Allow"] = "GET, HEAD, OPTIONS"
    return response


from ypb.web.api import errors, routes  # noqa: E402,F401
