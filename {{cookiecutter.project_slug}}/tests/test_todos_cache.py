"""The cached todo counts: served from the cache, forgotten on every change, and
computed without it while Redis is down."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert

from {{ cookiecutter.project_slug }}.config import Config
from {{ cookiecutter.project_slug }}.core.cache import cache_settings
from {{ cookiecutter.project_slug }}.extensions import cache, db
from {{ cookiecutter.project_slug }}.todos.models import Todo

from .conftest import OUTAGE_BOUND, closed_port, timed


def test_counts_come_from_the_cache_until_a_change(api: FlaskClient, app: Flask, user) -> None:
    assert api.get("/api/v1/todos/summary").get_json() == {"total": 0, "done": 0, "open": 0}

    # A Core insert bypasses the ORM events that forget the counts: still cached.
    with app.app_context():
        db.session.execute(insert(Todo).values(user_id=user.id, title="behind the cache's back"))
        db.session.commit()
    assert api.get("/api/v1/todos/summary").get_json()["total"] == 0

    # A change through the ORM forgets them.
    api.post("/api/v1/todos", json={"title": "through the API", "done": True})
    assert api.get("/api/v1/todos/summary").get_json() == {"total": 2, "done": 1, "open": 1}


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
    assert seconds < OUTAGE_BOUND
