"""The todo pages' clear-completed button: it runs the purge in the worker, and answers a
503 page while the broker is down."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.todos.models import Todo

from ..conftest import closed_port
from ..test_tasks import send_tasks_to
from ..test_todos_tasks import titles
from .conftest import csrf_token


def test_clear_completed_button_runs_the_task(logged_in: FlaskClient, app: Flask) -> None:
    token = csrf_token(logged_in, "/todos/")
    for title in ("Done already", "Still open"):
        logged_in.post("/todos/", data={"title": title, "csrf_token": token})
    with app.app_context():
        first = db.session.scalar(db.select(Todo).where(Todo.title == "Done already"))
    logged_in.post(f"/todos/{first.id}/toggle", data={"csrf_token": token})
    response = logged_in.post("/todos/purge", data={"csrf_token": token})
    assert response.status_code == 302
    assert titles(app) == {"Still open"}


def test_the_clear_completed_button_is_a_503_page_when_the_broker_is_down(
    logged_in: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = csrf_token(logged_in, "/todos/")
    send_tasks_to(closed_port(), app, monkeypatch)
    response = logged_in.post("/todos/purge", data={"csrf_token": token})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert b"The task queue is unavailable" in response.data
