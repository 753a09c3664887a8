{%- set celery = cookiecutter.worker == "celery" -%}
"""OpenTelemetry: off without an OTLP endpoint; with one, a request is one trace (the
HTTP server span, its SQL spans{{ ", the Celery task's publish and run spans" if celery }}) whose ids
are in the log lines written while it runs.

The spans go to an in-memory exporter (the provider is made once per process, by
``start_provider`` as gunicorn's workers make theirs). The instrumentations are
process-wide: each test undoes them when it ends.
"""

import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
{%- if celery %}
from celery.contrib.testing.worker import start_worker
{%- endif %}
from flask import Flask
from flask.testing import FlaskClient
from opentelemetry import trace
{%- if celery %}
from opentelemetry.instrumentation.celery import CeleryInstrumentor
{%- endif %}
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.core import tracing
from {{ cookiecutter.project_slug }}.extensions import db
from {{ cookiecutter.project_slug }}.users.models import create_user

from .conftest import PASSWORD, closed_port, rolled_back, use_sqlite_savepoints

ENDPOINT = "http://127.0.0.1:4318"  # never reached: the spans go to the in-memory exporter
PROJECT_ROOT = Path(__file__).resolve().parent.parent
WSGI_APP = "{{ cookiecutter.project_slug }}.wsgi:app"
#: Seconds to wait for gunicorn to answer and for its workers to export.
GUNICORN_TIMEOUT = 20


@pytest.fixture(scope="module")
def exported() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    """This process's tracer provider, exporting to memory."""
    exporter = InMemorySpanExporter()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT)
        patch.delenv("OTEL_SERVICE_NAME", raising=False)
        patch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
        provider = tracing.start_provider(exporter)
    yield provider, exporter
    provider.shutdown()


def uninstrument(app: Flask) -> None:
    """Undo what ``tracing.init_app`` did to ``app`` and to the process."""
    FlaskInstrumentor.uninstrument_app(app)
    SQLAlchemyInstrumentor().uninstrument()
{%- if celery %}
    CeleryInstrumentor().uninstrument()
{%- endif %}
    RequestsInstrumentor().uninstrument()


@pytest.fixture
def traced(
    database_url: str,
    session_app: Flask,
    exported: tuple[TracerProvider, InMemorySpanExporter],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Flask]:
    """An app the factory built with an OTLP endpoint set, on the migrated test database,
    with ``alice`` registered; what the test writes is rolled back."""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        use_sqlite_savepoints(engine)
    with rolled_back(app):
        with app.app_context():
            create_user("alice", PASSWORD)
        forget(exported)
        yield app
    engine.dispose()
    uninstrument(app)


def forget(exported: tuple[TracerProvider, InMemorySpanExporter]) -> None:
    """Drop the spans ended so far."""
    provider, exporter = exported
    assert provider.force_flush()
    exporter.clear()


def finished(exported: tuple[TracerProvider, InMemorySpanExporter]) -> list[ReadableSpan]:
    """The spans ended so far, once the batch processor has handed them over."""
    provider, exporter = exported
    assert provider.force_flush()
    return list(exporter.get_finished_spans())


def test_tracing_is_off_without_an_exporter_endpoint(monkeypatch) -> None:
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    assert not tracing.enabled()
    assert tracing.start_provider() is None
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert not getattr(app, "_is_instrumented_by_opentelemetry", False)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT)
    assert tracing.enabled()
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "none")
    assert not tracing.enabled()


def test_the_service_name_defaults_to_the_package(monkeypatch, exported) -> None:
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    assert exported[0].resource.attributes["service.name"] == "{{ cookiecutter.project_slug }}"
    monkeypatch.setenv("OTEL_SERVICE_NAME", "billing-api")
    assert tracing.resource().attributes["service.name"] == "billing-api"


def login(client: FlaskClient) -> None:
    """Send alice's bearer token with every request of ``client``."""
    response = client.post("/api/v1/tokens", auth=("alice", PASSWORD))
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {response.get_json()['access_token']}"


class Collector(BaseHTTPRequestHandler):
    """An OTLP/HTTP collector that keeps what it receives: ``(path, body)`` in
    ``received`` (a list set on the server)."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Quiet: no line on stderr for each export."""


def test_each_gunicorn_worker_exports_its_spans_after_the_fork(tmp_path: Path) -> None:
    collector = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    collector.received = []
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    port = closed_port()
    env = {
        **os.environ,
        "FLASK_CONFIG": "testing",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{collector.server_port}",
        "OTEL_BSP_SCHEDULE_DELAY": "50",  # milliseconds between the exports of a batch
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", WSGI_APP]
    log = tmp_path / "gunicorn.log"
    with log.open("w") as stderr:
        server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stderr=stderr)
        try:
            deadline = time.monotonic() + GUNICORN_TIMEOUT
            while not collector.received and time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                        pass
                except OSError:
                    time.sleep(0.1)  # not listening yet
        finally:
            server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
            # Under a loaded machine a worker has been seen to take until gunicorn's
            # graceful_timeout (30 s) to exit after its last export; wait past it.
            server.wait(GUNICORN_TIMEOUT + 30)
            collector.shutdown()
            collector.server_close()
    assert collector.received, log.read_text()
    path, body = collector.received[0]
    assert path == "/v1/traces"
    assert b"GET /health" in body and b"{{ cookiecutter.project_slug }}" in body


def test_a_request_is_one_trace_with_its_sql_spans(traced, exported, caplog) -> None:
    client = traced.test_client()
    login(client)
    forget(exported)

    with caplog.at_level(logging.INFO, logger=traced.logger.name):
        traced.logger.info("outside any request")
        assert client.get("/api/v1/users/me").status_code == 200

    spans = finished(exported)
    (server,) = [span for span in spans if span.kind is SpanKind.SERVER]
    assert server.attributes["http.route"] == "/api/v1/users/me"
    assert server.resource.attributes["service.name"] == "{{ cookiecutter.project_slug }}"
    selects = [
        span for span in spans if span.attributes.get("db.statement", "").startswith("SELECT")
    ]
    (select,) = selects  # the token's user
    assert "FROM users" in select.attributes["db.statement"]
    for span in selects:
        assert span.kind is SpanKind.CLIENT
        assert span.context.trace_id == server.context.trace_id
        assert span.parent.span_id == server.context.span_id
    (outside,) = [record for record in caplog.records if record.name == traced.logger.name]
    assert (outside.trace_id, outside.span_id) == ("", "")


def test_log_lines_of_a_request_carry_its_trace_and_span_ids(
    exported, monkeypatch, caplog
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.get("/log")
    def log() -> str:
        app.logger.info("in a request")
        return "logged"

    try:
        forget(exported)
        with caplog.at_level(logging.INFO, logger=app.logger.name):
            assert app.test_client().get("/log").status_code == 200
    finally:
        uninstrument(app)
    (server,) = [span for span in finished(exported) if span.kind is SpanKind.SERVER]
    (record,) = [record for record in caplog.records if record.name == app.logger.name]
    assert record.trace_id == trace.format_trace_id(server.context.trace_id)
    assert record.span_id == trace.format_span_id(server.context.span_id)
{%- if celery %}


def test_a_task_the_request_sends_is_published_and_run_in_its_trace(traced, exported) -> None:
    client = traced.test_client()
    login(client)
    celery_app = traced.extensions["celery"]
    celery_app.conf.task_always_eager = False  # through the in-memory broker, to a worker
    celery_app.conf.broker_transport_options = {"polling_interval": 0.01}
    forget(exported)
    response = client.post("/api/v1/tasks/count-users")
    assert response.status_code == 202
    # The worker starts once the request is over: its thread uses the test's one database
    # connection (conftest), which two threads must not use at once (PyMySQL breaks).
    with start_worker(celery_app, perform_ping_check=False):
        assert celery_app.AsyncResult(response.get_json()["task_id"]).get(timeout=10) is None

    spans = finished(exported)
    (server,) = [span for span in spans if span.kind is SpanKind.SERVER]
    (publish,) = [span for span in spans if span.kind is SpanKind.PRODUCER]
    (run,) = [span for span in spans if span.kind is SpanKind.CONSUMER]
    assert publish.name.startswith("apply_async/") and run.name.startswith("run/")
    assert publish.parent.span_id == server.context.span_id
    assert run.parent.span_id == publish.context.span_id
    assert {span.context.trace_id for span in (server, publish, run)} == {server.context.trace_id}
    # The task's own SQL (in the worker's thread) is part of the run.
    assert any(span.parent and span.parent.span_id == run.context.span_id for span in spans)
{%- endif %}
