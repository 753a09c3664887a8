"""Log lines, one JSON object each (``LOG_FORMAT=json``) or readable text, and request IDs.

Every line has ``timestamp`` (RFC 3339, UTC), ``level``, ``logger`` and ``message``; a line
logged while a request is served adds ``request_id``, ``method``, ``path`` and, once the
request is authenticated, ``user_id``. gunicorn's access lines add ``status``,
``duration_ms`` and ``client`` (``GunicornLogger``).
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
import secrets
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import timedelta
from logging.config import dictConfig
from typing import Any

from flask import Flask
from gunicorn import glogging
from gunicorn.config import Config
from gunicorn.http.message import Request
from gunicorn.http.wsgi import Response
from pythonjsonlogger.json import JsonFormatter

from .middleware import Environ, Middleware, StartResponse

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


class GunicornLogger(glogging.Logger):
    """gunicorn's logger (its ``logger_class`` setting) whose access lines carry their
    fields as such: ``method``, ``path`` (as the client sent it, without the query),
    ``status``, ``duration_ms`` (milliseconds, float), ``client`` (``REMOTE_ADDR``), and
    the app's fields of the request (``RequestLogFields``: ``request_id``, ``user_id``).

    The message is the request line and its outcome, as in the common log format:
    ``127.0.0.1 "GET /health?probe HTTP/1.1" 200 16`` (client, request line, status, body
    bytes). gunicorn's own ``access`` first turns every header and environ key into an
    atom of ``access_log_format``, which this logger does not read: that cost about 30 µs
    of CPU time a request.
    """

    def setup(self, cfg: Config) -> None:
        """Set up gunicorn's logging (``logconfig_dict``), and log Python's warnings
        through it (logger ``py.warnings``) rather than as plain text on stderr."""
        super().setup(cfg)
        logging.captureWarnings(True)

    def access(
        self, resp: Response, req: Request, environ: dict[str, Any], request_time: timedelta
    ) -> None:
        """Log the access line of the request ``req`` answered by ``resp``, which took
        ``request_time``; nothing when the access log is off."""
        if not self.access_log_enabled:
            return
        client = environ.get("REMOTE_ADDR", "-")
        fields = {
            "method": environ["REQUEST_METHOD"],
            "path": environ["RAW_URI"].partition("?")[0],
            "status": resp.status_code,
            "duration_ms": request_time / timedelta(milliseconds=1),
            "client": client,
            **environ.get(ENVIRON_KEY, {}),
        }
        self.access_log.info(
            '%s "%s %s %s" %s %s',
            *(client, environ["REQUEST_METHOD"], environ["RAW_URI"], environ["SERVER_PROTOCOL"]),
            *(resp.status_code, resp.sent),
            extra=fields,
        )


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
    """``logging_config`` for gunicorn's ``logconfig_dict``: its error log and its access
    log (``GunicornLogger``'s lines) go to the root handler."""
    config = logging_config(log_format, level)
    config["loggers"].update(
        {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
        }
    )
    return config


class RequestLogFields(Middleware):
    """WSGI middleware (PEP 3333) that gives each request its ID and log fields, and sends
    the ID back.

    The ID is the request's ``X-Request-ID`` when that matches ``REQUEST_ID_RE``, else a new
    one: 128 random bits in 32 hex digits, as nginx's ``$request_id``. The fields
    (``request_id``, ``method``, ``path``; ``bind`` adds more) are in ``log_fields`` for
    every line logged while the app handles the request, and in the WSGI environ, where
    gunicorn's access log reads them. Every response carries the ID in ``X-Request-ID``,
    whoever made it (a view, an error handler, the mount's 404). A middleware rather than
    Flask's request hooks: it sees every response, and costs a request one call rather
    than three hooks.
    """

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
    gets ``logging_config(LOG_FORMAT, LOG_LEVEL)``, and Python's warnings (a library's
    ``DeprecationWarning``, say) become log lines of the logger ``py.warnings`` rather
    than plain text on stderr.
    """
    if not logging.getLogger().handlers:
        dictConfig(logging_config(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"]))
        logging.captureWarnings(True)
