"""With ``REDIS_URL`` the rate-limit counts live in Redis, where every process sees them."""

import os
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits import parse
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.config import Config
from {{ cookiecutter.project_slug }}.core.ratelimits import storage_settings
from {{ cookiecutter.project_slug }}.extensions import db

from .conftest import closed_port


def test_storage_follows_redis_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://redis.example:6379/2")
    settings = storage_settings(vars(Config()))
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://redis.example:6379/2"
    monkeypatch.delenv("REDIS_URL")
    assert storage_settings(vars(Config()))["RATELIMIT_STORAGE_URI"] == "memory://"


def test_the_tests_count_apart_from_other_apps_on_the_same_redis(app: Flask) -> None:
    prefix = app.config["RATELIMIT_STORAGE_OPTIONS"]["key_prefix"]
    assert prefix == "{{ cookiecutter.project_slug }}-test:ratelimit"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real Redis)")
def test_another_process_sees_the_count_in_redis(limited: Flask, client: FlaskClient) -> None:
    for _ in range(2):
        client.post("/api/v1/tokens", auth=("alice", "guess"))

    # What another worker or host would read: the count under the app's key prefix.
    options = limited.config["RATELIMIT_STORAGE_OPTIONS"]
    storage = RedisStorage(limited.config["REDIS_URL"], **options)
    window = FixedWindowRateLimiter(storage).get_window_stats(
        parse("2 per minute"), "127.0.0.1", "login"
    )
    assert window.remaining == 0
    assert storage.get_connection().keys(f"{options['key_prefix']}:*")


def test_limits_count_in_memory_while_redis_is_down(session_app: Flask) -> None:
    database = {"SQLALCHEMY_DATABASE_URI": session_app.config["SQLALCHEMY_DATABASE_URI"]}
    app = create_app(
        {
            **database,
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{closed_port()}/0",
            "LOGIN_RATE_LIMIT": "2 per minute",
        }
    )
    client = app.test_client()
    try:
        started = time.monotonic()
        statuses = [
            client.post("/api/v1/tokens", auth=("nobody", "guess")).status_code for _ in range(3)
        ]
        assert statuses == [401, 401, 429]
        assert time.monotonic() - started < 5
    finally:
        with app.app_context():
            db.engine.dispose()
        # The one limiter object keeps the storage of the app bound last: bind it back to
        # the real Redis for the tests that follow.
        create_app(database)
