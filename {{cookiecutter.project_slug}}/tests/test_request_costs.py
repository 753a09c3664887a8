"""What a request costs: the work an API call or a probe must not do (issue: throughput).

Each test watches one cost through a public hook (an ORM event, a spy on a method) and
fails when it comes back: a todo listing building ORM objects or counting in a statement
of its own, an API call building a schema, a request without a session cookie building
the session's signer or looking through every header for the cookie, a probe running
an extension's request functions, a route with no limit resolving rate limits, the
limiter reaching a request's state through werkzeug's proxy{% if cookiecutter.app_style == "full" %}, an API call or a probe reading
the session (Flask-Login's remember-me cookie){% endif %}.
"""

import io
from collections.abc import Callable

import flask_limiter._extension
import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient
from marshmallow import Schema
from sqlalchemy import event
from werkzeug.datastructures import EnvironHeaders
from werkzeug.test import EnvironBuilder, run_wsgi_app

from {{ cookiecutter.project_slug }}.extensions import db, limiter
from {{ cookiecutter.project_slug }}.models import Todo, User

from .conftest import create_todo


def spy(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[tuple]:
    """Replace the method ``name`` of ``owner`` by one that records its arguments in the
    returned list, then calls the original."""
    calls: list[tuple] = []
    original: Callable = getattr(owner, name)

    def recorded(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, recorded)
    return calls


def test_the_todo_list_builds_no_orm_objects(api: FlaskClient) -> None:
    create_todo(api, "plain")
    todo = create_todo(api, "with a file", done=True)
    url = f"/api/v1/todos/{todo['id']}/attachment"
    api.put(url, data={"file": (io.BytesIO(b"hello"), "notes.txt", "text/plain")})
    loaded = []

    def count(target: Todo, _context: object) -> None:
        loaded.append(target)

    event.listen(Todo, "load", count)
    try:
        body = api.get("/api/v1/todos").get_json()
    finally:
        event.remove(Todo, "load", count)
    assert loaded == []
    assert body["total"] == 2
    assert [(item["title"], item["done"]) for item in body["items"]] == [
        ("plain", False), ("with a file", True),
    ]  # fmt: skip
    assert body["items"][0]["attachment"] is None
    assert body["items"][1]["attachment"] == {
        "name": "notes.txt", "type": "text/plain", "size": 5, "url": url,
    }  # fmt: skip
    assert body["items"][1]["created_at"] == todo["created_at"]
    past = api.get("/api/v1/todos?page=3&per_page=1").get_json()
    assert past == {"items": [], "page": 3, "per_page": 1, "total": 2}


def test_an_api_call_builds_no_schema(monkeypatch: pytest.MonkeyPatch, api: FlaskClient) -> None:
    # The views' schemas are instances: given a class, webargs builds one per request.
    todo = create_todo(api, "one")
    built = spy(monkeypatch, Schema, "__init__")
    assert api.get("/api/v1/todos?page=1&per_page=5").status_code == 200
    assert api.post("/api/v1/todos", json={"title": "two"}).status_code == 201
    assert api.patch(f"/api/v1/todos/{todo['id']}", json={"done": True}).status_code == 200
    assert built == []


def test_a_page_of_todos_and_their_count_take_one_statement(api: FlaskClient, app: Flask) -> None:
    create_todo(api)
    statements = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("SELECT"):  # not the suite's savepoints
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        body = api.get("/api/v1/todos").get_json()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert body["total"] == 1
    # The token's user, then the page with its count.
    assert len(statements) == 2, statements


def test_a_request_without_a_session_cookie_builds_no_signer(
    monkeypatch: pytest.MonkeyPatch, api: FlaskClient
) -> None:
    signers = spy(monkeypatch, SecureCookieSessionInterface, "get_signing_serializer")
    assert api.get("/health").status_code == 200
    assert api.get("/api/v1/todos").status_code == 200
    assert signers == []
    assert "Set-Cookie" not in api.get("/api/v1/todos").headers


def test_a_request_without_cookies_looks_through_no_headers(
    monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    # Finding that a probe sent no session cookie costs a dict lookup; werkzeug's
    # request.cookies would look through every header of the environ for it. The app is
    # called as a server would: the test client looks through the headers itself.
    environ = EnvironBuilder("/health").get_environ()
    walks = spy(monkeypatch, EnvironHeaders, "__iter__")
    _body, status, _headers = run_wsgi_app(app, environ, buffered=True)
    assert status == "200 OK"
    assert walks == []


def test_a_session_left_empty_is_answered_as_flask_would(client: FlaskClient) -> None:
{%- if cookiecutter.app_style == "full" %}
    # The home page read the (empty) session for its user: Flask says that the answer
    # varies with the cookie, and sends none.
    response = client.get("/")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Vary"] == "Cookie"
{%- endif %}
    response = client.get("/health")
    assert "Set-Cookie" not in response.headers
    assert "Vary" not in response.headers
{%- if cookiecutter.app_style == "full" %}


def test_api_calls_and_probes_leave_the_remember_me_cookie_alone(
    logged_in: FlaskClient, token: str
) -> None:
    # Flask-Login's hook runs for the pages only (PAGE_BLUEPRINTS): with the cookie
    # renewed on every request, a page renews it, an API call or a probe does not.
    logged_in.application.config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"] = True
    cookies = logged_in.get("/todos/").headers.getlist("Set-Cookie")
    assert any(cookie.startswith("remember_token=") for cookie in cookies)
    probe = logged_in.get("/health")
    call = logged_in.get("/api/v1/todos", headers={"Authorization": f"Bearer {token}"})
    for response in (probe, call):
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert "Vary" not in response.headers
{%- endif %}


def test_a_probe_runs_no_request_function_of_an_extension(
    monkeypatch: pytest.MonkeyPatch, app: Flask, client: FlaskClient
) -> None:
    # Flask calls each request function, and the view, through ensure_sync. A probe runs
{%- if cookiecutter.app_style == "full" %}
    # none of the limiter's, Flask-Login's or CSRFProtect's (request_functions_for): only
{%- else %}
    # none of the limiter's (request_functions_for): only
{%- endif %}
    # Flask-SQLAlchemy's, which ends the app context's session{{ "," if cookiecutter.use_cors else "." }}
{%- if cookiecutter.use_cors %}
    # and Flask-CORS's, which answers every response so that a browser can read the API's
    # 404s and 405s too.
{%- endif %}
    ran = spy(monkeypatch, app, "ensure_sync")
    assert client.get("/health").status_code == 200
    assert [function.__qualname__ for function, in ran] == [
        "health",
{%- if cookiecutter.use_cors %}
        "make_after_request_function.<locals>.cors_after_request",
{%- endif %}
        "SQLAlchemy._teardown_session",
    ]
    ran.clear()
    assert client.post("/api/v1/tokens", auth=("alice", "wrong password")).status_code == 401
    assert len(ran) > 1


def test_only_limited_routes_resolve_rate_limits(
    monkeypatch: pytest.MonkeyPatch, client: FlaskClient, user: User
) -> None:
    resolved = spy(monkeypatch, limiter.limit_manager, "resolve_limits")
    assert client.get("/health").status_code == 200
    assert resolved == []
    response = client.post("/api/v1/tokens", auth=("alice", "wrong password"))
    assert response.status_code == 401
    assert len(resolved) == 1
    assert "X-RateLimit-Limit" in response.headers


def test_the_limiter_reaches_its_request_state_without_the_proxy(
    monkeypatch: pytest.MonkeyPatch, limited: Flask, user: User
) -> None:
    # Flask-Limiter's own context property takes werkzeug's proxy of the request context
    # (request_context()) and reads through it two or three times a call, three calls a
    # request. The limited route's headers show that the state is still kept and read.
    client = limited.test_client()
    lookups = spy(monkeypatch, flask_limiter._extension, "request_context")
    assert client.get("/health").status_code == 200
    for remaining in ("1", "0"):
        response = client.post("/api/v1/tokens", auth=("alice", "wrong password"))
        assert response.status_code == 401
        assert response.headers["X-RateLimit-Remaining"] == remaining
    assert client.post("/api/v1/tokens", auth=("alice", "wrong password")).status_code == 429
    assert lookups == []
