"""WSGI entry point: ``gunicorn -c gunicorn.conf.py {{ cookiecutter.project_slug }}.wsgi:app``."""

import functools
import ipaddress
import os
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import create_app


def trust_forwarded_for(app: Flask, allowed: list[str]) -> None:
    """Take ``REMOTE_ADDR`` from ``X-Forwarded-For`` when a trusted proxy sent the request:
    a peer in ``allowed`` (addresses, networks or ``*``), as gunicorn trusts, or a unix socket."""
    proxied = ProxyFix(app.wsgi_app, x_for=1, x_proto=0)
    direct = app.wsgi_app
    networks = [ipaddress.ip_network(entry, strict=False) for entry in allowed if entry != "*"]

    @functools.lru_cache(maxsize=1024)  # a peer's answer never changes; parse it once
    def trusted(peer: str) -> bool:
        # No peer address: a unix socket, which only nginx may connect to.
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
