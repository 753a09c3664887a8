"""Prometheus metrics: requests counted and timed by URL rule, method and status, the
requests in progress and the database pool; never served on the app's own port.

The metrics live in prometheus_client's default registry of this process, shared by
every test, so each test reads a sample before and after what it does.
"""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from flask.testing import FlaskClient
from prometheus_client import REGISTRY, CollectorRegistry
from sqlalchemy import create_engine
from sqlalchemy.pool import QueuePool

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.core.metrics import (
    UNMATCHED,
    SampleFilesCollector,
    instrument_pool,
)


def sample(name: str, **labels: str) -> float:
    """The current value of the sample ``name`` with ``labels`` (0 when absent)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def delta(name: str, **labels: str) -> Callable[[], float]:
    """Read ``name`` now; the returned function gives how much it moved since."""
    before = sample(name, **labels)
    return lambda: sample(name, **labels) - before


def test_requests_counted_and_timed_by_rule_method_and_status(client: FlaskClient) -> None:
    health = {"method": "GET", "endpoint": "/health", "status": "200"}
    counted = delta("http_requests_total", **health)
    timed = delta("http_request_duration_seconds_count", **health)
    seconds = delta("http_request_duration_seconds_sum", **health)

    for _ in range(3):
        assert client.get("/health").status_code == 200

    assert counted() == 3
    assert timed() == 3
    assert 0 < seconds() < 3


def test_endpoint_label_is_the_url_rule_not_the_path(api: FlaskClient) -> None:
    endpoint = "/api/v1/docs/swagger-ui/<path:filename>"
    rule = {"method": "GET", "endpoint": endpoint, "status": "404"}
    counted = delta("http_requests_total", **rule)
    unmatched = delta("http_requests_total", method="GET", endpoint=UNMATCHED, status="404")

    assert api.get("/api/v1/docs/swagger-ui/123456.js").status_code == 404
    assert api.get("/api/v1/docs/swagger-ui/654321.js").status_code == 404
    assert api.get("/no/such/page").status_code == 404

    assert counted() == 2
    assert unmatched() == 1
    path = "/api/v1/docs/swagger-ui/123456.js"
    assert sample("http_requests_total", method="GET", endpoint=path, status="404") == 0


def test_a_method_http_does_not_define_is_counted_as_other(client: FlaskClient) -> None:
    counted = delta("http_requests_total", method="other", endpoint=UNMATCHED, status="405")
    assert client.open("/health", method="BREW").status_code == 405
    assert client.open("/health", method="WHEN").status_code == 405
    assert counted() == 2
    assert sample("http_requests_total", method="BREW", endpoint=UNMATCHED, status="405") == 0


def test_in_progress_during_a_request_only() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    seen = []
    app.add_url_rule("/in-progress", "in_progress",
                     lambda: str(seen.append(sample("http_requests_in_progress"))))  # fmt: skip
    before = sample("http_requests_in_progress")

    assert app.test_client().get("/in-progress").status_code == 200

    assert seen == [before + 1]
    assert sample("http_requests_in_progress") == before


def test_metrics_not_served_on_the_app_port(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 404


def test_pool_gauges_follow_checkouts_and_checkins(tmp_path: Path) -> None:
    engine = create_engine(
        f"sqlite:///{tmp_path / 'pool.sqlite3'}", poolclass=QueuePool, pool_size=2, max_overflow=3
    )
    instrument_pool(engine)

    connections = [engine.connect() for _ in range(3)]
    assert sample("db_pool_size") == 2
    assert sample("db_pool_checked_out") == 3
    assert sample("db_pool_overflow") == 1

    connections.pop().close()
    assert sample("db_pool_checked_out") == 2
    assert sample("db_pool_overflow") == 1, "kept: the pool had room for it"
    for connection in connections:
        connection.close()
    assert sample("db_pool_checked_out") == 0
    assert sample("db_pool_overflow") == 0, "the last one back found the pool full: closed"
    engine.dispose()


def test_a_sample_file_being_created_leaves_the_others_scraped(tmp_path: Path) -> None:
    # A process writes its samples (multiprocess mode), as each gunicorn worker does.
    script = "from prometheus_client import Counter; Counter('jobs', 'Jobs.').inc(3)"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", script], env=env, check=True)
    # Another has just created its file, and not yet sized it (prometheus_client does so).
    (tmp_path / "counter_999999.db").touch()
    registry = CollectorRegistry()
    SampleFilesCollector(registry, tmp_path)
    assert registry.get_sample_value("jobs_total") == 3
