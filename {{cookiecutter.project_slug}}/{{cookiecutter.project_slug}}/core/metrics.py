"""Prometheus metrics: HTTP requests, their latency, requests in progress, the database pool."""

import atexit
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from sqlalchemy import Engine, event
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

from ..extensions import db
from .middleware import Environ, Middleware, StartResponse

#: Where each process writes its samples when several share them (multiprocess mode);
#: None when this process keeps its own.
MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def forget_process(**extra: Any) -> None:
    """Remove this process's live gauges from ``MULTIPROC_DIR`` (at its exit)."""
    if MULTIPROC_DIR:
        mark_process_dead(os.getpid(), MULTIPROC_DIR)


if MULTIPROC_DIR:
    # Made if missing, before the first metric below opens its file in it.
    os.makedirs(MULTIPROC_DIR, exist_ok=True)
    atexit.register(forget_process)

#: The ``endpoint`` label of a request that matched no URL rule.
UNMATCHED = "unmatched"
#: Where ``keep_url_rule`` leaves the request's URL rule for ``RequestMetrics``.
ENVIRON_KEY = "{{ cookiecutter.project_slug }}.url_rule"
#: The methods counted under their own name; any other is ``other``, so labels stay bounded.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by method, endpoint (URL rule) and status.",
    ["method", "endpoint", "status"],
)
REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Seconds from the start of a request to its response, by method, endpoint and status.",
    ["method", "endpoint", "status"],
)
IN_PROGRESS = Gauge(
    "http_requests_in_progress",
    "HTTP requests being handled now.",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "db_pool_size",
    "Connections the database pools keep (pool_size), summed over the live processes.",
    multiprocess_mode="livesum",
)
POOL_CHECKED_OUT = Gauge(
    "db_pool_checked_out",
    "Database connections in use, summed over the live processes.",
    multiprocess_mode="livesum",
)
POOL_OVERFLOW = Gauge(
    "db_pool_overflow",
    "Database connections open beyond pool_size (max_overflow allows them), summed over "
    "the live processes.",
    multiprocess_mode="livesum",
)


def keep_url_rule(response: Response) -> Response:
    """``after_request`` function: leave the URL rule where ``RequestMetrics`` reads it."""
    if request.url_rule is not None:
        request.environ[ENVIRON_KEY] = request.url_rule.rule
    return response


class RequestMetrics(Middleware):
    """WSGI middleware: count and time responses by method, URL rule and status."""

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status_code = ["500"]

        def keep_status(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            status_code[0] = status[:3]
            return start_response(status, headers, *exc_info)

        IN_PROGRESS.inc()
        try:
            return self.wsgi_app(environ, keep_status)
        finally:
            IN_PROGRESS.dec()
            method = environ["REQUEST_METHOD"]
            labels = (
                method if method in METHODS else "other",
                environ.get(ENVIRON_KEY, UNMATCHED),
                status_code[0],
            )
            REQUESTS.labels(*labels).inc()
            REQUEST_DURATION.labels(*labels).observe(time.perf_counter() - started)


def instrument_pool(engine: Engine) -> None:
    """Keep the pool gauges of ``engine`` current, at each checkout and checkin."""
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return

    # At a checkin the returning connection is still counted: the values set are those
    # of the pool once it is back.
    def refresh(returning: int) -> None:
        closing = returning if pool.checkedin() >= pool.size() else 0
        POOL_SIZE.set(pool.size())
        POOL_CHECKED_OUT.set(pool.checkedout() - returning)
        POOL_OVERFLOW.set(max(pool.overflow() - closing, 0))

    def on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, proxy: Any) -> None:
        refresh(returning=0)

    def on_checkin(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        refresh(returning=1)

    event.listen(pool, "checkout", on_checkout)
    event.listen(pool, "checkin", on_checkin)


def init_app(app: Flask) -> None:
    """Measure the database pool of ``app`` and the URL rule of each request."""
    app.after_request(keep_url_rule)
    with app.app_context():
        instrument_pool(db.engine)


class SampleFilesCollector(MultiProcessCollector):
    """``MultiProcessCollector`` skipping files still being created (client_python#1199)."""

    def __init__(self, registry: CollectorRegistry, path: str | os.PathLike[str]) -> None:
        super().__init__(registry, path=str(path))
        self.directory = Path(path)

    def collect(self) -> Iterable[Metric]:
        files = []
        for file in self.directory.glob("*.db"):
            try:
                if file.stat().st_size:
                    files.append(str(file))
            except FileNotFoundError:  # a dead process's live gauge, removed meanwhile
                pass
        merged: Iterable[Metric] = self.merge(files, accumulate=True)
        return merged


def serve(port: int) -> None:
    """Serve every process's samples at ``/metrics`` on ``METRICS_HOST:port``, from a thread."""
    if not MULTIPROC_DIR:
        raise ValueError("PROMETHEUS_MULTIPROC_DIR is not set")
    registry = CollectorRegistry()
    SampleFilesCollector(registry, MULTIPROC_DIR)
    start_http_server(port, addr=os.environ.get("METRICS_HOST", "127.0.0.1"), registry=registry)
