"""Brute-force protection: past their limits the credential endpoints answer 429 Too Many
Requests with ``Retry-After``; nothing else is limited."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from {{ cookiecutter.project_slug }}.config import Config, ConfigError

from .conftest import PASSWORD


def assert_too_many_requests(response: TestResponse) -> None:
    """``response`` is a 429 Problem Details saying how long to wait, as ``Retry-After``."""
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 429
    assert body["title"] == "Too Many Requests"
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert body["detail"].startswith("Too many attempts from your address. Try again in ")


def test_token_requests_past_the_limit_get_429(limited: Flask, client: FlaskClient, user) -> None:
    first = client.post("/api/v1/tokens", auth=("alice", "wrong password"))
    assert first.status_code == 401
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert first.headers["X-RateLimit-Remaining"] == "1"
    assert client.post("/api/v1/tokens", auth=("alice", "wrong password")).status_code == 401
    # Past the limit even the right password is refused: guessing gains nothing.
    assert_too_many_requests(client.post("/api/v1/tokens", auth=("alice", PASSWORD)))


def test_registrations_past_the_limit_get_429(limited: Flask, client: FlaskClient) -> None:
    for username in ("ada", "grace"):
        response = client.post("/api/v1/users", json={"username": username, "password": PASSWORD})
        assert response.status_code == 201
    response = client.post("/api/v1/users", json={"username": "edsger", "password": PASSWORD})
    assert_too_many_requests(response)


def test_attempts_are_counted_per_client_address(limited: Flask, client: FlaskClient) -> None:
    attacker, neighbour = {"REMOTE_ADDR": "192.0.2.1"}, {"REMOTE_ADDR": "192.0.2.2"}
    for _ in range(2):
        client.post("/api/v1/tokens", auth=("alice", "guess"), environ_base=attacker)
    response = client.post("/api/v1/tokens", auth=("alice", "guess"), environ_base=attacker)
    assert response.status_code == 429
    response = client.post("/api/v1/tokens", auth=("alice", "guess"), environ_base=neighbour)
    assert response.status_code == 401


def test_other_routes_are_not_limited(limited: Flask, api: FlaskClient) -> None:
    for _ in range(5):
        for path in ("/health", "/ready", "/api/v1/todos"):
            response = api.get(path)
            assert response.status_code == 200, path
            assert "X-RateLimit-Limit" not in response.headers


def test_openapi_documents_the_429s(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/tokens", "/api/v1/users"):
        response = paths[path]["post"]["responses"]["429"]
        assert "application/problem+json" in response["content"]
        assert response["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert "429" not in paths["/api/v1/todos"]["get"]["responses"]


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LOGIN_RATE_LIMIT", "REGISTER_RATE_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    assert Config().LOGIN_RATE_LIMIT == "10 per minute; 100 per hour"
    assert Config().REGISTER_RATE_LIMIT == "5 per minute; 20 per hour"
    monkeypatch.setenv("LOGIN_RATE_LIMIT", "3 per minute; 30 per day")
    monkeypatch.setenv("REGISTER_RATE_LIMIT", "1/hour")
    assert Config().LOGIN_RATE_LIMIT == "3 per minute; 30 per day"
    assert Config().REGISTER_RATE_LIMIT == "1/hour"


@pytest.mark.parametrize("name", ["LOGIN_RATE_LIMIT", "REGISTER_RATE_LIMIT"])
def test_malformed_limits_name_the_variable(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "10 per fortnight")
    with pytest.raises(ConfigError, match=f"{name} must be rate limits such as"):
        Config()
