"""Dependency outages, for real: a generated service under gunicorn in production config
reaches the real database and Redis through TCP proxies (proxy.py). A test cuts a
proxy and checks that what needs that dependency answers 503 Problem Details with
``Retry-After`` within a few seconds, that the rest keeps working and that ``/ready``
names it; then restores the proxy and checks that the service recovers, with no restart.

Each step's time goes to the terminal summary ("outage timings", report.py).
"""

import base64
import json
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..helpers import flask_db, gunicorn, production_env, project_venv, wait_until
from .proxy import TcpProxy

#: Seconds within which a request that needs a cut dependency must answer 503: two
#: connection attempts at most, each refused at once here.
BOUND = 5.0
PASSWORD = "correct horse battery"
TASK_QUEUE_DOWN = "The task queue is unavailable; try again later."
DATABASE_DOWN = "The database is unavailable; try again later."


class Service:
    """A running generated service, as user ``alice`` with a bearer token; each call's
    time is kept in ``timings`` as ``(step, seconds)``."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.timings: list[tuple[str, float]] = []
        self.headers: dict[str, str] = {}
        credentials = {"username": "alice", "password": PASSWORD}
        assert self.call("POST", "/api/v1/users", credentials)[0] == 201
        basic = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
        status, _, body = self.call("POST", "/api/v1/tokens", Authorization=f"Basic {basic}")
        assert status == 201, body
        self.headers["Authorization"] = f"Bearer {body['access_token']}"

    def call(self, method: str, path: str, body: dict | None = None, **headers: str):
        """One request: ``(status, headers, JSON body or None)``; its time is recorded."""
        request = urllib.request.Request(
            f"{self.base}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json", **self.headers, **headers},
        )
        start = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, answer, data = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            with error:
                status, answer, data = error.code, error.headers, error.read()
        self.timings.append((f"{method} {path} -> {status}", time.monotonic() - start))
        return status, answer, json.loads(data) if data else None

    def seconds(self) -> float:
        """The time of the last call."""
        return self.timings[-1][1]

    def assert_unavailable(self, method: str, path: str, detail: str) -> None:
        """``METHOD path`` answers 503 Problem Details with ``Retry-After`` within BOUND."""
        status, headers, body = self.call(method, path)
        assert status == 503, body
        assert headers["Content-Type"] == "application/problem+json"
        assert headers["Retry-After"] == "5"
        assert body["detail"] == detail
        assert self.seconds() < BOUND, f"{method} {path}: {self.seconds():.2f} s"

    def assert_ready(self, **checks: str) -> None:
        """``/ready`` reports ``checks``, within BOUND: 200 when all are ok, else 503."""
        status, _, body = self.call("GET", "/ready")
        ok = all(value == "ok" for value in checks.values())
        assert (status, body["checks"]) == (200 if ok else 503, checks)
        assert self.seconds() < BOUND

    def assert_recovers(self, method: str, path: str, status: int) -> None:
        """``METHOD path`` answers ``status`` again within 10 s of a restore."""
        start = time.monotonic()
        wait_until(lambda: self.call(method, path)[0] == status,
                   f"{method} {path} -> {status} after the restore", timeout=10)  # fmt: skip
        self.timings.append((f"recovered: {method} {path}", time.monotonic() - start))


def cut_redis(service: Service, redis: TcpProxy) -> None:
    """Redis (broker, result backend and cache) down, then back."""
    redis.cut()
    service.assert_unavailable("POST", "/api/v1/todos/purge", TASK_QUEUE_DOWN)
    assert service.call("GET", "/health")[0] == 200
    assert service.call("GET", "/api/v1/todos")[0] == 200
    # The cache is skipped, not needed: writes and the counts still work.
    assert service.call("POST", "/api/v1/todos", {"title": "during the outage"})[0] == 201
    assert service.call("GET", "/api/v1/todos/summary")[0] == 200
    service.assert_ready(database="ok", redis="unavailable")
    redis.restore()
    service.assert_recovers("POST", "/api/v1/todos/purge", 202)
    service.assert_ready(database="ok", redis="ok")


def cut_database(service: Service, database: TcpProxy) -> None:
    """The database down, then back."""
    database.cut()
    service.assert_unavailable("GET", "/api/v1/todos", DATABASE_DOWN)
    service.assert_unavailable("POST", "/api/v1/todos/purge", DATABASE_DOWN)
    assert service.call("GET", "/health")[0] == 200
    service.assert_ready(database="unavailable", redis="ok")
    database.restore()
    service.assert_recovers("GET", "/api/v1/todos", 200)
    service.assert_ready(database="ok", redis="ok")


def proxy(server_url: str) -> TcpProxy:
    """A proxy in front of the server of ``server_url`` (listening once entered)."""
    parts = urlsplit(server_url)
    return TcpProxy((parts.hostname, parts.port))


@pytest.mark.parametrize(
    ("database_url", "answers"),
    [("postgresql", {}), ("mysql", {"app_style": "api"}), ("sqlite", {"cache": "none"})],
    ids=["postgresql-full-redis-celery", "mysql-api-redis-celery", "sqlite-full-celery"],
    indirect=["database_url"],
)
def test_outage_and_recovery(
    bake, request, database_url: str, redis_url: str, answers: dict, tmp_path: Path,
    record_property,
) -> None:  # fmt: skip
    database = request.node.callspec.params["database_url"]
    project = bake(database=database, **answers)
    venv = project_venv(project)
    with ExitStack() as stack:
        redis = stack.enter_context(proxy(redis_url))
        database_proxy = None
        if database != "sqlite":  # a SQLite file cannot be cut
            database_proxy = stack.enter_context(proxy(database_url))
            database_url = database_proxy.url(database_url)
        env = production_env(database_url, redis.url(redis_url))
        upgrade = flask_db(venv, project, env, "upgrade")
        assert upgrade.returncode == 0, upgrade.stdout
        log = tmp_path / "gunicorn.log"
        with gunicorn(venv, project, env, log) as base:
            service = Service(base)
            try:
                assert service.call("POST", "/api/v1/todos/purge")[0] == 202
                cut_redis(service, redis)
                if database_proxy is not None:
                    cut_database(service, database_proxy)
            finally:
                record_property("outage_timings", service.timings)
