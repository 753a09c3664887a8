"""The Celery tasks, run eagerly."""

from flask import Flask

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.models import Todo, create_user
from {{ cookiecutter.project_slug }}.tasks import purge_completed_todos


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

    with app.app_context():
        titles = set(db.session.scalars(db.select(Todo.title)))
    assert titles == {"a open", "b done"}
