"""The cache: its backend from the environment (Redis, Redis Sentinel, or in-process)."""

import pytest
from flask import Flask
from flask_caching import Cache

from {{ cookiecutter.project_slug }}.config import Config, ConfigError


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
