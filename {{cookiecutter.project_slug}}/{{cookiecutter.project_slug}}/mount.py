"""The app under a sub-path: ``SCRIPT_NAME`` (for example ``/todo``) mounts it there.

The factory mounts the app itself, so that every server serves it alike: gunicorn (which
``wsgi.py`` keeps from stripping the sub-path a second time) and the development server
of ``flask run``, which ignores ``SCRIPT_NAME``. Mounted here rather than left to
gunicorn, which answers a request outside its ``SCRIPT_NAME`` with a 500 page of its own;
here such a request gets the app's 404, as Problem Details or an HTML page like any other
error.
"""

from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware


def mount(app: Flask, prefix: str) -> None:
    """Serve ``app`` under the sub-path ``prefix`` (``/todo``, no trailing slash) only.

    A request under it reaches the app with ``prefix`` moved from ``PATH_INFO`` to
    ``SCRIPT_NAME`` (PEP 3333), so ``url_for`` builds links under it. A request for any
    other path gets the app's own 404 response, through its ``after_request`` functions
    and the factory's middleware (request ID, metrics, security headers), with links that
    also point under it. The session cookie is scoped to the sub-path (Flask's
    ``APPLICATION_ROOT``), so services mounted side by side on one host keep their
    sessions apart.
    """

    def outside(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        mounted = {**environ, "SCRIPT_NAME": environ.get("SCRIPT_NAME", "") + prefix}
        with app.request_context(mounted):
            response = app.make_response(app.handle_http_exception(NotFound()))
            response = app.process_response(response)
        return response(environ, start_response)

    app.config["APPLICATION_ROOT"] = prefix
    app.wsgi_app = DispatcherMiddleware(outside, {prefix: app.wsgi_app})


def init_app(app: Flask) -> None:
    """Mount ``app`` under its ``SCRIPT_NAME`` setting, when that is not empty."""
    if app.config["SCRIPT_NAME"]:
        mount(app, app.config["SCRIPT_NAME"])
