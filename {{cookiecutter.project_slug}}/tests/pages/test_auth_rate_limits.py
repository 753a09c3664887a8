"""Brute-force protection of the pages: past the limits, logging in and registering get
the 429 page, which says how long to wait."""

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ..conftest import PASSWORD
from .conftest import csrf_token


def assert_wait_page(response: TestResponse) -> None:
    """``response`` is the 429 HTML page, saying how long to wait, as ``Retry-After``."""
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    seconds = int(response.headers["Retry-After"])
    assert 1 <= seconds <= 60
    html = response.get_data(as_text=True)
    assert "Too Many Requests" in html
    assert "Too many attempts from your address. Try again in " in html


def test_login_past_the_limit_gets_the_wait_page(
    limited: Flask, client: FlaskClient, user
) -> None:
    form = {"username": "alice", "password": "wrong password", "csrf_token": csrf_token(client)}
    for _ in range(2):
        assert client.post("/auth/login", data=form).status_code == 200
    assert_wait_page(client.post("/auth/login", data={**form, "password": PASSWORD}))
    # Only the attempts are counted: the form itself still shows.
    assert client.get("/auth/login").status_code == 200


def test_registering_past_the_limit_gets_the_wait_page(
    limited: Flask, client: FlaskClient
) -> None:
    token = csrf_token(client, "/auth/register")

    def register(username: str) -> TestResponse:
        form = {"username": username, "password": PASSWORD, "confirm": PASSWORD}
        return client.post("/auth/register", data={**form, "csrf_token": token})

    assert register("ada").status_code == 302
    assert register("grace").status_code == 302
    assert_wait_page(register("edsger"))


def test_pages_and_api_share_the_login_count(limited: Flask, client: FlaskClient, user) -> None:
    form = {"username": "alice", "password": "wrong password", "csrf_token": csrf_token(client)}
    assert client.post("/auth/login", data=form).status_code == 200
    assert client.post("/api/v1/tokens", auth=("alice", "wrong password")).status_code == 401
    assert client.post("/auth/login", data=form).status_code == 429
    assert client.post("/api/v1/tokens", auth=("alice", PASSWORD)).status_code == 429
