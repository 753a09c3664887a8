"""WSGI entry point: ``gunicorn -c gunicorn.conf.py {{ cookiecutter.project_slug }}.wsgi:app``.

``SCRIPT_NAME`` (for example ``/todo``) mounts the app under that sub-path. The app mounts
itself here rather than leaving it to gunicorn, which answers a request outside its
``SCRIPT_NAME`` with a 500 page of its own; here such a request gets the app's 404, as
Problem Details or an HTML page like any other error.

Under gunicorn the Flask logger writes through gunicorn's error log handlers, at the
level given to gunicorn (``--log-level``, see gunicorn.conf.py).
"""

import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from . import create_app


def mount(app: Flask, prefix: str) -> None:
    """Serve ``app`` under the sub-path ``prefix`` (``/todo``, no trailing slash) only.

    A request under it reaches the app with ``prefix`` moved from ``PATH_INFO`` to
    ``SCRIPT_NAME`` (PEP 3333), so ``url_for`` builds links under it. A request for any
    other path gets the app's own 404 response, with the headers its ``after_request``
    functions add (the security headers), and links that also point under it. The
    session cookie is scoped to the sub-path (Flask's ``APPLICATION_ROOT``), so services
    mounted side by side on one host keep their sessions apart.
    """

    def outside(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        mounted = {**environ, "SCRIPT_NAME": environ.get("SCRIPT_NAME", "") + prefix}
        with app.request_context(mounted):
            response = app.make_response(app.handle_http_exception(NotFound()))
            response = app.process_response(response)
        return response(environ, start_response)

    app.config["APPLICATION_ROOT"] = prefix
    app.wsgi_app = DispatcherMiddleware(outside, {prefix: app.wsgi_app})


app = create_app()

# Popped, so that gunicorn, which reads SCRIPT_NAME from the environment on every request,
# does not strip it from the path a second time.
script_name = os.environ.pop("SCRIPT_NAME", "").rstrip("/")
if script_name:
    mount(app, script_name)

gunicorn_logger = logging.getLogger("gunicorn.error")
if gunicorn_logger.handlers:
    app.logger.handlers = gunicorn_logger.handlers
    app.logger.setLevel(gunicorn_logger.level)
