"""The todos' JSON API: CRUD, validation, pagination, attachments, bad input."""

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.todos.models import Todo
from {{ cookiecutter.project_slug }}.users.models import create_user

from .conftest import create_todo

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, detail: str) -> None:
    """``response`` is Problem Details with ``status`` and a ``detail`` starting so."""
    assert (response.status_code, response.mimetype) == (status, PROBLEM), response.data
    assert response.get_json()["detail"].startswith(detail), response.get_json()


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


def test_a_boolean_must_be_a_json_boolean(api: FlaskClient) -> None:
    response = api.post("/api/v1/todos", json={"title": "x", "done": 1})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"done": ["Not a valid boolean."]}


@pytest.mark.parametrize("todo_id", ["2147483648", "99999999999999999999", "0", "-1", "1e3"])
def test_ids_the_database_cannot_hold_are_404(api: FlaskClient, todo_id: str) -> None:
    response = api.get(f"/api/v1/todos/{todo_id}")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM


def test_a_page_start_out_of_range_is_422(api: FlaskClient) -> None:
    response = api.get("/api/v1/todos?after=99999999999999999999")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["after"]


def test_nul_in_a_title_is_422(api: FlaskClient) -> None:
    response = api.post("/api/v1/todos", json={"title": "a\x00b"})
    assert_problem(response, 422, "A value cannot be stored: text must not contain NUL")


def test_an_upload_type_longer_than_its_column_is_422(api: FlaskClient) -> None:
    todo = create_todo(api)
    upload = (io.BytesIO(b"data"), "a.txt", "text/" + "x" * 200)
    response = api.put(f"/api/v1/todos/{todo['id']}/attachment", data={"file": upload})
    assert_problem(response, 422, "A value cannot be stored: text must be at most 127")


def test_the_service_keeps_working_after_a_refused_value(api: FlaskClient) -> None:
    api.post("/api/v1/todos", json={"title": "a\x00b"})
    assert create_todo(api, "Fine")["title"] == "Fine"


def test_path_ids_are_bounded_in_the_document(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    (parameter,) = document["paths"]["/api/v1/todos/{todo_id}"]["parameters"]
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_a_missing_body_is_400(api: FlaskClient, method: str) -> None:
    url = f"/api/v1/todos/{create_todo(api)['id']}"
    response = api.open(url, method=method, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["detail"].startswith("The request needs a JSON body")
