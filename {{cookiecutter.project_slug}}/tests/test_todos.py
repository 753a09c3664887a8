"""The todo pages: list, add with an attachment, edit, toggle, delete."""

import io

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import Todo, create_user

from .conftest import csrf_token


def add(client: FlaskClient, title: str, attachment: tuple[bytes, str] | None = None):
    """Post the add-todo form, optionally with a file (content, name)."""
    data = {"title": title, "csrf_token": csrf_token(client, "/todos/")}
    if attachment:
        data["attachment"] = (io.BytesIO(attachment[0]), attachment[1])
    return client.post("/todos/", data=data, content_type="multipart/form-data")


def todos(app: Flask) -> list[Todo]:
    """Every todo in the database, by id."""
    with app.app_context():
        return list(db.session.scalars(select(Todo).order_by(Todo.id)))


def test_add_and_list(logged_in: FlaskClient, app: Flask) -> None:
    response = add(logged_in, "Buy milk")
    assert response.status_code == 302
    page = logged_in.get("/todos/").get_data(as_text=True)
    assert "Buy milk" in page
    assert "1 open · 0 done" in page


def test_add_validates_the_title(logged_in: FlaskClient, app: Flask) -> None:
    response = add(logged_in, "")
    assert response.status_code == 200
    assert b"This field is required." in response.data
    assert todos(app) == []


def test_a_title_the_database_cannot_store_gets_the_422_page(logged_in: FlaskClient) -> None:
    response = add(logged_in, "a\x00b")
    assert (response.status_code, response.mimetype) == (422, "text/html")
    assert b"text must not contain NUL" in response.data


def test_attachment_round_trip(logged_in: FlaskClient, app: Flask) -> None:
    add(logged_in, "Read report", (b"%PDF-1.7 fake report", "../report 2026.pdf"))
    [todo] = todos(app)
    assert todo.attachment_name == "report_2026.pdf"
    assert todo.attachment_size == len(b"%PDF-1.7 fake report")
    response = logged_in.get(f"/todos/{todo.id}/attachment")
    assert response.status_code == 200
    assert response.data == b"%PDF-1.7 fake report"
    assert "attachment; filename=report_2026.pdf" in response.headers["Content-Disposition"]


def test_upload_over_the_limit_is_413(logged_in: FlaskClient, app: Flask) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = add(logged_in, "Too big", (b"x" * 2048, "big.bin"))
    assert response.status_code == 413
    assert b"413" in response.data
    assert todos(app) == []


def test_edit_toggle_delete(logged_in: FlaskClient, app: Flask) -> None:
    add(logged_in, "Draft")
    [todo] = todos(app)
    token = csrf_token(logged_in, "/todos/")
    response = logged_in.post(
        f"/todos/{todo.id}/edit", data={"title": "Final", "done": "y", "csrf_token": token}
    )
    assert response.status_code == 302
    [todo] = todos(app)
    assert (todo.title, todo.done) == ("Final", True)

    logged_in.post(f"/todos/{todo.id}/toggle", data={"csrf_token": token})
    assert todos(app)[0].done is False

    logged_in.post(f"/todos/{todo.id}/delete", data={"csrf_token": token})
    assert todos(app) == []


def test_other_users_todos_are_404(logged_in: FlaskClient, app: Flask) -> None:
    with app.app_context():
        bob = create_user("bob", "bobs password")
        db.session.add(Todo(user_id=bob.id, title="Bob's secret"))
        db.session.commit()
    [todo] = todos(app)
    assert "Bob's secret" not in logged_in.get("/todos/").get_data(as_text=True)
    assert logged_in.get(f"/todos/{todo.id}/edit").status_code == 404
    assert logged_in.get(f"/todos/{todo.id}/attachment").status_code == 404
    token = csrf_token(logged_in, "/todos/")
    response = logged_in.post(f"/todos/{todo.id}/delete", data={"csrf_token": token})
    assert response.status_code == 404
    assert len(todos(app)) == 1
