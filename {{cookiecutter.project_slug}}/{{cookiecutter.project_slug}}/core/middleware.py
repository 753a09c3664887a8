"""The base of the app's WSGI middleware (PEP 3333): request IDs, metrics, security headers."""

from collections.abc import Callable, Iterable
from typing import Any

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class Middleware:
    """A WSGI application wrapping ``wsgi_app``; a subclass defines ``__call__``."""

    def __init__(self, wsgi_app: WSGIApp) -> None:
        self.wsgi_app = wsgi_app
