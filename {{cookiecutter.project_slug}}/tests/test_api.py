"""The JSON API: accounts, tokens, todo CRUD, attachments."""

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.todos.models import Todo
from {{ cookiecutter.project_slug }}.users.models import create_user

from .conftest import PASSWORD, create_todo


def test_register_then_get_a_token(client: FlaskClient) -> None:
    response = client.post("/api/v1/users", json={"username": "bob", "password": "bobs secret"})
    assert response.status_code == 201
    assert response.get_json() == {"id": 1, "username": "bob"}
    response = client.post("/api/v1/tokens", auth=("bob", "bobs secret"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/api/v1/todos", headers=headers).status_code == 200


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
def test_todos_need_a_valid_token(client: FlaskClient, user, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/todos", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_refused(api: FlaskClient, app: Flask) -> None:
    app.config["API_TOKEN_MAX_AGE"] = -1
    assert api.get("/api/v1/todos").status_code == 401


def test_crud(api: FlaskClient) -> None:
    todo = create_todo(api, "Write tests")
    assert todo["title"] == "Write tests"
    assert todo["done"] is False
    assert todo["attachment"] is None
    url = f"/api/v1/todos/{todo['id']}"

    assert api.get(url).get_json() == todo
    patched = api.patch(url, json={"done": True}).get_json()
    assert (patched["title"], patched["done"]) == ("Write tests", True)
    replaced = api.put(url, json={"title": "Write more tests"}).get_json()
    assert (replaced["title"], replaced["done"]) == ("Write more tests", False)
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_create_sets_location(api: FlaskClient) -> None:
    response = api.post("/api/v1/todos", json={"title": "Located"})
    assert response.headers["Location"] == f"/api/v1/todos/{response.get_json()['id']}"


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "title"), ({"title": ""}, "title"), ({"title": "x" * 201}, "title"),
     ({"title": "ok", "done": "maybe"}, "done"), ({"title": "ok", "owner": 2}, "owner")],
)  # fmt: skip
def test_create_validates(api: FlaskClient, body: dict, field: str) -> None:
    response = api.post("/api/v1/todos", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_list_is_paginated_and_private(api: FlaskClient, app: Flask) -> None:
    for n in range(3):
        create_todo(api, f"todo {n}")
    with app.app_context():
        bob = create_user("bob", "bobs password")
        db.session.add(Todo(user_id=bob.id, title="Bob's"))
        db.session.commit()
        bobs_id = db.session.scalar(db.select(Todo.id).where(Todo.user_id == bob.id))
    first = api.get("/api/v1/todos?per_page=2").get_json()
    assert [item["title"] for item in first["items"]] == ["todo 0", "todo 1"]
    assert "total" not in first
    last = api.get(first["next"]).get_json()
    assert [item["title"] for item in last["items"]] == ["todo 2"]
    assert last["next"] is None
    assert api.get("/api/v1/todos?total=true").get_json()["total"] == 3
    assert api.get(f"/api/v1/todos/{bobs_id}").status_code == 404
    assert api.delete(f"/api/v1/todos/{bobs_id}").status_code == 404
    assert api.get("/api/v1/todos?per_page=1000").status_code == 422


def test_attachment(api: FlaskClient) -> None:
    todo = create_todo(api, "With file")
    url = f"/api/v1/todos/{todo['id']}/attachment"
    assert api.get(url).status_code == 404
    response = api.put(url, data={"file": (io.BytesIO(b"hello, file"), "notes.txt", "text/plain")})
    assert response.status_code == 200
    assert response.get_json()["attachment"] == {
        "name": "notes.txt", "type": "text/plain", "size": 11, "url": url,
    }  # fmt: skip
    download = api.get(url)
    assert download.data == b"hello, file"
    assert download.mimetype == "text/plain"
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_attachment_needs_a_file(api: FlaskClient) -> None:
    todo = create_todo(api, "No file")
    response = api.put(f"/api/v1/todos/{todo['id']}/attachment", data={"other": "x"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"file": ["Missing data for required field."]}


def test_attachment_over_the_limit_is_413(api: FlaskClient, app: Flask) -> None:
    todo = create_todo(api, "Big file")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = api.put(
        f"/api/v1/todos/{todo['id']}/attachment", data={"file": (io.BytesIO(b"x" * 4096), "a.bin")}
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 413
