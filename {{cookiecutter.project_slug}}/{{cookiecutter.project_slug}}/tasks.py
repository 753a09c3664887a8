"""Celery tasks. Declared with ``@shared_task``: they run in an app context (see
``extensions.celery_init_app``), in the worker or eagerly in tests."""

from celery import shared_task
from sqlalchemy import select

from .extensions import db
from .models import Todo


@shared_task(ignore_result=False)
def purge_completed_todos(user_id: int) -> int:
    """Delete the done todos of one user, with their attachments.

    :param user_id: the owner whose completed todos go.
    :returns: how many todos were deleted.
    """
    todos = db.session.scalars(select(Todo).where(Todo.user_id == user_id, Todo.done)).all()
    for todo in todos:
        db.session.delete(todo)
    db.session.commit()
    return len(todos)
