"""Prometheus metrics of the Celery tasks: counted and timed by task name and state, from
Celery's signals (here with tasks run eagerly, in this process)."""

from collections.abc import Callable

import pytest
from flask import Flask
from prometheus_client import REGISTRY

from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.main.tasks import count_users

TASK = "{{ cookiecutter.project_slug }}.main.tasks.count_users"


def delta(name: str, state: str) -> Callable[[], float]:
    """Read ``name`` of the ``count_users`` task in ``state`` now; the returned function gives how
    much it moved since."""

    def value() -> float:
        return REGISTRY.get_sample_value(name, {"task": TASK, "state": state}) or 0.0

    before = value()
    return lambda: value() - before


def fail(_statement: object) -> int:
    """A ``db.session.scalar`` that fails."""
    raise RuntimeError("the count failed")


def test_tasks_counted_and_timed_by_name_and_state(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    succeeded = delta("celery_tasks_total", "SUCCESS")
    failed = delta("celery_tasks_total", "FAILURE")
    timed = delta("celery_task_duration_seconds_count", "SUCCESS")

    for _ in range(2):
        assert count_users.delay().get(timeout=10) is None
    monkeypatch.setattr(db.session, "scalar", fail)
    # Not raised (throw=False), as in a worker: a task run eagerly that raises skips the
    # task_postrun signal.
    assert count_users.apply(throw=False).state == "FAILURE"

    assert succeeded() == 2
    assert failed() == 1
    assert timed() == 2
