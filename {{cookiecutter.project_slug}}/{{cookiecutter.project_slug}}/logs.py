"""Log lines, one JSON object each (``LOG_FORMAT=json``) or readable text, and request IDs.

Every line has ``timestamp`` (RFC 3339, UTC), ``level``, ``logger`` and ``message``; a line
logged while a request is served adds ``request_id``, ``method``, ``path`` and, once the
request is authenticated, ``user_id``. gunicorn's access lines add ``status``,
``duration_ms`` and ``client`` (``GunicornAccessFilter``).
{%- if cookiecutter.worker == "celery" %} The lines of a Celery task carry
the ID of the request that started it (tasks.py).
{%- endif %}

python-json-logger rather than structlog: everything here logs through the standard
library's ``logging`` (Flask, gunicorn, {{ "Celery, " if cookiecutter.worker == "celery" }}SQLAlchemy, this code), and python-json-logger
is a plain ``logging.Formatter`` that ``dictConfig`` and gunicorn's ``logconfig_dict`` take
as they are. structlog would add a second logging API, and its ``ProcessorFormatter`` only
to bring these standard records back into it.
"""

import logging
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from logging.config import dictConfig
from typing import Any

from flask import Flask
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
#: A request ID taken from the proxy: 1 to 128 letters, digits, ``.``, ``_`` or ``-``. No
#: standard defines the header; this rule is ours. It admits the IDs that nginx
#: (``$request_id``, 32 hex digits), ingress-nginx and UUIDs give, and keeps what a client
#: sends from forging or bloating log lines (OWASP Logging Cheat Sheet: log injection).
#: Any other value is replaced by a new ID.
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,128}")
#: Key of the request's log fields in the WSGI environ, where gunicorn's access log finds
#: them once the app has answered.
ENVIRON_KEY = "{{ cookiecutter.project_slug }}.log_fields"
#: gunicorn's access log atoms of that environ key and of the response's request ID.
FIELDS_ATOM = "{" + ENVIRON_KEY + "}e"
REQUEST_ID_ATOM = "{x-request-id}o"

#: Fields added to every line logged in the current request or task.
log_fields: ContextVar[dict[str, Any] | None] = ContextVar("log_fields", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class ContextFilter(logging.Filter):
    """Add the fields of the current request or task (``log_fields``) to each record,
    except those the record already has (an ``extra`` of the call)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in (log_fields.get() or {}).items():
            record.__dict__.setdefault(name, value)
        return True


class GunicornAccessFilter(logging.Filter):
    """Turn gunicorn's access log atoms (the record's ``args``) into fields: ``method``,
    ``path`` (as the client sent it, without the query), ``status``, ``duration_ms``
    (milliseconds, float), ``client`` (``REMOTE_ADDR``), ``request_id`` (the response's
    ``X-Request-ID``), and the app's fields of that request, ``user_id`` among them.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args
        if not isinstance(atoms, Mapping):
            return True
        fields = {
            "method": atoms.get("m"),
            "path": str(atoms.get("{raw_uri}e", "")).partition("?")[0],
            "status": int(atoms["s"]),
            "duration_ms": atoms["D"] / 1000,
            "client": atoms.get("h"),
            **(atoms.get(FIELDS_ATOM) or {}),
        }
        if request_id := atoms.get(REQUEST_ID_ATOM):
            fields["request_id"] = request_id
        for name, value in fields.items():
            record.__dict__.setdefault(name, value)
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
    """A ``logging.config.dictConfig`` dictionary: every logger writes through one stderr
    handler, in ``log_format``, with the fields of ``ContextFilter``.

    :param log_format: ``json`` or ``text``.
    :param level: the root level, a name such as ``INFO``. SQLAlchemy's loggers stay at
        WARNING: at INFO they would log every SQL statement.
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
    """``logging_config`` for gunicorn's ``logconfig_dict``: its error log goes to the root
    handler, its access log to one that adds ``GunicornAccessFilter``'s fields first."""
    config = logging_config(log_format, level)
    config["filters"]["access"] = {"()": GunicornAccessFilter}
    config["handlers"]["access"] = {
        **config["handlers"]["stderr"],
        "filters": ["access", "context"],
    }
    config["loggers"].update(
        {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        }
    )
    return config


class RequestLogFields:
    """WSGI middleware (PEP 3333) that gives each request its ID and log fields, and sends
    the ID back.

    The ID is the request's ``X-Request-ID`` when that matches ``REQUEST_ID_RE``, else a new
    one (a UUID4's 32 hex digits). The fields (``request_id``, ``method``, ``path``; ``bind``
    adds more) are in ``log_fields`` for every line logged while the app handles the
    request, and in the WSGI environ, where gunicorn's access log reads them. Every
    response carries the ID in ``X-Request-ID``, whoever made it (a view, an error handler,
    the mount's 404). A middleware rather than Flask's request hooks: it sees every
    response, and costs a request one call rather than three hooks.

    :param wsgi_app: the WSGI application to wrap (the app's ``wsgi_app``).
    """

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request_id = environ.get("HTTP_X_REQUEST_ID", "")
        if not REQUEST_ID_RE.fullmatch(request_id):
            request_id = uuid.uuid4().hex
        # PEP 3333 gives the path's bytes as latin-1 characters; werkzeug reads them as UTF-8.
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        fields = {
            "request_id": request_id,
            "method": environ["REQUEST_METHOD"],
            "path": path.encode("latin-1").decode("utf-8", "replace"),
        }
        environ[ENVIRON_KEY] = fields

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
    """Set up logging for ``app`` if nothing has; the factory wraps the app in
    ``RequestLogFields``, which gives each request its ID and log fields.

    The process's entry point may have configured logging already (gunicorn's
    ``logconfig_dict``, pytest); else, as ``logging.basicConfig`` would, the root logger
    gets ``logging_config(LOG_FORMAT, LOG_LEVEL)``.
    """
    if not logging.getLogger().handlers:
        dictConfig(logging_config(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"]))
