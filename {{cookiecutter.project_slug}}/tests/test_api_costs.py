"""What an API call must not do: build ORM objects or schemas for a todo list, count the
list unasked, or page through it without its index."""

import io
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from marshmallow import Schema
from sqlalchemy import event, inspect

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.todos.models import Todo

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
    assert [(item["title"], item["done"]) for item in body["items"]] == [
        ("plain", False), ("with a file", True),
    ]  # fmt: skip
    assert body["items"][0]["attachment"] is None
    assert body["items"][1]["attachment"] == {
        "name": "notes.txt", "type": "text/plain", "size": 5, "url": url,
    }  # fmt: skip
    assert body["items"][1]["created_at"] == todo["created_at"]
    past = api.get(f"/api/v1/todos?after={todo['id']}&per_page=1").get_json()
    assert past == {"items": [], "per_page": 1, "next": None}


def test_the_todo_list_shows_each_todo_as_its_schema_dumps_it(api: FlaskClient) -> None:
    # The list sends its rows without TodoSchema's dump (todo_json): they must not drift.
    create_todo(api, "plain")
    todo = create_todo(api, "with a file", done=True)
    url = f"/api/v1/todos/{todo['id']}/attachment"
    api.put(url, data={"file": (io.BytesIO(b"hello"), "notes.txt", "text/plain")})
    items = api.get("/api/v1/todos").get_json()["items"]
    assert items == [api.get(f"/api/v1/todos/{item['id']}").get_json() for item in items]
    assert items[1]["attachment"]["url"] == url


def test_an_api_call_builds_no_schema(monkeypatch: pytest.MonkeyPatch, api: FlaskClient) -> None:
    # The views' schemas are instances: given a class, webargs builds one per request.
    todo = create_todo(api, "one")
    built = spy(monkeypatch, Schema, "__init__")
    assert api.get("/api/v1/todos?per_page=5&total=true").status_code == 200
    assert api.post("/api/v1/todos", json={"title": "two"}).status_code == 201
    assert api.patch(f"/api/v1/todos/{todo['id']}", json={"done": True}).status_code == 200
    assert built == []


def test_a_page_of_todos_takes_one_statement_and_its_count_one_more(
    api: FlaskClient, app: Flask
) -> None:
    create_todo(api)
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.startswith("SELECT"):  # not the suite's savepoints
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        body = api.get("/api/v1/todos").get_json()
        # The token's user, then the page.
        assert len(statements) == 2, statements
        assert api.get("/api/v1/todos?total=true").get_json()["total"] == 1
        assert len(statements) == 5, statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(body["items"]) == 1


def test_a_page_of_todos_is_a_range_of_an_index(app: Flask) -> None:
    # Without it a page sorts all of the user's todos: 20 times slower at 100,000.
    with app.app_context():
        indexes = inspect(db.engine).get_indexes("todos")
    assert ["user_id", "id"] in [index["column_names"] for index in indexes]
