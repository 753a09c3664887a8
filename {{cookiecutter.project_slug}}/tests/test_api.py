"""The JSON API: accounts and tokens."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from .conftest import PASSWORD


def test_register_then_get_a_token(client: FlaskClient) -> None:
    response = client.post("/api/v1/users", json={"username": "bob", "password": "bobs secret"})
    assert response.status_code == 201
    created = response.get_json()
    # An id from the database's sequence, which a rolled-back test does not rewind.
    assert created == {"id": created["id"], "username": "bob"}
    assert isinstance(created["id"], int)
    response = client.post("/api/v1/tokens", auth=("bob", "bobs secret"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    me = client.get("/api/v1/users/me", headers=headers)
    assert me.get_json() == created


def test_register_refuses_a_taken_username(client: FlaskClient, user) -> None:
    response = client.post("/api/v1/users", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 409
    assert response.get_json()["detail"] == "This username is taken."


def test_register_validates(client: FlaskClient) -> None:
    response = client.post("/api/v1/users", json={"username": "", "password": "short"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert set(errors) == {"username", "password"}


def test_token_needs_the_right_password(client: FlaskClient, user) -> None:
    response = client.post("/api/v1/tokens", auth=("alice", "wrong"))
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic YWxpY2U6eA=="])
def test_the_api_needs_a_valid_token(client: FlaskClient, user, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_refused(api: FlaskClient, app: Flask) -> None:
    app.config["API_TOKEN_MAX_AGE"] = -1
    assert api.get("/api/v1/users/me").status_code == 401
