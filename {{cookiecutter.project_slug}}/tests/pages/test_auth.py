"""Registering, logging in and out through the pages."""

from collections.abc import Callable

import pytest
from flask import Flask, Response, request_finished, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.users.models import PASSWORD_MIN, User

from ..conftest import PASSWORD
from .conftest import csrf_token

#: Where a user lands after logging in.
HOME = "{{ "/todos/" if cookiecutter.example == "todos" else "/" }}"


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


def test_page_lines_carry_the_logged_in_users_id(
    logged_in: FlaskClient, user: User, app: Flask, json_log: Callable[[], list[dict]]
) -> None:
    def probe(sender: Flask, response: Response, **_: object) -> None:
        sender.logger.info("Probe")  # a line logged while the request is served

    with request_finished.connected_to(probe, app):
        logged_in.get(HOME)
    (line,) = [line for line in json_log() if line["message"] == "Probe"]
    assert (line["path"], line["user_id"]) == (HOME, user.id)


def test_register_logs_the_new_user_in(client: FlaskClient, app: Flask) -> None:
    response = register(client, "bob", "long enough secret")
    assert (response.status_code, response.headers["Location"]) == (302, HOME)
    page = client.get(HOME)
    assert page.status_code == 200
    assert "Welcome, bob!" in page.get_data(as_text=True)
    assert "Log out" in page.get_data(as_text=True)


def test_register_stores_a_password_hash(client: FlaskClient, app: Flask) -> None:
    assert register(client, "bob", "long enough secret").status_code == 302
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
    assert b"The two passwords differ." in register(client, "bob", "long enough", "other").data


def test_register_page_hints_the_password_length_and_links_to_log_in(client: FlaskClient) -> None:
    page = client.get("/auth/register").get_data(as_text=True)
    assert f'minlength="{PASSWORD_MIN}"' in page
    assert f'<small class="hint" id="password-hint">At least {PASSWORD_MIN} characters.' in page
    assert 'aria-describedby="password-hint"' in page
    assert 'Already have an account? <a href="/auth/login">Log in</a>' in page
    assert '<a href="/auth/register">Register</a>' in client.get("/auth/login").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("token", "referrer", "back_to"),
    [
        ("missing", "http://localhost/auth/register", "http://localhost/auth/register"),
        ("expired", None, "/auth/register"),
        ("missing", "https://evil.example/auth/register", "/auth/register"),
    ],
)
def test_a_form_failing_its_csrf_check_goes_back_to_the_form(
    client: FlaskClient, app: Flask, token: str, referrer: str | None, back_to: str
) -> None:
    data = {"username": "bob", "password": "x" * 10, "confirm": "x" * 10}
    if token == "expired":
        data["csrf_token"] = csrf_token(client, "/auth/register")
        app.config["WTF_CSRF_TIME_LIMIT"] = -1  # any token is older than that
    headers = {"Referer": referrer} if referrer else {}
    response = client.post("/auth/register", data=data, headers=headers)
    assert (response.status_code, response.headers["Location"]) == (302, back_to)
    assert "The form expired; please try again." in client.get(back_to).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.username == "bob")) is None


def test_a_post_only_form_failing_its_csrf_check_goes_home(logged_in: FlaskClient) -> None:
    response = logged_in.post("/auth/logout")
    assert (response.status_code, response.headers["Location"]) == (302, "/")
    assert "Log out" in logged_in.get("/").get_data(as_text=True)


def test_a_json_client_failing_the_csrf_check_gets_problem_details(client: FlaskClient) -> None:
    response = client.post("/auth/register", headers={"Accept": "application/json"})
    assert (response.status_code, response.mimetype) == (400, "application/problem+json")
    assert "CSRF" in response.get_json()["detail"]


def test_every_page_that_changes_something_checks_the_csrf_token(
    logged_in: FlaskClient, app: Flask
) -> None:
    # Every unsafe method of every route outside the API (bearer tokens, no cookies).
    unsafe = {"POST", "PUT", "PATCH", "DELETE"}
    with app.test_request_context():
        checked = [
            (method, url_for(rule.endpoint, **dict.fromkeys(rule.arguments, 1)))
            for rule in app.url_map.iter_rules()
            if not rule.rule.startswith("/api/")
            for method in sorted(unsafe & (rule.methods or set()))
        ]
    assert ("POST", "/auth/logout") in checked
{%- if cookiecutter.example == "todos" %}
    assert ("POST", "/todos/1/delete") in checked
{%- endif %}
    for method, url in checked:
        response = logged_in.open(url, method=method, headers={"Accept": "application/json"})
        assert response.status_code == 400, (method, url)
        assert "CSRF" in response.get_json()["detail"], (method, url)


def test_login_and_logout(client: FlaskClient, user: User) -> None:
    token = csrf_token(client)
    response = client.post(
        "/auth/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == HOME
    assert b"alice" in client.get(HOME).data

    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client, HOME)})
    assert response.status_code == 302
    assert b"alice" not in client.get(HOME).data


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
    assert response.headers["Location"] == HOME
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, HOME)})
    data["csrf_token"] = csrf_token(client)
    response = client.post("/auth/login?next=/some/page?x=1", data=data)
    assert response.headers["Location"] == "/some/page?x=1"


def test_logging_out_needs_a_login(client: FlaskClient) -> None:
    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
{%- if cookiecutter.example == "todos" %}


def test_pages_need_a_login(client: FlaskClient) -> None:
    response = client.get("/todos/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")
{%- endif %}
