"""The Celery configuration: broker, result backend, queue."""

import pytest

from {{ cookiecutter.project_slug }}.config import Config


def test_broker_may_be_amqp_with_results_on_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://localhost:6379/0")
    monkeypatch.setenv("CELERY_BROKER_URL", "amqp://guest:guest@localhost:5672//")
    celery = Config().CELERY
    assert celery["broker_url"] == "amqp://guest:guest@localhost:5672//"
    assert celery["result_backend"] == "redis://localhost:6379/0"


def test_tasks_go_to_a_queue_named_after_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    # Services sharing one broker never take each other's tasks.
    monkeypatch.setenv("REDIS_URL", "redis://localhost:6379/0")
    assert Config().CELERY["task_default_queue"] == "{{ cookiecutter.project_slug }}"
