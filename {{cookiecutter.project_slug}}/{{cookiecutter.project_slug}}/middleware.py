"""The base of the app's WSGI middleware (PEP 3333).

The application factory wraps the app in three, around everything Flask answers: request
IDs and log fields (``logs.RequestLogFields``), request metrics
(``metrics.RequestMetrics``) and security headers (``security.SecurityHeaders``).
"""

from collections.abc import Callable, Iterable
from typing import Any

#: A WSGI environ, and the ``start_response`` callable that goes with it.
Environ = dict[str, Any]
StartResponse = Callable[..., Any]
#: A WSGI application: an app's ``wsgi_app``, or a middleware around it.
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class Middleware:
    """A WSGI application that wraps another: a subclass defines
    ``__call__(environ, start_response)``, which calls ``self.wsgi_app``.

    :param wsgi_app: the WSGI application to wrap (the app's ``wsgi_app``).
    """

    def __init__(self, wsgi_app: WSGIApp) -> None:
        self.wsgi_app = wsgi_app
