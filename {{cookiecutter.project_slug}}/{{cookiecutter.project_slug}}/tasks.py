"""Celery: the app factory's ``celery_init_app`` and the tasks.

Tasks are declared with ``@shared_task`` and run inside a Flask application context,
the pattern of Flask's "Background Tasks with Celery" guide; they run in the worker, or
eagerly in tests.

A task started while a request is served carries that request's ID in a message header,
``request_id``, and its log lines carry it as ``request_id`` (logs.py), with ``task`` and
``task_id``.
"""

import logging
from datetime import timedelta
from typing import Any

import redis
from celery import Celery, Task, shared_task
from celery.result import AsyncResult
from celery.signals import before_task_publish, task_postrun, task_prerun
from flask import Flask, current_app, has_app_context
from kombu.exceptions import OperationalError
from sqlalchemy import select

from . import task_metrics
from .extensions import db
from .logs import log_fields
from .models import Todo, utcnow

logger = logging.getLogger(__name__)


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for ``app`` and store it in ``app.extensions["celery"]``;
    connect the task metrics (``task_metrics``) to Celery's signals.

    :param app: the Flask app; its ``CELERY`` config key holds Celery's settings.
    :returns: the Celery app, also set as the default one.
    """

    class FlaskTask(Task):
        """A task that runs inside an application context of ``app``.

        In the worker it pushes one of its own. Run eagerly or called directly while
        ``app``'s context is active (a request that starts it, a test), it runs in that
        context, as a plain function call would, sharing its database session.
        """

        def __call__(self, *args: object, **kwargs: object) -> object:
            if has_app_context() and current_app._get_current_object() is app:
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

        def apply_async(self, *args: Any, **kwargs: Any) -> AsyncResult:
            """Send the task, as Celery does.

            :raises kombu.exceptions.OperationalError: when the broker or the result
                backend cannot be reached (errors.py answers 503). Celery's Redis result
                backend reports a failed subscription to the task's result as a
                ``RuntimeError`` caused by a Redis connection error or timeout; it becomes
                this one.
            """
            try:
                return super().apply_async(*args, **kwargs)
            except RuntimeError as error:
                if isinstance(error.__cause__, (redis.ConnectionError, redis.TimeoutError)):
                    raise OperationalError(str(error.__cause__)) from error
                raise

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    task_metrics.connect()
    app.extensions["celery"] = celery_app
    return celery_app


@before_task_publish.connect
def send_request_id(headers: dict[str, Any], **_: object) -> None:
    """Put the current request's ID in the headers of a task message it sends."""
    if fields := log_fields.get():
        headers.setdefault("request_id", fields["request_id"])


@task_prerun.connect
def bind_task_fields(task: Task, task_id: str, **_: object) -> None:
    """Log the task's lines with its name, id and the ID of the request that sent it: the
    message's ``request_id`` header in the worker, the running request's when the task
    runs eagerly (no message)."""
    current = log_fields.get() or {}
    request_id = getattr(task.request, "request_id", None) or current.get("request_id")
    fields = {"task": task.name, "task_id": task_id}
    task.request.log_fields_token = log_fields.set(
        {**fields, "request_id": request_id} if request_id else fields
    )


@task_postrun.connect
def unbind_task_fields(task: Task, **_: object) -> None:
    """Restore the log fields of before the task."""
    if token := getattr(task.request, "log_fields_token", None):
        log_fields.reset(token)


def delete_todos(todos: list[Todo]) -> int:
    """Delete ``todos`` through the ORM (so their change events fire) and commit.

    :returns: how many were deleted.
    """
    for todo in todos:
        db.session.delete(todo)
    db.session.commit()
    logger.info("Deleted %d completed todos", len(todos))
    return len(todos)


@shared_task(ignore_result=False)
def purge_completed_todos(user_id: int) -> int:
    """Delete the done todos of one user, with their attachments.

    :param user_id: the owner whose completed todos go.
    :returns: how many todos were deleted.
    """
    todos = db.session.scalars(select(Todo).where(Todo.user_id == user_id, Todo.done)).all()
    return delete_todos(list(todos))


@shared_task(ignore_result=False)
def purge_old_completed_todos() -> int:
    """Delete every todo completed (last updated) more than ``COMPLETED_TODO_RETENTION_DAYS``
    days ago. Run once a day by ``celery beat`` (see ``Config.CELERY``).

    :returns: how many todos were deleted.
    """
    cutoff = utcnow() - timedelta(days=current_app.config["COMPLETED_TODO_RETENTION_DAYS"])
    todos = db.session.scalars(select(Todo).where(Todo.done, Todo.updated_at < cutoff)).all()
    return delete_todos(list(todos))
