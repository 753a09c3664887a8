"""The cache (Flask-Caching): Redis Sentinel from ``REDIS_SENTINELS``, else Redis at
``REDIS_URL``, else in-process."""

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from ..config import ConfigError, env_int
from ..extensions import cache


def env_sentinels(name: str) -> list[tuple[str, int]]:
    """Read comma-separated ``host:port`` pairs from ``name`` as ``[(host, port), ...]``."""
    sentinels = []
    for entry in filter(None, (part.strip() for part in os.environ.get(name, "").split(","))):
        host, _, port = entry.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError(
                f"{name} must be comma-separated host:port pairs, got {entry!r} "
                f"(for example {name}=sentinel-1:26379,sentinel-2:26379)"
            )
        sentinels.append((host, int(port)))
    return sentinels


def cache_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """Flask-Caching's settings for the app settings ``config`` and the environment.

    :raises config.ConfigError: when ``REDIS_SENTINELS`` or ``CACHE_DEFAULT_TIMEOUT`` is
        malformed.
    """
    sentinels = env_sentinels("REDIS_SENTINELS")
    if sentinels:
        backend = "RedisSentinelCache"
    else:
        backend = "RedisCache" if config["REDIS_URL"] else "SimpleCache"
    suffix = "-test" if config.get("TESTING") else ""
    return {
        "CACHE_TYPE": backend,
        "CACHE_REDIS_URL": config["REDIS_URL"],
        # Bounded waits of the cache's Redis client (the in-process cache takes none).
        "CACHE_OPTIONS": (
            {}
            if backend == "SimpleCache"
            else {
                "socket_connect_timeout": config["CONNECT_TIMEOUT"],
                "socket_timeout": config["REDIS_SOCKET_TIMEOUT"],
            }
        ),
        # Seconds a cached value lives.
        "CACHE_DEFAULT_TIMEOUT": env_int("CACHE_DEFAULT_TIMEOUT", 300),
        # Namespace of this app's keys in a Redis it may share with other clients.
        "CACHE_KEY_PREFIX": f"{{ cookiecutter.project_slug }}{suffix}:",
        # Redis Sentinel: the sentinels' addresses and the monitored master's name.
        "CACHE_REDIS_SENTINELS": sentinels,
        "CACHE_REDIS_SENTINEL_MASTER": os.environ.get("REDIS_SENTINEL_MASTER", "mymaster"),
    }


def init_app(app: Flask) -> None:
    """Bind the cache to ``app``, with the ``cache_settings`` that ``app`` does not set itself."""
    for key, value in cache_settings(app.config).items():
        app.config.setdefault(key, value)
    cache.init_app(app)
