"""Background tasks of the todos, run by the Celery worker (eagerly in the tests)."""

import logging
from datetime import timedelta

from celery import shared_task
from flask import Flask, current_app
from sqlalchemy import select

from ..config import env_int
from ..core.database import utcnow
from ..extensions import db
from .models import Todo

logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Set the settings of the todos' tasks that ``app`` does not set itself."""
    # Days a completed todo is kept before the periodic purge deletes it.
    app.config.setdefault(
        "COMPLETED_TODO_RETENTION_DAYS", env_int("COMPLETED_TODO_RETENTION_DAYS", 30)
    )


def delete_todos(todos: list[Todo]) -> int:
    """Delete ``todos`` through the ORM, so that their change events fire, and commit."""
    for todo in todos:
        db.session.delete(todo)
    db.session.commit()
    logger.info("Deleted %d completed todos", len(todos))
    return len(todos)


@shared_task(ignore_result=False)
def purge_completed_todos(user_id: int) -> int:
    """Delete the done todos of one user; returns how many."""
    todos = db.session.scalars(select(Todo).where(Todo.user_id == user_id, Todo.done)).all()
    return delete_todos(list(todos))


@shared_task(ignore_result=False)
def purge_old_completed_todos() -> int:
    """Delete the todos done more than ``COMPLETED_TODO_RETENTION_DAYS`` ago (daily, beat)."""
    cutoff = utcnow() - timedelta(days=current_app.config["COMPLETED_TODO_RETENTION_DAYS"])
    todos = db.session.scalars(select(Todo).where(Todo.done, Todo.updated_at < cutoff)).all()
    return delete_todos(list(todos))
