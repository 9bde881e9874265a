"""Errors under /api/v1 answer in JSON, never with an HTML page:
{"error": {"code": ..., "message": ...}} with the message in the reader's language."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, HTTPException, MethodNotAllowed

from ypb.web.api import bp

# Machine-readable code and default message for each status the API can answer with.
ERRORS = {
    400: ("bad_request", _l("The request could not be understood.")),
    404: ("not_found", _l("There is nothing public at this address.")),
    405: ("method_not_allowed", _l("This API only reads: use GET.")),
    429: ("too_many_requests", _l("Too many requests. Please wait a minute before you try again.")),
    500: ("server_error", _l("Something went wrong on our side. Please try again in a moment.")),
}


class InvalidParameter(BadRequest):
    """A query parameter the API cannot use; `description` says which one and why."""

    code_name = "invalid_parameter"


def error_response(status: int, code: str, message: str):
    return jsonify({"error": {"code": code, "message": str(message)}}), status


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException):
    status = exc.code or 500
    if status < 400:
        return exc  # redirects pass through
    if isinstance(exc, InvalidParameter):
        response, status = error_response(400, exc.code_name, exc.description)
    else:
        code, message = ERRORS.get(status, (f"http_{status}", ERRORS[500][1] if status >= 500 else exc.name))
        response, status = error_response(status, code, message)
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response, status


@bp.errorhandler(Exception)
def server_error(exc: Exception):
    if current_app.config.get("YPB_RAISE_ERRORS", current_app.testing):
        raise exc  # let the test see the real error
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return error_response(500, *ERRORS[500])
