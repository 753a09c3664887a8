"""Error responses: Problem Details (RFC 9457), and 503 with ``Retry-After`` for a
dependency that is down."""

from typing import Any

from flask import Flask, Response, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DBAPIError, StatementError
from werkzeug.exceptions import HTTPException, ServiceUnavailable, UnprocessableEntity
from werkzeug.http import HTTP_STATUS_CODES

from ..extensions import db
from .database import UnstorableValueError


def problem(status: int, detail: str | None = None, **members: Any) -> Response:
    """An RFC 9457 Problem Details response.

    :param members: extension members of the body, such as ``errors``.
    """
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Unknown Error"),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body.update(members)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def with_error_headers(response: Response, error: HTTPException) -> Response:
    """``response`` with the headers ``error`` carries (``Allow``, ``Retry-After``...)."""
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_http_exception(error: HTTPException) -> Response:
    """Answer an HTTP exception (a 500 too) as Problem Details."""
    return with_error_headers(request_problem(error), error)


def request_problem(error: HTTPException) -> Response:
    """Problem Details for an HTTP exception, with webargs' messages as ``errors``."""
    data = getattr(error, "data", None) or {}
    members: dict[str, Any] = {}
    if "messages" in data:
        detail = "The request is not valid: see errors."
        members["errors"] = {}
        for location, messages in data["messages"].items():
            if isinstance(messages, dict):
                members["errors"].update(messages)
            else:
                members["errors"][location] = messages
    else:
        detail = error.description or ""
    response = problem(error.code or 500, detail, **members)
    response.headers.update(data.get("headers") or {})
    return response


def handle_unstorable_value(error: StatementError) -> ResponseReturnValue:
    """422 for a value no database can store (``UnstorableValueError``); else a 500."""
    if not isinstance(error.orig, UnstorableValueError):
        raise error
    db.session.rollback()
    return current_app.handle_http_exception(
        UnprocessableEntity(f"A value cannot be stored: {error.orig}.")
    )


def service_unavailable(detail: str) -> ResponseReturnValue:
    """503 with ``Retry-After: RETRY_AFTER`` for a dependency that is down, answered by
    the app's handler of HTTP errors."""
    error = ServiceUnavailable(detail, retry_after=current_app.config["RETRY_AFTER"])
    return current_app.handle_http_exception(error)


def handle_database_error(error: DBAPIError) -> ResponseReturnValue:
    """503 when the database cannot be reached; any other database error is a 500."""
    if not error.connection_invalidated:
        raise error
    current_app.logger.warning("Database unavailable: %s", error.orig)
    return service_unavailable("The database is unavailable; try again later.")


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app``, replacing flask-smorest's."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(StatementError, handle_unstorable_value)
    app.register_error_handler(DBAPIError, handle_database_error)
