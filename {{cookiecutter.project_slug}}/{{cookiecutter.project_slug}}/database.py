"""How the app's engine behaves when the database is down.
{% if cookiecutter.database != "sqlite" %}
Opening a connection waits at most ``CONNECT_TIMEOUT`` seconds, and a failure to open
one counts as a disconnect, as a connection lost in use already does: either way
SQLAlchemy's error has ``connection_invalidated`` set, which errors.py answers with 503
and ``Retry-After``. ``pool_pre_ping`` (config.py) replaces connections that died during
an outage, so the app recovers without a restart.
{%- else %}
A failure to open the database counts as a disconnect, as a connection lost in use
already does: either way SQLAlchemy's error has ``connection_invalidated`` set, which
errors.py answers with 503 and ``Retry-After``.
{%- endif %}
"""
{% if cookiecutter.database != "sqlite" %}
from collections.abc import Callable
from typing import Any
{% endif %}
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import {{ "Dialect, " if cookiecutter.database != "sqlite" }}ExceptionContext
{%- if cookiecutter.database != "sqlite" %}
from sqlalchemy.pool import ConnectionPoolEntry
{%- endif %}

from .extensions import db


def count_connect_failures_as_disconnects(context: ExceptionContext) -> None:
    """SQLAlchemy ``handle_error`` listener: an error raised while opening a connection
    (``context.connection`` is None) means the database is unavailable.

    SQLAlchemy sets ``connection_invalidated`` only for the errors its dialect knows as
    disconnects of an open connection; a refused or timed-out connect is not among them.
    Errors of statements and commits (constraint violations, values too long, deadlocks)
    keep their own meaning. Pre-ping failures are left to the pool, which reconnects.
    """
    if context.connection is None and not context.is_pre_ping:
        context.is_disconnect = True
{%- if cookiecutter.database != "sqlite" %}


def bounded_connect(timeout: int) -> Callable[..., None]:
    """A ``do_connect`` listener that makes the DBAPI give up connecting after ``timeout``
    seconds: the ``connect_timeout`` argument of
    {%- if cookiecutter.database == "postgresql" %} libpq (psycopg; libpq treats 1 as 2).
    {%- else %} PyMySQL.
    {%- endif %}

    A ``connect_timeout`` in the database URL wins. Other drivers (the tests' SQLite)
    are left alone.
    """

    def set_connect_timeout(
        dialect: Dialect, _record: ConnectionPoolEntry, _cargs: Any, cparams: dict[str, Any]
    ) -> None:
        if dialect.driver == "{{ "psycopg" if cookiecutter.database == "postgresql" else "pymysql" }}":
            cparams.setdefault("connect_timeout", timeout)

    return set_connect_timeout
{%- endif %}


def init_app(app: Flask) -> None:
    """Attach the listeners above to the engine of ``app`` (after ``db.init_app``)."""
    with app.app_context():
        engine = db.engine
    event.listen(engine, "handle_error", count_connect_failures_as_disconnects)
{%- if cookiecutter.database != "sqlite" %}
    event.listen(engine, "do_connect", bounded_connect(app.config["CONNECT_TIMEOUT"]))
{%- endif %}
