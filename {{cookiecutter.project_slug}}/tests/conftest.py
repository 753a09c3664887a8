{%- set use_redis = cookiecutter.cache == "redis" or cookiecutter.worker == "celery" -%}
"""Fixtures shared by the test suite.

The database is ``TEST_DATABASE_URL`` when set (the real server), else a SQLite file in
pytest's temporary directory. Its schema is built once per session by applying the
shipped migrations, and taken down with them at the end. Each test runs inside one
transaction that is rolled back when it ends, so what a test writes, even when the code
commits, no other test sees.
{%- if use_redis %} Redis-backed parts use ``REDIS_URL`` when set, else in-process
equivalents.
{%- endif %}
{%- if cookiecutter.cache == "redis" %} Every test starts with an empty cache.
{%- endif %}
"""

import io
import json
import logging
import os
import runpy
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import {{ "ExitStack, " if cookiecutter.database != "sqlite" or cookiecutter.worker == "celery" }}contextmanager
from logging.config import dictConfig
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from sqlalchemy import Engine, event
from werkzeug.test import Client, TestResponse

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.core.logs import logging_config
from {{ cookiecutter.project_slug }}.extensions import {{ "cache, " if cookiecutter.cache == "redis" }}db, limiter
from {{ cookiecutter.project_slug }}.users.models import User, create_user

PASSWORD = "correct horse battery"
#: Seconds within which a request that needs a refused dependency must answer.
OUTAGE_BOUND = 1.0
#: A SQLite database that cannot be opened: its directory does not exist.
UNREACHABLE_DATABASE = "sqlite:////nonexistent-directory/db.sqlite"
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
#: The sub-path of the mounted tests, and the WSGI environment of a request under it.
PREFIX = "/svc"
MOUNTED = {"SCRIPT_NAME": PREFIX}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """``TEST_DATABASE_URL``, or a SQLite file in pytest's temporary directory."""
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('database') / 'test.sqlite3'}"
    )


def use_sqlite_savepoints(engine: Engine) -> None:
    """Let pysqlite run SAVEPOINTs inside an outer transaction.

    The sqlite3 module begins and commits transactions on its own (the first RELEASE
    would commit everything); this hands transaction control to SQLAlchemy, as its
    SQLite dialect docs show ("Serializable isolation / Savepoints / Transactional DDL").
    """

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")


@pytest.fixture(scope="session")
def session_app(database_url: str) -> Iterator[Flask]:
    """The app the tests share, in the testing config on the test database.

    Its schema is built once, by applying the shipped migrations, and they are
    downgraded to an empty database at the end, so the suite also proves them.
    """
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            use_sqlite_savepoints(db.engine)
        upgrade(directory=str(MIGRATIONS))
    yield app
    with app.app_context():
        downgrade(directory=str(MIGRATIONS), revision="base")
        db.engine.dispose()


@contextmanager
def rolled_back(app: Flask) -> Iterator[None]:
    """Run every database session of ``app`` in one transaction, rolled back at exit.

    SQLAlchemy's "Joining a Session into an External Transaction": each session is bound
    to one connection and its commits end savepoints, never the transaction.
    """
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield
    finally:
        with app.app_context():
            db.session.configure(bind=None, join_transaction_mode="conditional_savepoint")
        transaction.rollback()
        connection.close()


@pytest.fixture
def app(session_app: Flask) -> Iterator[Flask]:
    """The shared app for one test: what the test writes is rolled back and the settings
    it changes are restored when it ends{{ "; the cache starts empty" if cookiecutter.cache == "redis" }}."""
    settings = session_app.config.copy()
{%- if cookiecutter.worker == "celery" %}
    # Tasks go to the current Celery app: the last one the factory made, maybe in a test.
    session_app.extensions["celery"].set_current()
{%- endif %}
{%- if cookiecutter.cache == "redis" %}
    with session_app.app_context():
        cache.clear()
{%- endif %}
    with rolled_back(session_app):
        yield session_app
    session_app.config.clear()
    session_app.config.update(settings)


@pytest.fixture
def json_log() -> Iterator[Callable[[], list[dict]]]:
    """Logging as production sets it up (``logging_config``: JSON lines) at INFO for one
    test, its handler writing to a buffer instead of stderr. Yields a function that returns
    the lines written so far, parsed. The levels of the root logger and the app's (which the
    last app made set) and the root's handlers are restored at the end."""
    root, package = logging.getLogger(), logging.getLogger("{{ cookiecutter.project_slug }}")
    handlers, levels = root.handlers[:], (root.level, package.level)
    dictConfig(logging_config("json", "INFO"))
    package.setLevel(logging.INFO)
    buffer = io.StringIO()
    root.handlers[0].setStream(buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    root.handlers[:] = handlers
    root.setLevel(levels[0])
    package.setLevel(levels[1])


@pytest.fixture
def limited(app: Flask) -> Flask:
    """``app`` allowing 2 attempts a minute to log in and 2 to register, counted from
    zero (the other tests run with limits they never reach)."""
    app.config.update(LOGIN_RATE_LIMIT="2 per minute", REGISTER_RATE_LIMIT="2 per minute")
    limiter.reset()
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture
def user(app: Flask) -> User:
    """A registered user ``alice`` with password ``PASSWORD``."""
    with app.app_context():
        alice = create_user("alice", PASSWORD)
        db.session.refresh(alice)
        db.session.expunge(alice)
    return alice


@pytest.fixture
def token(client: FlaskClient, user: User) -> str:
    """A bearer token of ``alice``."""
    response = client.post("/api/v1/tokens", auth=("alice", PASSWORD))
    assert response.status_code == 201
    return response.get_json()["access_token"]


@pytest.fixture
def api(client: FlaskClient, token: str) -> FlaskClient:
    """``client`` sending alice's bearer token with every request."""
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client

{%- if cookiecutter.example == "todos" %}


def create_todo(api: FlaskClient, title: str = "A todo", done: bool = False) -> dict:
    """Create a todo through the API (``api``: a client with a token); returns its JSON."""
    response = api.post("/api/v1/todos", json={"title": title, "done": done})
    assert response.status_code == 201
    return response.get_json()
{%- endif %}


def closed_port() -> int:
    """A loopback TCP port where nothing listens (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
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


def timed(call: Callable[[], TestResponse]) -> tuple[TestResponse, float]:
    """Run ``call`` and return its response and the seconds it took."""
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def assert_unavailable(response: TestResponse, seconds: float, detail: str) -> None:
    """503 Problem Details naming the dependency, with ``Retry-After``, within
    ``OUTAGE_BOUND``."""
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["detail"] == detail
    assert seconds < OUTAGE_BOUND, f"answered in {seconds:.2f} s"


def serve_wsgi_app() -> Client:
    """Run ``wsgi.py`` afresh and return a client that calls its app as gunicorn does.

    A plain WSGI client: Flask's own test client would put the app's ``APPLICATION_ROOT``
    in ``SCRIPT_NAME``, as if something had already mounted the app.
    """
    return Client(runpy.run_module("{{ cookiecutter.project_slug }}.wsgi")["app"])


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Client:
    """The app of ``wsgi.py`` with ``SCRIPT_NAME=/svc``, in the testing config."""
    monkeypatch.setenv("FLASK_CONFIG", "testing")
    monkeypatch.setenv("SCRIPT_NAME", PREFIX)
    return serve_wsgi_app()
