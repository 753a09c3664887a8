{%- if cookiecutter.app_style == "full" -%}
"""Error responses: one JSON shape for the API, HTML pages for browsers.

JSON errors are Problem Details (RFC 9457, ``application/problem+json``): ``type``,
``title``, ``status``, ``detail``, and for validation errors an ``errors`` member that
maps each field to its messages. A client gets JSON under ``/api/`` or when it prefers
``application/json`` over ``text/html`` in its ``Accept`` header (as in Miguel
Grinberg's microblog); anyone else gets an HTML page. Unexpected errors are logged by
Flask with their traceback and answered with a plain 500, never with the traceback.
"""
{%- else -%}
"""Error responses: one JSON shape everywhere.

Errors are Problem Details (RFC 9457, ``application/problem+json``): ``type``, ``title``,
``status``, ``detail``, and for validation errors an ``errors`` member that maps each
field to its messages. Unexpected errors are logged by Flask with their traceback and
answered with a plain 500, never with the traceback.
"""
{%- endif %}

from typing import Any

from flask import Flask, Response, jsonify{{ ", render_template, request" if cookiecutter.app_style == "full" }}
from sqlalchemy.exc import StatementError
from werkzeug.exceptions import HTTPException, UnprocessableEntity
from werkzeug.http import HTTP_STATUS_CODES

from .extensions import db
from .models import UnstorableValueError
{%- if cookiecutter.app_style == "full" %}

API_PREFIX = "/api/"


def wants_json() -> bool:
    """Return True when the current request should get a JSON error."""
    if request.path.startswith(API_PREFIX):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"
{%- endif %}


def problem(status: int, detail: str | None = None, **members: Any) -> Response:
    """Build an RFC 9457 Problem Details response.

    :param status: the HTTP status code.
    :param detail: a human-readable explanation of this occurrence.
    :param members: extension members added to the body (for example ``errors``).
    :returns: a response with ``Content-Type: application/problem+json``.
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
{%- if cookiecutter.app_style == "full" %}


def handle_http_exception(error: HTTPException) -> Response | tuple[str, int]:
    """Answer an HTTP exception as Problem Details or as an HTML page.

    Flask routes every unhandled exception here as a 500 after logging it, so the
    client never sees a traceback. Headers the exception carries (``Allow`` on 405)
    are kept.
    """
    status = error.code or 500
    if not wants_json():
        return render_template("errors/error.html", error=error, status=status), status
    response = request_problem(error)
{%- else %}


def handle_http_exception(error: HTTPException) -> Response:
    """Answer an HTTP exception as Problem Details.

    Flask routes every unhandled exception here as a 500 after logging it, so the
    client never sees a traceback. Headers the exception carries (``Allow`` on 405)
    are kept.
    """
    response = request_problem(error)
{%- endif %}
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def request_problem(error: HTTPException) -> Response:
    """Problem Details for an HTTP exception, with what a request parser attached.

    webargs (through flask-smorest's ``abort``) puts the messages of an unparsable or
    invalid request in ``error.data["messages"]``, by location (``json``, ``query``,
    ``files``): they become the ``errors`` member, by field name where the location's
    messages are per field. Headers it attaches are sent too.
    """
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
        detail = error.description
    response = problem(error.code or 500, detail, **members)
    response.headers.update(data.get("headers") or {})
    return response


def handle_unstorable_value(error: StatementError) -> Response | tuple[str, int]:
    """Answer a statement that failed on a value no database can store with 422.

    ``models.StorableString`` raises ``UnstorableValueError`` while SQLAlchemy builds the
    statement, which wraps it in ``StatementError``. Any other ``StatementError`` is a
    server error: it is raised again, and Flask logs it and answers 500.
    """
    if not isinstance(error.orig, UnstorableValueError):
        raise error
    db.session.rollback()
    return handle_http_exception(UnprocessableEntity(f"A value cannot be stored: {error.orig}."))


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app`` (after flask-smorest's, which they replace)."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(StatementError, handle_unstorable_value)
