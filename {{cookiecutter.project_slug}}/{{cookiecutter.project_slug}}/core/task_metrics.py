"""Prometheus metrics of the Celery tasks: count and duration by task name and final state."""

import os
import time
from typing import Any

from celery import Task
from celery.signals import task_postrun, task_prerun, worker_init, worker_process_shutdown
from prometheus_client import Counter, Histogram

from . import metrics

#: Default port of the worker's metrics (``WORKER_METRICS_PORT``).
DEFAULT_WORKER_METRICS_PORT = 9465

TASKS = Counter("celery_tasks", "Celery tasks run, by task name and state.", ["task", "state"])
TASK_DURATION = Histogram(
    "celery_task_duration_seconds",
    "Seconds a Celery task ran, by task name and state.",
    ["task", "state"],
)
#: Start times of the tasks running in this process, by task id.
started: dict[str, float] = {}


def start_task(task_id: str, **_extra: Any) -> None:
    """``task_prerun`` receiver: start the task's clock."""
    started[task_id] = time.perf_counter()


def finish_task(task_id: str, task: Task, state: str | None = None, **_extra: Any) -> None:
    """``task_postrun`` receiver: count and time the task by its name and final state."""
    labels = (task.name, state or "UNKNOWN")
    TASKS.labels(*labels).inc()
    TASK_DURATION.labels(*labels).observe(time.perf_counter() - started.pop(task_id))


def serve_worker_metrics(**_extra: Any) -> None:
    """``worker_init`` receiver: serve the pool's metrics on ``WORKER_METRICS_PORT``."""
    # Without a shared directory the main process cannot see what the pool processes count.
    if metrics.MULTIPROC_DIR:
        metrics.serve(int(os.environ.get("WORKER_METRICS_PORT", DEFAULT_WORKER_METRICS_PORT)))


def connect() -> None:
    """Connect the receivers to Celery's signals (once: Celery ignores a repeated connect)."""
    task_prerun.connect(start_task)
    task_postrun.connect(finish_task)
    worker_init.connect(serve_worker_metrics)
    # The pool processes end without atexit.
    worker_process_shutdown.connect(metrics.forget_process)
