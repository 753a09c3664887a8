{%- set celery = cookiecutter.worker == "celery" -%}
"""Tracing with OpenTelemetry: a span for each request, child spans for its SQL
statements{{ ", the Celery tasks it sends and runs" if celery }} and the HTTP calls it makes with
requests, exported over OTLP/HTTP.

Configured only by the standard ``OTEL_*`` environment variables, which the SDK reads
(https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/):
``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) turns tracing
on. Without an endpoint, or with ``OTEL_TRACES_EXPORTER=none`` or ``OTEL_SDK_DISABLED=true``,
nothing is instrumented and no provider is made. ``OTEL_SERVICE_NAME`` defaults to
``{{ cookiecutter.project_slug }}``.

Two steps, because gunicorn imports the app in its arbiter and then forks the workers
(``preload_app``), and the span processor's export thread does not survive a fork:
``init_app`` instruments the app when the factory runs; ``start_provider`` makes the
tracer provider and its exporter in each process that serves, from gunicorn's
``post_fork`` hook{{ " and Celery's ``worker_process_init`` signal (the prefork pool's children)" if celery }}.
Until then the instrumentations hold OpenTelemetry's proxy tracers, which follow the
provider once it is set. The development server (``flask run``) starts no provider.

Log records get ``trace_id`` and ``span_id`` (``add_trace_ids_to_log_records``).
"""

import logging
import os

{% if celery %}from celery.signals import worker_process_init
{% endif %}from flask import Flask
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
{%- if celery %}
from opentelemetry.instrumentation.celery import CeleryInstrumentor
{%- endif %}
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

from ..extensions import db

#: ``service.name`` of the spans when neither ``OTEL_SERVICE_NAME`` nor
#: ``OTEL_RESOURCE_ATTRIBUTES`` names the service.
DEFAULT_SERVICE_NAME = "{{ cookiecutter.project_slug }}"


def enabled() -> bool:
    """Whether tracing is on: an OTLP endpoint is set and the SDK and its traces
    exporter are not turned off, by the standard variables."""
    environ = os.environ
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    if environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return False
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def resource() -> Resource:
    """The resource of the spans, from ``OTEL_SERVICE_NAME`` and
    ``OTEL_RESOURCE_ATTRIBUTES``; ``service.name`` is ``DEFAULT_SERVICE_NAME`` when they
    leave it unset (the SDK's ``unknown_service``)."""
    detected = Resource.create()
    if str(detected.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        return detected.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    return detected


def start_provider(exporter: SpanExporter | None = None) -> TracerProvider | None:
    """Make this process's tracer provider, exporting in batches from a thread, when
    tracing is on; once a process (OpenTelemetry keeps the first provider set).

    :param exporter: where spans go; by default OTLP over HTTP, configured by the
        ``OTEL_EXPORTER_OTLP_*`` variables (a test passes an in-memory one).
    :returns: the provider, or None when tracing is off.
    """
    if not enabled():
        return None
    provider = TracerProvider(resource=resource())
    provider.add_span_processor(BatchSpanProcessor(exporter or OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return provider


def add_trace_ids_to_log_records() -> None:
    """Give every log record ``trace_id`` and ``span_id``: the current span's ids in
    hex (as tracing backends show them), empty strings outside a span.

    A log record factory, so that every handler and formatter sees them; a JSON
    formatter writes them as fields of each line (python-json-logger adds a record's
    extra attributes), a text format can name them (``%(trace_id)s``). Installed once.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_trace_ids", False):
        return

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        context = trace.get_current_span().get_span_context()
        valid = context.is_valid
        record.trace_id = trace.format_trace_id(context.trace_id) if valid else ""
        record.span_id = trace.format_span_id(context.span_id) if valid else ""
        return record

    factory.adds_trace_ids = True
    logging.setLogRecordFactory(factory)
{%- if celery %}


def _start_provider_in_worker_process(**_: object) -> None:
    start_provider()
{%- endif %}


def init_app(app: Flask) -> None:
    """Instrument ``app`` (its requests), its database engines{{ ", Celery" if celery }} and requests
    when tracing is on (``enabled``); else do nothing.

    The instrumentations of SQLAlchemy{{ ", Celery" if celery }} and requests are process-wide,
    made once: the first app the factory builds in a process is the one traced.
    """
    if not enabled():
        return
    FlaskInstrumentor().instrument_app(app)
    with app.app_context():
        SQLAlchemyInstrumentor().instrument(engines=list(db.engines.values()))
{%- if celery %}
    CeleryInstrumentor().instrument()
    worker_process_init.connect(_start_provider_in_worker_process, weak=False)
{%- endif %}
    RequestsInstrumentor().instrument()
    add_trace_ids_to_log_records()
