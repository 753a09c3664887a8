{%- set use_redis = cookiecutter.cache == "redis" or cookiecutter.worker == "celery" -%}
"""The home page and the liveness and readiness probes."""

from collections.abc import Callable

{% if use_redis %}import redis
{% endif %}from flask import Blueprint, Response, current_app, jsonify{{ ", render_template" if cookiecutter.app_style == "full" else ", url_for" }}
from sqlalchemy import text

from ..extensions import db

bp = Blueprint("main", __name__)

#: Seconds a readiness check waits for a dependency before calling it unavailable.
READY_TIMEOUT = 2.0
{%- if cookiecutter.app_style == "full" %}


@bp.get("/")
def index() -> str:
    """The home page."""
    return render_template("index.html")


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site icon, for clients that ask for ``/favicon.ico`` instead of the link."""
    return current_app.send_static_file("favicon.svg")
{%- else %}


@bp.get("/")
def index() -> Response:
    """What this service is, and where its probes and API live."""
    return jsonify(
        name=current_app.config["APP_NAME"],
        links={
            "health": url_for("main.health"),
            "ready": url_for("main.ready"),
{%- if cookiecutter.example == "todos" %}
            "todos": url_for("todos_api.list_todos"),
{%- endif %}
        },
    )
{%- endif %}


@bp.get("/health")
def health() -> Response:
    """Liveness probe: 200 while the process serves requests; touches no dependency."""
    return jsonify(status="ok")


def check_database() -> None:
    """Run ``SELECT 1`` on the database."""
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
{%- if use_redis %}


def check_redis() -> None:
    """Send ``PING`` to the Redis at ``REDIS_URL``."""
    client = redis.Redis.from_url(
        current_app.config["REDIS_URL"],
        socket_connect_timeout=READY_TIMEOUT,
        socket_timeout=READY_TIMEOUT,
    )
    with client:
        client.ping()


def readiness_checks() -> dict[str, Callable[[], None]]:
    """The dependencies to check: the database, and Redis when configured."""
    checks = {"database": check_database}
    if current_app.config["REDIS_URL"]:
        checks["redis"] = check_redis
    return checks
{%- else %}


def readiness_checks() -> dict[str, Callable[[], None]]:
    """The dependencies to check: the database."""
    return {"database": check_database}
{%- endif %}


@bp.get("/ready")
def ready() -> tuple[Response, int]:
    """Readiness probe: 200 when every dependency answers, else 503 naming the failures."""
    results: dict[str, str] = {}
    for name, check in readiness_checks().items():
        try:
            check()
        except Exception:  # any failure of a dependency means "not ready"
            current_app.logger.warning("Readiness check %r failed", name, exc_info=True)
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    ok = all(result == "ok" for result in results.values())
    status = "ok" if ok else "unavailable"
    return jsonify(status=status, checks=results), 200 if ok else 503
