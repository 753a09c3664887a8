"""Prometheus metrics (prometheus_client): HTTP requests, their latency, the requests in
progress and the database connection pool.

Labels stay bounded: a request is counted under its URL rule (``/api/v1/todos/<id:todo_id>``,
``unmatched`` when no rule matched), never its raw path, with its method (``other`` for a
method HTTP does not define) and status.

The metrics are not served by the app: under gunicorn, whose workers are separate
processes, each process writes its samples to files in ``PROMETHEUS_MULTIPROC_DIR``
(prometheus_client's multiprocess mode, set up by gunicorn.conf.py) and ``serve`` exposes
their sum on a port of its own (``METRICS_PORT``), which only the scraper may reach; the
app's public port answers 404 for ``/metrics``.
"""

import atexit
import functools
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from sqlalchemy import Engine, event
from sqlalchemy.pool import ConnectionPoolEntry, QueuePool

from .extensions import db
from .middleware import Environ, Middleware, StartResponse

#: Where each process writes its samples when several share them (multiprocess mode);
#: None when this process keeps its own.
MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def forget_process(**_extra: Any) -> None:
    """Remove this process's live gauges (requests in progress, the pool) from
    ``MULTIPROC_DIR``, so that the sums count live processes only.

    Run at the exit of every process (``atexit``: a probe, a ``flask`` command); for a
    process that ends without ``atexit`` its parent runs it (gunicorn's ``child_exit``
    for a worker that died) or a signal of its own does.
    """
    if MULTIPROC_DIR:
        mark_process_dead(os.getpid(), MULTIPROC_DIR)


if MULTIPROC_DIR:
    # Made if missing, before the first metric below opens its file in it.
    os.makedirs(MULTIPROC_DIR, exist_ok=True)
    atexit.register(forget_process)

#: The ``endpoint`` label of a request that matched no URL rule (a 404 or a redirect).
UNMATCHED = "unmatched"
#: The methods counted under their own name (RFC 9110, section 9, and RFC 5789's PATCH).
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


@functools.cache
def request_series(method: str, endpoint: str, status: str) -> tuple[Counter, Histogram]:
    """The series of ``REQUESTS`` and ``REQUEST_DURATION`` with these label values, looked
    up once: their values are bounded (see above), and prometheus_client's own lookup
    (``labels``) checks and converts them again on every call."""
    return (
        REQUESTS.labels(method, endpoint, status),
        REQUEST_DURATION.labels(method, endpoint, status),
    )


class RequestMetrics(Middleware):
    """WSGI middleware (PEP 3333) that counts each response and observes its latency,
    under its method, URL rule and status, and counts the requests in progress.

    A middleware rather than Flask's request hooks or signals: it measures every response,
    those that another hook makes (a rate limit's 429) and the mount's 404 included, from
    before Flask starts until it has answered, at the cost of one call. A method outside
    ``METHODS`` is counted as ``other``, so that a client cannot add label values.
    """

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        answered = [UNMATCHED, "500"]  # endpoint and status, once the app has answered

        def keep_labels(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            # Flask's request is in the environ (werkzeug's "werkzeug.request") until the
            # request ends, after its response has started: its URL rule is known here.
            rule = getattr(environ.get("werkzeug.request"), "url_rule", None)
            answered[:] = rule.rule if rule else UNMATCHED, status[:3]
            return start_response(status, headers, *exc_info)

        IN_PROGRESS.inc()
        try:
            return self.wsgi_app(environ, keep_labels)
        finally:
            IN_PROGRESS.dec()
            method = environ["REQUEST_METHOD"]
            labels = (method if method in METHODS else "other", *answered)
            count, duration = request_series(*labels)
            count.inc()
            duration.observe(time.perf_counter() - started)


def instrument_pool(engine: Engine) -> None:
    """Keep the pool gauges current for ``engine``, from the pool's own counters.

    Under multiprocess mode nothing can ask a worker's pool at scrape time, so the gauges
    are set whenever the pool changes: at each checkout and checkin. At a checkin SQLAlchemy
    still counts the returning connection (it goes back after the event), so the values
    are those the pool will have once it is back: one fewer in use, and one fewer overflow
    connection when the pool is full and closes it. Pools without a size (SQLite in memory)
    are left alone.
    """
    pool = engine.pool
    if not isinstance(pool, QueuePool):
        return

    def refresh(returning: int) -> None:
        closing = returning if pool.checkedin() >= pool.size() else 0
        POOL_SIZE.set(pool.size())
        POOL_CHECKED_OUT.set(pool.checkedout() - returning)
        POOL_OVERFLOW.set(max(pool.overflow() - closing, 0))

    def on_checkout(_dbapi_connection: Any, _record: ConnectionPoolEntry, _proxy: Any) -> None:
        refresh(returning=0)

    def on_checkin(_dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        refresh(returning=1)

    event.listen(pool, "checkout", on_checkout)
    event.listen(pool, "checkin", on_checkin)


def init_app(app: Flask) -> None:
    """Measure the pool of the engine of ``app`` (after ``db.init_app``). The factory
    wraps the app in ``RequestMetrics``, which counts its requests."""
    with app.app_context():
        instrument_pool(db.engine)


class SampleFilesCollector(MultiProcessCollector):
    """prometheus_client's ``MultiProcessCollector``, but for the sample files that a
    process is still creating.

    prometheus_client creates a process's sample file empty and sizes it just after
    (``MmapedDict``); a scrape in between would fail whole, with a ``struct.error`` read
    from the empty file, and be answered 500 (prometheus/client_python#1199). An empty
    file holds no sample yet, so it is skipped; the others are merged as the library does.

    :param registry: the registry to collect for.
    :param path: the directory of the sample files (``PROMETHEUS_MULTIPROC_DIR``).
    """

    def __init__(self, registry: CollectorRegistry, path: str | os.PathLike[str]) -> None:
        super().__init__(registry, path=str(path))
        self.directory = Path(path)

    def collect(self) -> Iterable[Metric]:
        """The merged samples of every sample file that has any."""
        files = []
        for file in self.directory.glob("*.db"):
            try:
                if file.stat().st_size:
                    files.append(str(file))
            except FileNotFoundError:  # a dead process's live gauge, removed meanwhile
                pass
        return self.merge(files, accumulate=True)


def serve(port: int) -> None:
    """Serve the samples of every process writing to ``PROMETHEUS_MULTIPROC_DIR``, in
    Prometheus' text format, at ``/metrics`` on ``port``, from a daemon thread.

    It listens on ``METRICS_HOST``: 127.0.0.1 by default, so that only this host scrapes;
    the container image sets 0.0.0.0, its own network namespace's addresses, which
    publish nothing.

    :param port: the TCP port (``METRICS_PORT``, or ``WORKER_METRICS_PORT`` for the worker).
    :raises ValueError: when ``PROMETHEUS_MULTIPROC_DIR`` is unset.
    :raises OSError: when the port is taken.
    """
    registry = CollectorRegistry()
    SampleFilesCollector(registry, MULTIPROC_DIR)
    start_http_server(port, addr=os.environ.get("METRICS_HOST", "127.0.0.1"), registry=registry)
