{%- set celery = cookiecutter.worker == "celery" -%}
"""Tracing with OpenTelemetry over OTLP/HTTP, configured by the standard ``OTEL_*`` variables.

Spans are exported only from processes that call ``start_provider`` (not ``flask run``).
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

#: ``service.name`` when neither ``OTEL_SERVICE_NAME`` nor ``OTEL_RESOURCE_ATTRIBUTES`` sets it.
DEFAULT_SERVICE_NAME = "{{ cookiecutter.project_slug }}"


def enabled() -> bool:
    """Whether an OTLP endpoint is set and neither the SDK nor its traces exporter is off."""
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
    """The spans' resource from the ``OTEL_*`` variables, by default ``DEFAULT_SERVICE_NAME``."""
    detected = Resource.create()
    if str(detected.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        return detected.merge(Resource({SERVICE_NAME: DEFAULT_SERVICE_NAME}))
    return detected


def start_provider(exporter: SpanExporter | None = None) -> TracerProvider | None:
    """Set this process's tracer provider when tracing is on, after any fork (its export
    thread would not survive one); ``exporter`` defaults to OTLP over HTTP."""
    if not enabled():
        return None
    provider = TracerProvider(resource=resource())
    provider.add_span_processor(BatchSpanProcessor(exporter or OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return provider


def add_trace_ids_to_log_records() -> None:
    """Give every log record the current span's ``trace_id`` and ``span_id`` (hex, or "")."""
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

    factory.adds_trace_ids = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
{%- if celery %}


def _start_provider_in_worker_process(**_: object) -> None:
    start_provider()
{%- endif %}


def init_app(app: Flask) -> None:
    """Instrument ``app``, its database engines{{ ", Celery" if celery }} and requests when tracing is on."""
    if not enabled():
        return
    FlaskInstrumentor().instrument_app(app)
    # The other instrumentations are process-wide: the first app built in a process is traced.
    with app.app_context():
        # The instrumentation declares SQLAlchemy < 2.1; it works with 2.1 (test_tracing).
        SQLAlchemyInstrumentor().instrument(engines=list(db.engines.values()), skip_dep_check=True)
{%- if celery %}
    CeleryInstrumentor().instrument()
    worker_process_init.connect(_start_provider_in_worker_process, weak=False)
{%- endif %}
    RequestsInstrumentor().instrument()
    add_trace_ids_to_log_records()
