"""WSGI entry point: ``gunicorn -c gunicorn.conf.py {{ cookiecutter.project_slug }}.wsgi:app``.

``SCRIPT_NAME`` (for example ``/todo``) mounts the app under that sub-path: the factory
does it (``mount``), and this module then takes the variable out of the environment, so
that gunicorn, which also reads it, does not strip the sub-path a second time.

Behind a trusted proxy (``FORWARDED_ALLOW_IPS``, as gunicorn trusts it) the client's
address comes from ``X-Forwarded-For``, so that logs and the rate limits of the credential
endpoints see the client rather than the proxy.

Under gunicorn, logging is gunicorn's ``logconfig_dict`` (gunicorn.conf.py): the app's
lines, gunicorn's and its access log go through one handler, in ``LOG_FORMAT`` (logs.py).
"""

import functools
import ipaddress
import os
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import create_app


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

    @functools.lru_cache(maxsize=1024)  # a peer's answer never changes; parse it once
    def trusted(peer: str) -> bool:
        if not peer or "*" in allowed:
            return True
        address = ipaddress.ip_address(peer)
        return any(address in network for network in networks)

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        # Without the header (a probe, a client on this host) ProxyFix would change nothing.
        forwarded = "HTTP_X_FORWARDED_FOR" in environ
        handler = proxied if forwarded and trusted(environ.get("REMOTE_ADDR", "")) else direct
        return handler(environ, start_response)

    app.wsgi_app = dispatch


app = create_app()

# The factory mounted the app under SCRIPT_NAME; popped, so that gunicorn, which reads it
# from the environment on every request, does not strip it from the path a second time.
os.environ.pop("SCRIPT_NAME", None)
trust_forwarded_for(
    app,
    [entry.strip() for entry in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1").split(",")],
)
