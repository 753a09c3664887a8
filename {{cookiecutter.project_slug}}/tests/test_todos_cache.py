"""The cached todo counts: served from the cache, forgotten on every change."""

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.todos.models import Todo


def test_counts_come_from_the_cache_until_a_change(api: FlaskClient, app: Flask, user) -> None:
    assert api.get("/api/v1/todos/summary").get_json() == {"total": 0, "done": 0, "open": 0}

    # A Core insert bypasses the ORM events that forget the counts: still cached.
    with app.app_context():
        db.session.execute(insert(Todo).values(user_id=user.id, title="behind the cache's back"))
        db.session.commit()
    assert api.get("/api/v1/todos/summary").get_json()["total"] == 0

    # A change through the ORM forgets them.
    api.post("/api/v1/todos", json={"title": "through the API", "done": True})
    assert api.get("/api/v1/todos/summary").get_json() == {"total": 2, "done": 1, "open": 1}
