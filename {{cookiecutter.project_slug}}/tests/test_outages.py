{%- set redis_outages = cookiecutter.worker == "celery" or (cookiecutter.cache == "redis" and cookiecutter.example == "todos") -%}
"""Dependency outages: a request that needs a dependency that is down answers 503 with
``Retry-After`` within a bound; requests that do not need it keep working.

A dependency is made unreachable for real: its URL points at a loopback port where
nothing listens, so every connection is refused
{%- if cookiecutter.database != "sqlite" or cookiecutter.worker == "celery" -%}
; or, to prove the connect timeouts, at a
port that behaves as a host that does not answer
{%- endif %}.
"""

{% if cookiecutter.database != "sqlite" or cookiecutter.worker == "celery" -%}
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
{%- else -%}
import time
from collections.abc import Callable
{%- endif %}

import pytest
from flask import Flask
{%- if redis_outages %}
from flask.testing import FlaskClient
{%- endif %}
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from werkzeug.test import TestResponse

from {{ cookiecutter.project_slug }} import create_app
{%- if redis_outages %}
from {{ cookiecutter.project_slug }}.config import Config
{%- endif %}
{%- if cookiecutter.cache == "redis" and cookiecutter.example == "todos" %}
from {{ cookiecutter.project_slug }}.core.cache import cache_settings
{%- endif %}
from {{ cookiecutter.project_slug }}.core.errors import handle_database_error
{%- if cookiecutter.worker == "celery" %}
from {{ cookiecutter.project_slug }}.core.tasks import celery_init_app, celery_settings
{%- endif %}
{%- if cookiecutter.cache == "redis" and cookiecutter.example == "todos" %}
from {{ cookiecutter.project_slug }}.extensions import cache
{%- endif %}

from .conftest import PASSWORD, closed_port{{ ", csrf_token" if cookiecutter.app_style == "full" and cookiecutter.worker == "celery" and cookiecutter.example == "todos" }}

#: Seconds within which a request that needs a refused dependency must answer.
BOUND = 1.0
#: A SQLite database that cannot be opened: its directory does not exist.
UNREACHABLE_SQLITE = "sqlite:////nonexistent-directory/db.sqlite"


{%- if cookiecutter.database != "sqlite" or cookiecutter.worker == "celery" %}


@contextmanager
def unresponsive_port() -> Iterator[int]:
    """A loopback TCP port that behaves as a host that does not answer: its listener's
    accept queue is full and never served, so the kernel drops new connection attempts
    and a client waits until its own connect timeout."""
    with socket.socket() as listener, ExitStack() as stack:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        for _ in range(2):  # Linux queues backlog + 1 connections
            queued = stack.enter_context(socket.socket())
            queued.setblocking(False)
            queued.connect_ex(("127.0.0.1", port))
        yield port
{%- endif %}


@pytest.fixture
def unreachable_database(database_url: str) -> str:
    """The test database's URL moved to a closed port (or, for SQLite, a missing file)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return UNREACHABLE_SQLITE
    return url.set(host="127.0.0.1", port=closed_port()).render_as_string(hide_password=False)


def timed(call: Callable[[], TestResponse]) -> tuple[TestResponse, float]:
    """Run ``call`` and return its response and the seconds it took."""
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def assert_unavailable(response: TestResponse, seconds: float, detail: str) -> None:
    """503 Problem Details naming the dependency, with ``Retry-After``, within ``BOUND``."""
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["detail"] == detail
    assert seconds < BOUND, f"answered in {seconds:.2f} s"


def test_a_request_needing_the_database_is_503_when_it_is_down(
    unreachable_database: str,
) -> None:
    client = create_app({"SQLALCHEMY_DATABASE_URI": unreachable_database}).test_client()
    response, seconds = timed(lambda: client.post("/api/v1/tokens", auth=("alice", PASSWORD)))
    assert_unavailable(response, seconds, "The database is unavailable; try again later.")
    assert client.get("/health").status_code == 200
    response, seconds = timed(lambda: client.get("/ready"))
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "unavailable"
    assert seconds < BOUND
{%- if cookiecutter.app_style == "full" %}


def test_a_page_needing_the_database_is_a_503_page_when_it_is_down(
    unreachable_database: str,
) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": unreachable_database, "WTF_CSRF_ENABLED": False})
    response = app.test_client().post(
        "/auth/login", data={"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"] == "5"
    assert b"The database is unavailable" in response.data
{%- endif %}


def test_retry_after_comes_from_the_config(unreachable_database: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": unreachable_database, "RETRY_AFTER": 30})
    response = app.test_client().post("/api/v1/tokens", auth=("alice", PASSWORD))
    assert response.headers["Retry-After"] == "30"


def test_other_database_errors_are_not_outages(app: Flask) -> None:
    """An OperationalError of a statement (here MariaDB's "data too long") is not an
    outage: raised again, so Flask answers 500 and logs it."""
    error = OperationalError("INSERT ...", {}, Exception(1406, "Data too long"))
    with app.test_request_context(), pytest.raises(OperationalError):
        handle_database_error(error)
{%- if cookiecutter.database != "sqlite" %}


def test_connecting_gives_up_after_connect_timeout(database_url: str) -> None:
    """A host that does not answer: the request answers 503 once ``CONNECT_TIMEOUT``
    has passed{{ " (libpq's least is 2 s)" if cookiecutter.database == "postgresql" }}."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        pytest.skip("needs the database server of TEST_DATABASE_URL")
    with unresponsive_port() as port:
        unresponsive = url.set(host="127.0.0.1", port=port)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": unresponsive.render_as_string(hide_password=False),
                "CONNECT_TIMEOUT": 0.25,
            }
        )
        response, seconds = timed(
            lambda: app.test_client().post("/api/v1/tokens", auth=("alice", PASSWORD))
        )
    assert response.status_code == 503
    assert {{ "2 <= seconds < 3" if cookiecutter.database == "postgresql" else "0.25 <= seconds < 1.25" }}, f"answered in {seconds:.2f} s"
{%- endif %}
{%- if cookiecutter.worker == "celery" %}


def send_tasks_to(port: int, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give ``app`` a Celery app with the production settings, on a Redis at ``port``
    (broker and result backend); the test's own Celery app is restored after."""
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{port}/0")
    monkeypatch.setitem(app.config, "CELERY", celery_settings(vars(Config())))
    monkeypatch.setitem(app.extensions, "celery", app.extensions["celery"])
    celery_init_app(app).set_current()


@pytest.fixture
def unreachable_broker(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tasks of ``app`` go to a Redis where nothing listens."""
    send_tasks_to(closed_port(), app, monkeypatch)


@pytest.mark.usefixtures("unreachable_broker")
def test_starting_a_task_is_503_when_the_broker_is_down(api: FlaskClient) -> None:
    response, seconds = timed(lambda: api.post("/api/v1/tasks/count-users"))
    assert_unavailable(response, seconds, "The task queue is unavailable; try again later.")
    # What does not need the broker keeps working.
    assert api.get("/api/v1/users/me").status_code == 200


def test_starting_a_task_gives_up_after_connect_timeout(
    api: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Redis host that does not answer: 503 once ``CONNECT_TIMEOUT`` has passed, for
    the result subscription and for its one retry."""
    monkeypatch.setenv("CONNECT_TIMEOUT", "0.25")
    with unresponsive_port() as port:
        send_tasks_to(port, app, monkeypatch)
        response, seconds = timed(lambda: api.post("/api/v1/tasks/count-users"))
    assert response.status_code == 503
    assert 0.5 <= seconds < 1.5, f"answered in {seconds:.2f} s"
{%- if cookiecutter.app_style == "full" and cookiecutter.example == "todos" %}


@pytest.mark.usefixtures("unreachable_broker")
def test_the_clear_completed_button_is_a_503_page_when_the_broker_is_down(
    logged_in: FlaskClient,
) -> None:
    response = logged_in.post(
        "/todos/purge", data={"csrf_token": csrf_token(logged_in, "/todos/")}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert b"The task queue is unavailable" in response.data
{%- endif %}
{%- endif %}
{%- if cookiecutter.cache == "redis" and cookiecutter.example == "todos" %}


@pytest.fixture
def unreachable_cache(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bind the cache of ``app`` to a Redis where nothing listens, with the production
    client options; the test's own cache is restored after."""
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{closed_port()}/0")
    settings = cache_settings(vars(Config()))
    monkeypatch.setitem(app.extensions, "cache", dict(app.extensions["cache"]))
    cache.init_app(
        app,
        config={
            "CACHE_TYPE": settings["CACHE_TYPE"],
            "CACHE_REDIS_URL": settings["CACHE_REDIS_URL"],
            "CACHE_OPTIONS": settings["CACHE_OPTIONS"],
        },
    )


@pytest.mark.usefixtures("unreachable_cache")
def test_a_cache_outage_only_skips_the_cache(api: FlaskClient) -> None:
    """The counts are computed without the cache, and changes still succeed."""
    response, seconds = timed(lambda: api.post("/api/v1/todos", json={"title": "uncached"}))
    assert response.status_code == 201
    assert api.get("/api/v1/todos/summary").get_json() == {"total": 1, "done": 0, "open": 1}
    assert seconds < BOUND
{%- endif %}
