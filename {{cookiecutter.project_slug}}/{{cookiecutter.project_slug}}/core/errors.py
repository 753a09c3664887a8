{%- if cookiecutter.app_style == "full" -%}
"""Error responses: Problem Details (RFC 9457) for the API and JSON clients, HTML pages
for browsers, 503 with ``Retry-After`` for a dependency that is down."""
{%- else -%}
"""Error responses: Problem Details (RFC 9457) everywhere, 503 with ``Retry-After`` for a
dependency that is down."""
{%- endif %}

from typing import Any

{% if cookiecutter.app_style == "full" -%}
from flask import (
    Flask,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
{%- else -%}
from flask import Flask, Response, current_app, jsonify
{%- endif %}
{%- if cookiecutter.worker == "celery" %}
from kombu.exceptions import OperationalError as BrokerError
{%- endif %}
from sqlalchemy.exc import DBAPIError, StatementError
from werkzeug.exceptions import HTTPException, ServiceUnavailable, UnprocessableEntity
from werkzeug.http import HTTP_STATUS_CODES

from ..extensions import db
from .database import UnstorableValueError
{%- if cookiecutter.app_style == "full" %}

API_PREFIX = "/api/"


def wants_json() -> bool:
    """Whether the current request gets a JSON error (the API, or ``Accept``)."""
    if request.path.startswith(API_PREFIX):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"
{%- endif %}


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
{%- if cookiecutter.app_style == "full" %}


def handle_http_exception(error: HTTPException) -> Response | tuple[str, int]:
    """Answer an HTTP exception (a 500 too) as Problem Details or an HTML page."""
    status = error.code or 500
    if not wants_json():
        return render_template("errors/error.html", error=error, status=status), status
    response = request_problem(error)
{%- else %}


def handle_http_exception(error: HTTPException) -> Response:
    """Answer an HTTP exception (a 500 too) as Problem Details."""
    response = request_problem(error)
{%- endif %}
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


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
{%- if cookiecutter.app_style == "full" %}


def back_to_form(message: str) -> ResponseReturnValue:
    """Send a browser back to the form it posted, with ``message`` flashed there."""
    # Only a Referer of this app is followed, so this is no open redirect.
    flash(message, "error")
    referrer = request.referrer
    if referrer and referrer.startswith(request.url_root):
        return redirect(referrer)
    rule = request.url_rule
    if rule is not None and rule.methods and "GET" in rule.methods:
        return redirect(url_for(rule.endpoint, **(request.view_args or {})))
    return redirect(url_for("main.index"))


def handle_csrf_error(error: CSRFError) -> ResponseReturnValue:
    """A form with a missing or expired CSRF token: back to the form, or Problem Details."""
    if wants_json():
        return handle_http_exception(error)
    return back_to_form("The form expired; please try again.")
{%- endif %}


def handle_unstorable_value(error: StatementError) -> Response | tuple[str, int]:
    """422 for a value no database can store (``UnstorableValueError``); else a 500."""
    if not isinstance(error.orig, UnstorableValueError):
        raise error
    db.session.rollback()
    return handle_http_exception(UnprocessableEntity(f"A value cannot be stored: {error.orig}."))


def service_unavailable(detail: str) -> Response:
    """503 with ``Retry-After: RETRY_AFTER`` for a dependency that is down."""
    response = current_app.make_response(handle_http_exception(ServiceUnavailable(detail)))
    response.headers["Retry-After"] = str(current_app.config["RETRY_AFTER"])
    return response


def handle_database_error(error: DBAPIError) -> Response:
    """503 when the database cannot be reached; any other database error is a 500."""
    if not error.connection_invalidated:
        raise error
    current_app.logger.warning("Database unavailable: %s", error.orig)
    return service_unavailable("The database is unavailable; try again later.")
{%- if cookiecutter.worker == "celery" %}


def handle_broker_error(error: BrokerError) -> Response:
    """503 when a task cannot be sent: the broker or its result backend is down."""
    current_app.logger.warning("Task broker unavailable: %s", error)
    return service_unavailable("The task queue is unavailable; try again later.")
{%- endif %}


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app``, replacing flask-smorest's."""
    app.register_error_handler(HTTPException, handle_http_exception)
{%- if cookiecutter.app_style == "full" %}
    app.register_error_handler(CSRFError, handle_csrf_error)
{%- endif %}
    app.register_error_handler(StatementError, handle_unstorable_value)
    app.register_error_handler(DBAPIError, handle_database_error)
{%- if cookiecutter.worker == "celery" %}
    app.register_error_handler(BrokerError, handle_broker_error)
{%- endif %}
