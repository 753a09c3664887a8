"""Error pages for browsers: an HTML page for an HTTP error, and a form whose CSRF check
failed sent back with a message; the API and JSON clients keep Problem Details."""

from flask import Flask, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from . import errors

API_PREFIX = "/api/"


def wants_json() -> bool:
    """Whether the current request gets a JSON error (the API, or ``Accept``)."""
    if request.path.startswith(API_PREFIX):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
    """Answer an HTTP exception (a 500 too) as an HTML page, or as Problem Details."""
    if wants_json():
        return errors.handle_http_exception(error)
    status = error.code or 500
    page = render_template("errors/error.html", error=error, status=status)
    return errors.with_error_headers(make_response(page, status), error)


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
        return errors.handle_http_exception(error)
    return back_to_form("The form expired; please try again.")


def init_app(app: Flask) -> None:
    """Register the pages' error handlers on ``app``, over those of ``errors.init_app``."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(CSRFError, handle_csrf_error)
