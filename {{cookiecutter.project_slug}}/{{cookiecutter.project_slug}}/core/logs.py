"""Log lines, one JSON object each (``LOG_FORMAT=json``) or text, and request IDs.

A line logged while a request is served carries ``request_id``, ``method``, ``path`` and,
once authenticated, ``user_id``{{ "; a Celery task's lines carry the ID of the request that started it" if cookiecutter.worker == "celery" }}.
gunicorn's access lines carry ``method``, ``path``, ``status``, ``duration_ms``, ``client``
and ``request_id`` (``AccessLogFields``).
"""

import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from logging.config import dictConfig
from typing import Any

from flask import Flask
from pythonjsonlogger.json import JsonFormatter

from .middleware import Environ, Middleware, StartResponse

REQUEST_ID_HEADER = "X-Request-ID"
#: A request ID taken from the client or proxy; any other value is replaced by a new one,
#: so that nobody forges or bloats log lines.
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,128}")
#: gunicorn's ``access_log_format``: client, request line, status, body bytes.
ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s'
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

#: Fields added to every line logged in the current request or task.
log_fields: ContextVar[dict[str, Any] | None] = ContextVar("log_fields", default=None)


class ContextFilter(logging.Filter):
    """Add the fields of the current request or task to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in (log_fields.get() or {}).items():
            record.__dict__.setdefault(name, value)
        return True


class AccessLogFields(logging.Filter):
    """Give gunicorn's access lines their fields, from the atoms gunicorn logs them with."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args
        if isinstance(atoms, Mapping):
            record.method = atoms["m"]
            # The path as the client sent it (the request line), without the query.
            record.path = str(atoms["r"]).split(" ")[1].partition("?")[0]
            record.status = int(str(atoms["s"]))
            record.duration_ms = int(str(atoms["D"])) / 1000
            record.client = atoms["h"]
            record.request_id = atoms["{x-request-id}o"]
        return True


def formatter(log_format: str) -> logging.Formatter:
    """The formatter of ``LOG_FORMAT``: ``json`` (one object per line), else ``text``."""
    if log_format == "json":
        return JsonFormatter(
            "{levelname}{name}{message}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp=True,
        )
    return logging.Formatter(TEXT_FORMAT, defaults={"request_id": "-"})


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """A ``dictConfig`` dictionary: every logger writes to stderr in ``log_format``.

    SQLAlchemy's loggers stay at WARNING: at INFO they would log every statement.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": ContextFilter}},
        "formatters": {"line": {"()": formatter, "log_format": log_format}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "line",
                "filters": ["context"],
            },
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {"sqlalchemy": {"level": "WARNING"}},
    }


def gunicorn_logging_config(log_format: str, level: str) -> dict[str, Any]:
    """``logging_config`` for gunicorn's ``logconfig_dict``, its access lines with fields."""
    config = logging_config(log_format, level)
    config["filters"]["access"] = {"()": AccessLogFields}
    config["loggers"].update(
        {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {
                "level": "INFO",
                "handlers": [],
                "propagate": True,
                "filters": ["access"],
            },
        }
    )
    return config


class RequestLogFields(Middleware):
    """WSGI middleware: give each request its ID and log fields, and send the ID back."""

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        request_id = environ.get("HTTP_X_REQUEST_ID", "")
        if not REQUEST_ID_RE.fullmatch(request_id):
            request_id = secrets.token_hex(16)
        # PEP 3333 gives the path's bytes as latin-1 characters; werkzeug reads them as UTF-8.
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        fields = {
            "request_id": request_id,
            "method": environ["REQUEST_METHOD"],
            "path": path.encode("latin-1").decode("utf-8", "replace"),
        }

        def send_request_id(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            headers.append((REQUEST_ID_HEADER, request_id))
            return start_response(status, headers, *exc_info)

        token = log_fields.set(fields)
        try:
            return self.wsgi_app(environ, send_request_id)
        finally:
            log_fields.reset(token)


def bind(**fields: Any) -> None:
    """Add ``fields`` (``user_id=...``) to the lines of the current request, if any."""
    current = log_fields.get()
    if current is not None:
        current.update(fields)


def init_app(app: Flask) -> None:
    """Set up logging for ``app`` unless the entry point (gunicorn, pytest) has."""
    if not logging.getLogger().handlers:
        dictConfig(logging_config(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"]))
        logging.captureWarnings(True)
