"""Prometheus metrics of the Celery tasks: counted and timed by task name and state, from
Celery's signals (here with tasks run eagerly, in this process)."""

from collections.abc import Callable

import pytest
from flask import Flask
from prometheus_client import REGISTRY

from {{ cookiecutter.project_slug }}.todos import tasks
from {{ cookiecutter.project_slug }}.todos.tasks import purge_completed_todos
from {{ cookiecutter.project_slug }}.users.models import create_user

TASK = "{{ cookiecutter.project_slug }}.todos.tasks.purge_completed_todos"


def delta(name: str, state: str) -> Callable[[], float]:
    """Read ``name`` of the purge task in ``state`` now; the returned function gives how
    much it moved since."""

    def value() -> float:
        return REGISTRY.get_sample_value(name, {"task": TASK, "state": state}) or 0.0

    before = value()
    return lambda: value() - before


def fail(_todos: object) -> int:
    """A ``delete_todos`` that fails."""
    raise RuntimeError("the purge failed")


def test_tasks_counted_and_timed_by_name_and_state(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        user_id = create_user("alice", "alices password").id
    succeeded = delta("celery_tasks_total", "SUCCESS")
    failed = delta("celery_tasks_total", "FAILURE")
    timed = delta("celery_task_duration_seconds_count", "SUCCESS")

    for _ in range(2):
        assert purge_completed_todos.delay(user_id).get(timeout=10) == 0
    monkeypatch.setattr(tasks, "delete_todos", fail)
    # Not raised (throw=False), as in a worker: a task run eagerly that raises skips the
    # task_postrun signal.
    assert purge_completed_todos.apply((user_id,), throw=False).state == "FAILURE"

    assert succeeded() == 2
    assert failed() == 1
    assert timed() == 2
