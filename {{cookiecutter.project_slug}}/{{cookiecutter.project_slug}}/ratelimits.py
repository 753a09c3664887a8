"""Brute-force protection of the credential endpoints (Flask-Limiter).

{%- if cookiecutter.app_style == "full" %}

Logging in (``POST /api/v1/tokens`` and ``POST /auth/login``) is limited per client address
to ``LOGIN_RATE_LIMIT``, registering (``POST /api/v1/users`` and ``POST /auth/register``) to
``REGISTER_RATE_LIMIT``. The API and the pages share each count, so using both does not
double the attempts. Past a limit the answer is 429 Too Many Requests with
``Retry-After`` (seconds), as Problem Details or as an HTML page (see ``errors``).
{%- else %}

Logging in (``POST /api/v1/tokens``) is limited per client address to
``LOGIN_RATE_LIMIT``, registering (``POST /api/v1/users``) to ``REGISTER_RATE_LIMIT``.
Past a limit the answer is 429 Too Many Requests with ``Retry-After`` (seconds), as
Problem Details (see ``errors``).
{%- endif %}

Attempts are counted per address, not per username: a count per username would let
anyone lock a known user out by failing on purpose.
"""

import time

from flask import Flask, Response, current_app

from .extensions import limiter, request_functions_for

#: The blueprints of the limited views: only their requests run the limiter's request
#: functions, which send the ``X-RateLimit-*`` headers and a 429's ``Retry-After``. A
#: blueprint you add with a limited view goes here too.
LIMITED_BLUEPRINTS = {{ '("api", "auth")' if cookiecutter.app_style == "full" else '("api",)' }}


def login_rate_limit() -> str:
    """The limits of logging in, from the config of the current app."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def register_rate_limit() -> str:
    """The limits of registering, from the config of the current app."""
    return current_app.config["REGISTER_RATE_LIMIT"]


def retry_after_only_when_refused(response: Response) -> Response:
    """Keep Flask-Limiter's ``Retry-After`` on a 429 only.

    Flask-Limiter sets it (the seconds until its window resets) on every response of a
    limited route, where it would tell a client to wait for nothing, and over the
    ``RETRY_AFTER`` of a 503 (a dependency down, see ``errors``), which gets it back.
    """
    if response.status_code == 503:
        response.headers["Retry-After"] = str(current_app.config["RETRY_AFTER"])
    elif response.status_code != 429:
        response.headers.remove("Retry-After")  # pop(name, None) raises a KeyError and catches it
    return response


def init_app(app: Flask) -> None:
    """Bind the limiter to ``app``; its request functions run for ``LIMITED_BLUEPRINTS``.

    Flask runs ``after_request`` functions in the reverse order of their registration, so
    ``retry_after_only_when_refused`` (registered first) sees the limiter's headers.
    """
    with request_functions_for(app, LIMITED_BLUEPRINTS):
        app.after_request(retry_after_only_when_refused)
        limiter.init_app(app)


def retry_message() -> str:
    """The 429's detail: the seconds until the client may try again (``Retry-After``)."""
    seconds = max(1, int(limiter.current_limit.reset_at - time.time()))
    return f"Too many attempts from your address. Try again in {seconds} seconds."


#: Decorators of the views that check credentials or create accounts: each POST counts.
login_limit = limiter.shared_limit(
    login_rate_limit, scope="login", methods=["POST"], error_message=retry_message
)
register_limit = limiter.shared_limit(
    register_rate_limit, scope="register", methods=["POST"], error_message=retry_message
)
