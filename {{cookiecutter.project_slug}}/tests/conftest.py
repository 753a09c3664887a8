{%- set use_redis = cookiecutter.cache == "redis" or cookiecutter.worker == "celery" -%}
"""Fixtures shared by the test suite.

The database is ``TEST_DATABASE_URL`` when set (the real server), else an in-memory
SQLite.
{%- if use_redis %} Redis-backed parts use ``REDIS_URL`` when set, else in-process
equivalents.
{%- endif %} Every test gets empty tables{{ " and an empty cache" if cookiecutter.cache == "redis" }}.
"""

{% if cookiecutter.app_style == "full" %}import re
{% endif %}from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.extensions import {{ "cache, " if cookiecutter.cache == "redis" }}db
from {{ cookiecutter.project_slug }}.models import User, create_user

{% if cookiecutter.app_style == "full" %}CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
{% endif %}PASSWORD = "correct horse battery"


@contextmanager
def fresh_tables(app: Flask) -> Iterator[Flask]:
    """Give ``app`` empty tables{{ " and an empty cache" if cookiecutter.cache == "redis" }} for one test; drop them afterwards."""
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
{%- if cookiecutter.cache == "redis" %}
        cache.clear()
{%- endif %}
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def app() -> Iterator[Flask]:
    """An app in the testing config, with fresh tables."""
    with fresh_tables(create_app("testing")) as app:
        yield app


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
{%- if cookiecutter.app_style == "full" %}


def csrf_token(client: FlaskClient, path: str = "/auth/login") -> str:
    """Load a page with a form and return the CSRF token of this client's session."""
    match = CSRF_RE.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def logged_in(client: FlaskClient, user: User) -> FlaskClient:
    """``client`` with ``alice`` logged in through the login page."""
    response = client.post(
        "/auth/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    return client
{%- endif %}


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
