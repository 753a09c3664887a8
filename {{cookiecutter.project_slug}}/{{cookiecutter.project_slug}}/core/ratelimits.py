"""Rate limits of the credential endpoints, per client address (Flask-Limiter).

Counted per address, not per username, so nobody can lock a known user out. The API and
the pages share each count. Past a limit the answer is 429 with ``Retry-After``.
"""

import time
{%- if cookiecutter.cache == "redis" or cookiecutter.worker == "celery" %}
from collections.abc import Mapping
from typing import Any
{%- endif %}

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
{%- if cookiecutter.cache == "redis" or cookiecutter.worker == "celery" %}


def storage_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """Flask-Limiter's storage for the app settings ``config``: Redis at ``REDIS_URL``,
    shared by all processes, else memory; the counters' namespace in a Redis the app may
    share, and bounded waits on it."""
    suffix = "-test" if config.get("TESTING") else ""
    return {
        "RATELIMIT_STORAGE_URI": config["REDIS_URL"] or "memory://",
        "RATELIMIT_STORAGE_OPTIONS": {
            "key_prefix": f"{{ cookiecutter.project_slug }}{suffix}:ratelimit",
            "socket_connect_timeout": config["CONNECT_TIMEOUT"],
            "socket_timeout": config["REDIS_SOCKET_TIMEOUT"],
        },
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    }


def init_app(app: Flask) -> None:
    """Bind the limiter to ``app``, with the ``storage_settings`` that ``app`` does not set
    itself."""
    for key, value in storage_settings(app.config).items():
        app.config.setdefault(key, value)
{%- else %}


def init_app(app: Flask) -> None:
    """Bind the limiter to ``app``, counting in memory unless ``app`` sets a storage."""
    # Counters per process: with several workers a client gets (workers x limit) attempts.
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
{%- endif %}
    # Registered first, so that it runs after the limiter's own after_request function.
    app.after_request(retry_after_only_when_refused)
    limiter.init_app(app)


login_limit = limiter.shared_limit(
    login_rate_limit, scope="login", methods=["POST"], error_message=retry_message
)
register_limit = limiter.shared_limit(
    register_rate_limit, scope="register", methods=["POST"], error_message=retry_message
)
