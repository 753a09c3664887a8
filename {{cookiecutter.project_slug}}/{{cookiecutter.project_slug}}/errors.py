{%- if cookiecutter.app_style == "full" -%}
"""Error responses: one JSON shape for the API, HTML pages for browsers.

JSON errors are Problem Details (RFC 9457, ``application/problem+json``): ``type``,
``title``, ``status``, ``detail``, and for validation errors an ``errors`` member that
maps each field to its messages. A client gets JSON under ``/api/`` or when it prefers
``application/json`` over ``text/html`` in its ``Accept`` header (as in Miguel
Grinberg's microblog); anyone else gets an HTML page, except for a posted form that failed
its CSRF check: the browser is sent back to the form with a message (``todos`` does the
same for an upload over the size limit). Unexpected errors are logged by Flask with their
traceback and answered with a plain 500, never with the traceback.

A dependency that is down ({{ "the database or the task broker" if cookiecutter.worker == "celery" else "the database" }}) gets 503 with
``Retry-After``.
"""
{%- else -%}
"""Error responses: one JSON shape everywhere.

Errors are Problem Details (RFC 9457, ``application/problem+json``): ``type``, ``title``,
``status``, ``detail``, and for validation errors an ``errors`` member that maps each
field to its messages. Unexpected errors are logged by Flask with their traceback and
answered with a plain 500, never with the traceback.

A dependency that is down ({{ "the database or the task broker" if cookiecutter.worker == "celery" else "the database" }}) gets 503 with
``Retry-After``.
"""
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
{%- if cookiecutter.app_style == "full" %}


def back_to_form(message: str) -> Response:
    """Send a browser back to the form it posted, with ``message`` flashed there.

    The form is the page the request came from (``Referer``, which the pages send to their
    own origin, see security.py) when that is a page of this app; else the URL posted to,
    when it answers GET (the add and edit forms post to their own page); else the home page.
    A ``Referer`` outside this app is never followed, so this is no open redirect.

    :param message: flashed in the ``error`` category, shown on the form's page.
    """
    flash(message, "error")
    referrer = request.referrer
    if referrer and referrer.startswith(request.url_root):
        return redirect(referrer)
    rule = request.url_rule
    if rule is not None and rule.methods and "GET" in rule.methods:
        return redirect(url_for(rule.endpoint, **(request.view_args or {})))
    return redirect(url_for("main.index"))


def handle_csrf_error(error: CSRFError) -> Response | tuple[str, int]:
    """A form whose CSRF token is missing, invalid or expired (Flask-WTF's 400): a browser
    goes back to the form to send it again; a JSON client gets Problem Details."""
    if wants_json():
        return handle_http_exception(error)
    return back_to_form("The form expired; please try again.")
{%- endif %}


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


def service_unavailable(detail: str) -> Response:
    """Answer 503 for a dependency that is down, with ``Retry-After``.

    :param detail: which dependency, for the client.
    :returns: the 503 response the HTTP exception handler builds (Problem Details, or
        the HTML page), with ``Retry-After: RETRY_AFTER`` (seconds, RFC 9110 10.2.3).
    """
    response = current_app.make_response(handle_http_exception(ServiceUnavailable(detail)))
    response.headers["Retry-After"] = str(current_app.config["RETRY_AFTER"])
    return response


def handle_database_error(error: DBAPIError) -> Response:
    """Answer 503 when the database cannot be reached; any other database error is raised
    again, so Flask logs it and answers 500.

    "Cannot be reached" is SQLAlchemy's ``connection_invalidated``: a connection lost in
    use (its dialect's disconnect codes), or one that could not be opened (database.py).
    """
    if not error.connection_invalidated:
        raise error
    current_app.logger.warning("Database unavailable: %s", error.orig)
    return service_unavailable("The database is unavailable; try again later.")
{%- if cookiecutter.worker == "celery" %}


def handle_broker_error(error: BrokerError) -> Response:
    """Answer 503 when a task cannot be sent: the broker or its result backend is down
    (kombu's ``OperationalError``, raised within the bounded timeouts of config.py)."""
    current_app.logger.warning("Task broker unavailable: %s", error)
    return service_unavailable("The task queue is unavailable; try again later.")
{%- endif %}


def init_app(app: Flask) -> None:
    """Register the error handlers on ``app`` (after flask-smorest's, which they replace)."""
    app.register_error_handler(HTTPException, handle_http_exception)
{%- if cookiecutter.app_style == "full" %}
    app.register_error_handler(CSRFError, handle_csrf_error)
{%- endif %}
    app.register_error_handler(StatementError, handle_unstorable_value)
    app.register_error_handler(DBAPIError, handle_database_error)
{%- if cookiecutter.worker == "celery" %}
    app.register_error_handler(BrokerError, handle_broker_error)
{%- endif %}
