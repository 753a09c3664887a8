"""WSGI entry point: ``gunicorn -c gunicorn.conf.py {{ cookiecutter.project_slug }}.wsgi:app``.

``SCRIPT_NAME`` (for example ``/todo``) mounts the app under that sub-path. The app mounts
itself here rather than leaving it to gunicorn, which answers a request outside its
``SCRIPT_NAME`` with a 500 page of its own; here such a request gets the app's 404, as
Problem Details or an HTML page like any other error.

Behind a trusted proxy (``FORWARDED_ALLOW_IPS``, as gunicorn trusts it) the client's
address comes from ``X-Forwarded-For``, so that logs and the rate limits of the credential
endpoints see the client rather than the proxy.

Under gunicorn the Flask logger writes through gunicorn's error log handlers, at the
level given to gunicorn (``--log-level``, see gunicorn.conf.py).
"""

import ipaddress
import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.middleware.proxy_fix import ProxyFix

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


def trust_forwarded_for(app: Flask, allowed: list[str]) -> None:
    """Take ``REMOTE_ADDR`` from ``X-Forwarded-For`` when a trusted proxy sent the request.

    Trusted as gunicorn trusts forwarded headers: a peer within ``allowed`` (addresses,
    networks or ``*``), or a unix socket (no peer address; only nginx may connect to the
    systemd unit's). The client is then the header's last address, the one that proxy
    appended (werkzeug's ``ProxyFix`` for one proxy). A request from any other peer keeps
    the peer's address, whatever its header says, so no client picks the address its
    attempts are counted against.
    """
    proxied = ProxyFix(app.wsgi_app, x_for=1, x_proto=0)
    direct = app.wsgi_app
    networks = [ipaddress.ip_network(entry, strict=False) for entry in allowed if entry != "*"]

    def trusted(peer: str) -> bool:
        if not peer or "*" in allowed:
            return True
        address = ipaddress.ip_address(peer)
        return any(address in network for network in networks)

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        handler = proxied if trusted(environ.get("REMOTE_ADDR", "")) else direct
        return handler(environ, start_response)

    app.wsgi_app = dispatch


app = create_app()

# Popped, so that gunicorn, which reads SCRIPT_NAME from the environment on every request,
# does not strip it from the path a second time.
script_name = os.environ.pop("SCRIPT_NAME", "").rstrip("/")
if script_name:
    mount(app, script_name)
trust_forwarded_for(
    app,
    [entry.strip() for entry in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1").split(",")],
)

gunicorn_logger = logging.getLogger("gunicorn.error")
if gunicorn_logger.handlers:
    app.logger.handlers = gunicorn_logger.handlers
    app.logger.setLevel(gunicorn_logger.level)
