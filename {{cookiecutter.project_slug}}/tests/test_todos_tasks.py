"""The todos' Celery tasks, run eagerly, and the endpoints that start them."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from {{ cookiecutter.project_slug }}.config import Config
from {{ cookiecutter.project_slug }}.core.database import utcnow
from {{ cookiecutter.project_slug }}.core.tasks import celery_settings
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.todos.models import Todo
from {{ cookiecutter.project_slug }}.todos.tasks import (
    purge_completed_todos,
    purge_old_completed_todos,
)
from {{ cookiecutter.project_slug }}.users.models import create_user


def titles(app: Flask) -> set[str]:
    """The titles of every todo in the database."""
    with app.app_context():
        return set(db.session.scalars(db.select(Todo.title)))


def test_purge_deletes_only_the_users_completed_todos(app: Flask) -> None:
    with app.app_context():
        alice = create_user("alice", "alices password")
        bob = create_user("bob", "bobs password")
        db.session.add_all(
            [
                Todo(user_id=alice.id, title="a done", done=True),
                Todo(user_id=alice.id, title="a open"),
                Todo(user_id=bob.id, title="b done", done=True),
            ]
        )
        db.session.commit()
        alice_id = alice.id

    assert purge_completed_todos.delay(alice_id).get(timeout=10) == 1
    assert titles(app) == {"a open", "b done"}


def test_periodic_purge_deletes_old_completed_todos(app: Flask) -> None:
    with app.app_context():
        alice = create_user("alice", "alices password")
        db.session.add_all(
            [
                Todo(user_id=alice.id, title="done long ago", done=True),
                Todo(user_id=alice.id, title="done today", done=True),
                Todo(user_id=alice.id, title="open long ago"),
            ]
        )
        db.session.commit()
        old = utcnow() - timedelta(days=app.config["COMPLETED_TODO_RETENTION_DAYS"] + 1)
        db.session.execute(update(Todo).where(Todo.title.like("%long ago")).values(updated_at=old))
        db.session.commit()

    assert purge_old_completed_todos.delay().get(timeout=10) == 1
    assert titles(app) == {"done today", "open long ago"}


def test_beat_runs_the_periodic_purge_daily(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://localhost:6379/0")
    schedule = celery_settings(vars(Config()))["beat_schedule"]["purge-old-completed-todos"]
    assert schedule["task"] == purge_old_completed_todos.name
    assert schedule["schedule"] == 24 * 60 * 60


def test_purge_endpoint_starts_the_task_and_reports_its_state(
    api: FlaskClient, app: Flask
) -> None:
    for title, done in [("done 1", True), ("done 2", True), ("open", False)]:
        api.post("/api/v1/todos", json={"title": title, "done": done})
    response = api.post("/api/v1/todos/purge")
    assert response.status_code == 202
    status_url = response.get_json()["status_url"]
    assert response.headers["Location"] == status_url
    state = api.get(status_url).get_json()
    assert state["state"] == "SUCCESS"
    assert state["result"] == 2
    assert titles(app) == {"open"}


def test_task_lines_carry_the_id_of_the_request_that_started_it(
    api: FlaskClient, json_log: Callable[[], list[dict]]
) -> None:
    api.post("/api/v1/todos", json={"title": "done", "done": True})
    response = api.post("/api/v1/todos/purge", headers={"X-Request-ID": "purge-request-1"})
    assert response.status_code == 202
    (line,) = [line for line in json_log() if line["message"] == "Deleted 1 completed todos"]
    assert line["logger"] == "{{ cookiecutter.project_slug }}.todos.tasks"
    assert line["request_id"] == "purge-request-1"
    assert line["task"] == purge_completed_todos.name
    assert line["task_id"] == response.get_json()["task_id"]
