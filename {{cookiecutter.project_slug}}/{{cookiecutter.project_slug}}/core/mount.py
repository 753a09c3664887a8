"""The app under a sub-path: ``SCRIPT_NAME`` (for example ``/svc``) mounts it there, so
that gunicorn and ``flask run`` serve it alike; any other path gets the app's own 404."""

from collections.abc import Iterable

from flask import Flask, abort, request

from .middleware import Environ, Middleware, StartResponse, WSGIApp

#: Marks a request for a path outside the sub-path, which ``refuse_outside`` answers.
OUTSIDE = "{{ cookiecutter.project_slug }}.outside_prefix"


class Mount(Middleware):
    """WSGI middleware moving ``prefix`` from ``PATH_INFO`` to ``SCRIPT_NAME`` (PEP 3333)."""

    def __init__(self, wsgi_app: WSGIApp, prefix: str) -> None:
        super().__init__(wsgi_app)
        self.prefix = prefix

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == self.prefix or path.startswith(f"{self.prefix}/"):
            environ["PATH_INFO"] = path[len(self.prefix) :]
        else:
            environ[OUTSIDE] = True
        # Links of every answer, a 404 outside included, point under the sub-path.
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + self.prefix
        return self.wsgi_app(environ, start_response)


def refuse_outside() -> None:
    """``before_request`` function: 404 for a path outside the sub-path."""
    if request.environ.get(OUTSIDE):
        abort(404)


def init_app(app: Flask) -> None:
    """Serve ``app`` under its ``SCRIPT_NAME`` only, when that is set.

    The session cookie is scoped to the sub-path (``APPLICATION_ROOT``).
    """
    prefix = app.config["SCRIPT_NAME"]
    if prefix:
        app.config["APPLICATION_ROOT"] = prefix
        app.before_request(refuse_outside)
        app.wsgi_app = Mount(app.wsgi_app, prefix)
