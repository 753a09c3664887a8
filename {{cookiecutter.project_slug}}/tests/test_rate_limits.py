"""Brute-force protection: past their limits the credential endpoints answer 429 Too Many
Requests with ``Retry-After``; nothing else is limited."""

import runpy

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import Client, TestResponse

from {{ cookiecutter.project_slug }}.config import Config, ConfigError
from {{ cookiecutter.project_slug }}.extensions import limiter

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
    assert "Retry-After" not in first.headers
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
        for path in ("/health", "/ready", "/api/v1/users/me"):
            response = api.get(path)
            assert response.status_code == 200, path
            assert "X-RateLimit-Limit" not in response.headers


def test_openapi_documents_the_429s(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/tokens", "/api/v1/users"):
        response = paths[path]["post"]["responses"]["429"]
        assert "application/problem+json" in response["content"]
        assert response["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert "429" not in paths["/api/v1/users/me"]["get"]["responses"]


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


@pytest.fixture
def proxied(monkeypatch: pytest.MonkeyPatch) -> Client:
    """The app of ``wsgi.py``, as gunicorn serves it, trusting the proxies of 10.0.0.0/24
    and allowing 2 registrations a minute."""
    monkeypatch.setenv("FLASK_CONFIG", "testing")
    monkeypatch.delenv("SCRIPT_NAME", raising=False)
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/24")
    app = runpy.run_module("{{ cookiecutter.project_slug }}.wsgi")["app"]
    app.config["REGISTER_RATE_LIMIT"] = "2 per minute"
    limiter.reset()
    return Client(app)


def register(server: Client, peer: str, forwarded_for: str) -> int:
    """Send an invalid registration (422, no database needed) from ``peer`` with
    ``X-Forwarded-For``; return the status code."""
    response = server.post(
        "/api/v1/users",
        json={},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": peer},
    )
    return response.status_code


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(proxied: Client) -> None:
    # The proxy appends the client's address: the last one counts, not the proxy's.
    for _ in range(2):
        assert register(proxied, "10.0.0.5", "203.0.113.1, 198.51.100.7") == 422
    assert register(proxied, "10.0.0.5", "198.51.100.7") == 429
    assert register(proxied, "10.0.0.5", "198.51.100.8") == 422
    # A unix socket (no peer address) is nginx's: trusted too.
    assert register(proxied, "", "198.51.100.9") == 422


def test_an_untrusted_peer_cannot_choose_its_address(proxied: Client) -> None:
    for forwarded_for in ("198.51.100.1", "198.51.100.2"):
        assert register(proxied, "192.0.2.1", forwarded_for) == 422
    assert register(proxied, "192.0.2.1", "198.51.100.3") == 429
