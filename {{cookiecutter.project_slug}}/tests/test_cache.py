"""The cached todo counts: served from the cache, forgotten on every change."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_caching import Cache
from sqlalchemy import insert

from {{ cookiecutter.project_slug }}.config import Config, ConfigError
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.todos.models import Todo


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


def test_cache_backend_follows_redis_url(app: Flask) -> None:
    expected = "RedisCache" if app.config["REDIS_URL"] else "SimpleCache"
    assert app.config["CACHE_TYPE"] == expected


def test_without_redis_url_the_cache_is_in_process(monkeypatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("REDIS_SENTINELS", raising=False)
    app = Flask(__name__)
    app.config.from_object(Config())
    cache = Cache(app)
    cache.set("key", "value")
    assert app.config["CACHE_TYPE"] == "SimpleCache"
    assert cache.get("key") == "value"


def test_redis_sentinels_select_the_sentinel_backend(monkeypatch) -> None:
    monkeypatch.setenv("REDIS_SENTINELS", "sentinel-1:26379, sentinel-2:26380")
    monkeypatch.setenv("REDIS_SENTINEL_MASTER", "cache-master")
    config = Config()
    assert config.CACHE_TYPE == "RedisSentinelCache"
    assert config.CACHE_REDIS_SENTINELS == [("sentinel-1", 26379), ("sentinel-2", 26380)]
    assert config.CACHE_REDIS_SENTINEL_MASTER == "cache-master"


def test_malformed_sentinels_name_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("REDIS_SENTINELS", "sentinel-1")
    with pytest.raises(ConfigError, match="REDIS_SENTINELS must be comma-separated host:port"):
        Config()
