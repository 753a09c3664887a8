"""Database outages: a request that needs the database while it is down answers 503
with ``Retry-After`` within a bound; the liveness probe keeps answering.

The database is made unreachable for real: its URL points at a loopback port where
nothing listens, so every connection is refused (for SQLite, at a file that cannot be
opened){{ "; or, to prove the connect timeout, at a port that behaves as a host that does not answer" if cookiecutter.database != "sqlite" }}.
"""

import pytest
from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.core.errors import handle_database_error

from .conftest import (
    OUTAGE_BOUND,
    PASSWORD,
    UNREACHABLE_DATABASE,
    assert_unavailable,
    closed_port,
    timed,
{%- if cookiecutter.database != "sqlite" %}
    unresponsive_port,
{%- endif %}
)


@pytest.fixture
def unreachable_database(database_url: str) -> str:
    """The test database's URL moved to a closed port (or, for SQLite, a missing file)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return UNREACHABLE_DATABASE
    return url.set(host="127.0.0.1", port=closed_port()).render_as_string(hide_password=False)


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
    assert seconds < OUTAGE_BOUND
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
