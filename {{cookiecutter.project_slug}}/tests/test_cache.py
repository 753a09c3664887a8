"""The cache: its backend from the environment (Redis, Redis Sentinel, or in-process)."""

import pytest
from flask import Flask
from flask_caching import Cache

from {{ cookiecutter.project_slug }}.config import Config, ConfigError
from {{ cookiecutter.project_slug }}.core.cache import cache_settings


def test_cache_backend_follows_redis_url(app: Flask) -> None:
    expected = "RedisCache" if app.config["REDIS_URL"] else "SimpleCache"
    assert app.config["CACHE_TYPE"] == expected
    # The tests' keys apart from those of a development app on the same Redis.
    assert app.config["CACHE_KEY_PREFIX"] == "{{ cookiecutter.project_slug }}-test:"


def test_without_redis_url_the_cache_is_in_process(monkeypatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("REDIS_SENTINELS", raising=False)
    app = Flask(__name__)
    app.config.from_object(Config())
    app.config.update(cache_settings(app.config))
    cache = Cache(app)
    cache.set("key", "value")
    assert app.config["CACHE_TYPE"] == "SimpleCache"
    assert cache.get("key") == "value"


def test_redis_sentinels_select_the_sentinel_backend(monkeypatch) -> None:
    monkeypatch.setenv("REDIS_SENTINELS", "sentinel-1:26379, sentinel-2:26380")
    monkeypatch.setenv("REDIS_SENTINEL_MASTER", "cache-master")
    settings = cache_settings(vars(Config()))
    assert settings["CACHE_TYPE"] == "RedisSentinelCache"
    assert settings["CACHE_REDIS_SENTINELS"] == [("sentinel-1", 26379), ("sentinel-2", 26380)]
    assert settings["CACHE_REDIS_SENTINEL_MASTER"] == "cache-master"


def test_malformed_sentinels_name_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("REDIS_SENTINELS", "sentinel-1")
    with pytest.raises(ConfigError, match="REDIS_SENTINELS must be comma-separated host:port"):
        cache_settings(vars(Config()))
