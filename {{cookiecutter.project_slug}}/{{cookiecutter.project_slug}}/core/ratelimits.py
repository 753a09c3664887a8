"""Rate limits of the credential endpoints, per client address (Flask-Limiter).

Counted per address, not per username, so nobody can lock a known user out. The API and
the pages share each count. Past a limit the answer is 429 with ``Retry-After``.
"""

import time

from flask import Flask, Response, current_app

from ..extensions import limiter


def login_rate_limit() -> str:
    """``LOGIN_RATE_LIMIT`` of the current app."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def register_rate_limit() -> str:
    """``REGISTER_RATE_LIMIT`` of the current app."""
    return str(current_app.config["REGISTER_RATE_LIMIT"])


def retry_after_only_when_refused(response: Response) -> Response:
    """Keep Flask-Limiter's ``Retry-After`` on a 429 only; a 503 gets ``RETRY_AFTER``."""
    if response.status_code == 503:
        response.headers["Retry-After"] = str(current_app.config["RETRY_AFTER"])
    elif response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response


def retry_message() -> str:
    """The 429's detail: the seconds until the client may try again."""
    limit = limiter.current_limit
    seconds = max(1, int(limit.reset_at - time.time())) if limit else 1
    return f"Too many attempts from your address. Try again in {seconds} seconds."


def init_app(app: Flask) -> None:
    """Bind the limiter to ``app``."""
    # Registered first, so that it runs after the limiter's own after_request function.
    app.after_request(retry_after_only_when_refused)
    limiter.init_app(app)


login_limit = limiter.shared_limit(
    login_rate_limit, scope="login", methods=["POST"], error_message=retry_message
)
register_limit = limiter.shared_limit(
    register_rate_limit, scope="register", methods=["POST"], error_message=retry_message
)
