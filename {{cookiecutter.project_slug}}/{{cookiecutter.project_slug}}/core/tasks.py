"""Celery wiring: the factory's ``celery_init_app``, tasks in an application context (Flask's
"Background Tasks with Celery"), and the request ID carried into a task's log lines."""

from typing import Any

import redis
from celery import Celery, Task
from celery.result import AsyncResult
from celery.signals import before_task_publish, task_postrun, task_prerun
from flask import Flask, current_app, has_app_context
from kombu.exceptions import OperationalError

from . import task_metrics
from .logs import log_fields


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app of ``app`` (``app.extensions["celery"]``), the default one."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            # Run eagerly (the tests) within a request of app, the task shares its session.
            if has_app_context() and current_app == app:
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

        def apply_async(self, *args: Any, **kwargs: Any) -> AsyncResult:
            """Send the task.

            :raises kombu.exceptions.OperationalError: when the broker or the result
                backend cannot be reached (answered with 503).
            """
            try:
                return super().apply_async(*args, **kwargs)
            except RuntimeError as error:
                # Celery's Redis result backend reports a failed subscription so.
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
def send_request_id(headers: dict[str, Any], **kwargs: object) -> None:
    """Put the current request's ID in the headers of a task message it sends."""
    if fields := log_fields.get():
        headers.setdefault("request_id", fields["request_id"])


@task_prerun.connect
def bind_task_fields(task: Task, task_id: str, **kwargs: object) -> None:
    """Log the task's lines with its name, id and the ID of the request that sent it."""
    current = log_fields.get() or {}
    # The message's header in the worker; the running request's when run eagerly.
    request_id = getattr(task.request, "request_id", None) or current.get("request_id")
    fields = {"task": task.name, "task_id": task_id}
    task.request.log_fields_token = log_fields.set(
        {**fields, "request_id": request_id} if request_id else fields
    )


@task_postrun.connect
def unbind_task_fields(task: Task, **kwargs: object) -> None:
    """Restore the log fields of before the task."""
    if token := getattr(task.request, "log_fields_token", None):
        log_fields.reset(token)
