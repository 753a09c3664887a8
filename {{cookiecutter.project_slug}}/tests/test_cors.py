"""CORS on the API (Flask-CORS): only the origins in ``CORS_ORIGINS``, never credentials."""

import pytest
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }} import create_app

ALLOWED = "https://app.example.com"


@pytest.fixture
def cors_client(monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    """A client of an app that allows two origins."""
    monkeypatch.setenv("CORS_ORIGINS", f"{ALLOWED}, https://admin.example.com")
    return create_app("testing").test_client()


def preflight(client: FlaskClient, path: str, origin: str):
    """Send the browser's CORS preflight for a JSON POST to ``path``."""
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )


def test_allowed_origin_may_call_the_api(cors_client: FlaskClient) -> None:
    response = preflight(cors_client, "/api/v1/users", ALLOWED)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_other_origins_get_no_cors_headers(cors_client: FlaskClient) -> None:
    response = preflight(cors_client, "/api/v1/users", "https://evil.example")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_covers_only_the_api(cors_client: FlaskClient) -> None:
    response = cors_client.get("/health", headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_no_origin_is_allowed_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORS_ORIGINS", raising=False)
    client = create_app("testing").test_client()
    response = preflight(client, "/api/v1/users", ALLOWED)
    assert "Access-Control-Allow-Origin" not in response.headers
