"""Celery settings and wiring: the factory's ``init_app`` (the Celery app, and 503 when
a task cannot be sent), tasks in an application context (Flask's "Background Tasks with
Celery"), and the request ID carried into a task's log lines."""

import os
from collections.abc import Mapping
from typing import Any

import redis
from celery import Celery, Task
from celery.result import AsyncResult
from celery.signals import before_task_publish, task_postrun, task_prerun
from flask import Flask, current_app, has_app_context
from flask.typing import ResponseReturnValue
from kombu.exceptions import OperationalError

from . import task_metrics
from .errors import service_unavailable
from .logs import log_fields

#: Celery settings that run tasks in-process, at once (no broker needed).
EAGER_CELERY: dict[str, Any] = {
    "broker_url": "memory://",
    "result_backend": "cache+memory://",
    "task_always_eager": True,
    "task_eager_propagates": True,
    "task_store_eager_result": True,
}

#: Publishing to a broker that does not answer is retried once, at once: two connect waits.
PUBLISH_RETRY_POLICY: dict[str, float] = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
#: Subscribing to a result on a Redis that does not answer: no retry (Celery's default: 20).
RESULT_BACKEND_RETRY_POLICY: dict[str, float] = {"max_retries": 0}


def celery_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """Celery settings: Redis at ``REDIS_URL`` of ``config`` by default, eager in-process
    without it."""
    redis_url = config["REDIS_URL"]
    if not redis_url:
        return EAGER_CELERY
    return {
        "broker_url": os.environ.get("CELERY_BROKER_URL", redis_url),
        "result_backend": os.environ.get("CELERY_RESULT_BACKEND", redis_url),
        # Named after the service, so that services sharing a broker keep their tasks.
        "task_default_queue": "{{ cookiecutter.project_slug }}",
        "broker_connection_retry_on_startup": True,
        # Bounded waits: with Redis down, starting a task fails fast (503, handle_broker_error).
        "broker_connection_timeout": config["CONNECT_TIMEOUT"],
        "broker_transport_options": {
            "socket_connect_timeout": config["CONNECT_TIMEOUT"],
            "socket_timeout": config["REDIS_SOCKET_TIMEOUT"],
        },
        "task_publish_retry_policy": PUBLISH_RETRY_POLICY,
        "redis_socket_connect_timeout": config["CONNECT_TIMEOUT"],
        "redis_socket_timeout": config["REDIS_SOCKET_TIMEOUT"],
        "result_backend_transport_options": {"retry_policy": RESULT_BACKEND_RETRY_POLICY},
        "beat_schedule": {
            "count-users": {
                "task": "{{ cookiecutter.project_slug }}.main.tasks.count_users",
                "schedule": 24 * 60 * 60,
            },
{%- if cookiecutter.example == "todos" %}
            "purge-old-completed-todos": {
                "task": "{{ cookiecutter.project_slug }}.todos.tasks.purge_old_completed_todos",
                "schedule": 24 * 60 * 60,
            },
{%- endif %}
        },
    }


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app of ``app`` (``app.extensions["celery"]``), the default one.

    Its settings are ``app.config["CELERY"]``, by default ``celery_settings``; the tests
    run tasks in-process, at once, re-raising their errors (``EAGER_CELERY``).
    """
    app.config.setdefault("CELERY", EAGER_CELERY if app.testing else celery_settings(app.config))

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


def init_app(app: Flask) -> None:
    """Give ``app`` its Celery app, and answer 503 when a task cannot be sent."""
    celery_init_app(app)
    app.register_error_handler(OperationalError, handle_broker_error)


def handle_broker_error(error: OperationalError) -> ResponseReturnValue:
    """503 when a task cannot be sent: the broker or its result backend is down."""
    current_app.logger.warning("Task broker unavailable: %s", error)
    return service_unavailable("The task queue is unavailable; try again later.")


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
