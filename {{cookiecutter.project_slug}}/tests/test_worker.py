"""A real Celery worker process runs a task sent through Redis, and counts it in the
metrics it serves.

Needs ``REDIS_URL`` (the result backend, and the broker unless ``CELERY_BROKER_URL``
names another, such as RabbitMQ's ``amqp://``). The worker and the test share the
session's test database; the worker must see the test's rows, so this test commits them
for real, instead of working inside the rolled-back transaction of the other tests, and
empties the tables when it ends. The task goes to a queue of this test session's own, so
neither a worker of the service nor that of another test run on the same Redis takes it.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.exceptions import TimeoutError as CeleryTimeoutError
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.core.logs import log_fields
from {{ cookiecutter.project_slug }}.extensions import {{ "cache, " if cookiecutter.cache == "redis" }}db
from {{ cookiecutter.project_slug }}.main.tasks import count_users
from {{ cookiecutter.project_slug }}.users.models import User

from .conftest import closed_port

REDIS_URL = os.environ.get("REDIS_URL", "")
BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL
PROJECT_ROOT = Path(__file__).resolve().parent.parent
WORKER_APP = "{{ cookiecutter.project_slug }}.worker:celery_app"
QUEUE = f"{{ cookiecutter.project_slug }}-test-{uuid.uuid4().hex[:12]}"
#: Seconds to wait for the worker to start and run the task.
TASK_TIMEOUT = 60

pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="a real Celery worker needs REDIS_URL (its broker and result backend)"
)


@pytest.fixture
def app(session_app: Flask) -> Iterator[Flask]:
    """An app on the migrated test database that sends tasks to ``QUEUE`` on Redis (not
    eagerly) and commits for real.

    Overrides the ``app`` fixture of conftest.py, so ``user`` is created in this app.
    Messages a failed run left in the queue are purged first; every table is emptied
    when the test ends.
    """
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": session_app.config["SQLALCHEMY_DATABASE_URI"],
            "CELERY": {
                "broker_url": BROKER_URL,
                "result_backend": REDIS_URL,
                "task_default_queue": QUEUE,
            },
        }
    )
    app.extensions["celery"].control.purge()
    yield app
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
{%- if cookiecutter.cache == "redis" %}
        cache.clear()
{%- endif %}
        db.engine.dispose()


@pytest.fixture
def metrics_port() -> int:
    """A free port for the worker's metrics."""
    return closed_port()


@pytest.fixture
def worker(database_url: str, metrics_port: int, tmp_path: Path) -> Iterator[Path]:
    """A ``celery worker`` process in the production config, consuming ``QUEUE``, serving
    its metrics on ``metrics_port``.

    Yields the path of its log. The process is killed afterwards: its one task is done
    (or failed the test), and a warm shutdown would wait about a second for the broker
    connection to close. Stopping a worker cleanly is the deploy targets' to prove.
    """
    env = {
        **os.environ,
        "FLASK_CONFIG": "production",
        "SECRET_KEY": "worker-test",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "WORKER_METRICS_PORT": str(metrics_port),
    }
    celery = [sys.executable, "-m", "celery", "-A", WORKER_APP]
    options = ["--pool", "solo", "--queues", QUEUE, "--loglevel", "INFO"]
    # A lone worker: without the events that keep a cluster in touch it starts faster.
    alone = ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [*celery, "worker", *options, *alone],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield log
    finally:
        process.kill()
        process.wait()


def task_counts(port: int) -> dict[tuple[str, str], float]:
    """The worker's ``celery_tasks_total`` samples on ``port``, by task name and state."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as page:
        return {
            (sample.labels["task"], sample.labels["state"]): sample.value
            for family in text_string_to_metric_families(page.read().decode())
            for sample in family.samples
            if sample.name == "celery_tasks_total"
        }


def test_worker_runs_a_task_on_the_database(
    app: Flask, user: User, worker: Path, metrics_port: int
) -> None:
    # The worker sees what the test committed: alice, the user of ``user``.

    # Sent as a request would send it: with that request's ID in the log fields.
    token = log_fields.set({"request_id": "worker-test-request"})
    try:
        result = count_users.delay()
    finally:
        log_fields.reset(token)
    try:
        assert result.get(timeout=TASK_TIMEOUT) is None
    except CeleryTimeoutError:
        pytest.fail(f"the worker did not run the task:\n{worker.read_text()}")
    finally:
        result.forget()

    # The worker counts a task once it is over (task_postrun), just after it stored the
    # result the client saw: the count may need a moment more.
    deadline = time.monotonic() + TASK_TIMEOUT
    while not (counted := task_counts(metrics_port)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert counted == {(count_users.name, "SUCCESS"): 1}

    # The production config logs JSON lines (Celery prints its banner before them); the
    # task's line carries the request's ID.
    output = worker.read_text().splitlines()
    lines = [json.loads(line) for line in output if line.startswith("{")]
    (line,) = [line for line in lines if line["message"] == "Counted 1 accounts"]
    assert line["request_id"] == "worker-test-request"
    assert line["task_id"] == result.id
