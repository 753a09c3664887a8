"""Registering, logging in and out through the pages."""

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import User

from .conftest import PASSWORD, csrf_token


def register(client: FlaskClient, username: str, password: str, confirm: str | None = None):
    """Post the registration form."""
    return client.post(
        "/auth/register",
        data={
            "username": username,
            "password": password,
            "confirm": password if confirm is None else confirm,
            "csrf_token": csrf_token(client, "/auth/register"),
        },
    )


def test_register_stores_a_password_hash(client: FlaskClient, app: Flask) -> None:
    response = register(client, "bob", "long enough secret")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    with app.app_context():
        bob = db.session.scalar(select(User).where(User.username == "bob"))
        assert bob.password_hash != "long enough secret"
        assert bob.check_password("long enough secret")
        assert not bob.check_password("wrong")


def test_register_refuses_a_taken_username(client: FlaskClient, user: User) -> None:
    response = register(client, "alice", "another password")
    assert response.status_code == 200
    assert b"This username is taken." in response.data


def test_register_validates_the_form(client: FlaskClient) -> None:
    assert b"at least 8 characters" in register(client, "bob", "short").data
    assert b"must be equal to password" in register(client, "bob", "long enough", "other").data


def test_post_without_csrf_token_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/auth/register", data={"username": "bob", "password": "x" * 10, "confirm": "x" * 10}
    )
    assert response.status_code == 400
    assert b"CSRF" in response.data


def test_login_and_logout(client: FlaskClient, user: User) -> None:
    token = csrf_token(client)
    response = client.post(
        "/auth/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/todos/"
    assert b"alice" in client.get("/todos/").data

    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/todos/")})
    assert response.status_code == 302
    assert client.get("/todos/").status_code == 302


def test_login_refuses_a_wrong_password(client: FlaskClient, user: User) -> None:
    response = client.post(
        "/auth/login",
        data={"username": "alice", "password": "wrong", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 200
    assert b"Incorrect username or password." in response.data


def test_login_follows_only_local_next(client: FlaskClient, user: User) -> None:
    data = {"username": "alice", "password": PASSWORD, "csrf_token": csrf_token(client)}
    response = client.post("/auth/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/todos/"
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/todos/")})
    data["csrf_token"] = csrf_token(client)
    response = client.post("/auth/login?next=/todos/1/edit", data=data)
    assert response.headers["Location"] == "/todos/1/edit"


def test_pages_need_a_login(client: FlaskClient) -> None:
    response = client.get("/todos/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
