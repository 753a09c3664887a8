"""Column types shared by the models, and how the engine behaves when the database is down.

A failure to open a connection counts as a disconnect, so that ``errors`` answers it with
503 and ``Retry-After``, as it does a connection lost in use.
"""

{% if cookiecutter.database == "postgresql" -%}
import math
{% endif -%}
{% if cookiecutter.database != "sqlite" -%}
from collections.abc import Callable
{% endif -%}
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import DateTime, Dialect, Numeric, String, Text, TypeDecorator, event
from sqlalchemy.engine import ExceptionContext
{%- if cookiecutter.database != "sqlite" %}
from sqlalchemy.pool import ConnectionPoolEntry
{%- endif %}
from sqlalchemy.types import TypeEngine

from ..extensions import db

#: The largest id: primary keys are INTEGER columns, 32-bit signed on PostgreSQL and MySQL.
ID_MAX = 2**31 - 1


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UnstorableValueError(ValueError):
    """A value no supported database can store in its column (answered with 422)."""


class StorableString(TypeDecorator[str]):
    """A ``VARCHAR`` that refuses NUL characters and values longer than the column.

    :raises UnstorableValueError: while a statement is built, on every database.
    """

    impl = String
    cache_ok = True

    def __init__(self, length: int) -> None:
        super().__init__(length)
        self.length = length

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return storable_text(value, self.length)


class StorableText(TypeDecorator[str]):
    """A ``TEXT`` column for longer text, checked as ``StorableString`` checks: at most
    ``length`` characters (the column itself declares no length).

    :raises UnstorableValueError: while a statement is built, on every database.
    """

    impl = Text
    cache_ok = True

    def __init__(self, length: int) -> None:
        super().__init__()
        self.length = length

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return storable_text(value, self.length)


def storable_text(value: str | None, length: int) -> str | None:
    """``value`` if every database can store it in a column of ``length`` characters.

    :raises UnstorableValueError: for a NUL character or a longer value.
    """
    if value is None:
        return None
    if "\x00" in value:
        raise UnstorableValueError("text must not contain NUL (U+0000) characters")
    if len(value) > length:
        raise UnstorableValueError(f"text must be at most {length} characters")
    return value


class FixedDecimal(TypeDecorator[Decimal]):
    """A ``NUMERIC(precision, scale)`` read back as a ``Decimal`` of ``scale`` places.

    SQLite has no such type: it keeps a float there, exact up to 15 digits, and the value
    is rounded back to ``scale`` places when read.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision, scale)
        self.precision, self.scale = precision, scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":  # a float, without SQLAlchemy's warning about it
            return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=False))
        return dialect.type_descriptor(self.impl_instance)

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-self.scale))


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, stored in UTC and read back as an aware UTC datetime."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # MySQL's DATETIME and SQLite keep no offset: the value was stored in UTC.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def count_connect_failures_as_disconnects(context: ExceptionContext) -> None:
    """``handle_error`` listener: a connection that cannot be opened is a disconnect."""
    if context.connection is None and not context.is_pre_ping:
        context.is_disconnect = True
{%- if cookiecutter.database != "sqlite" %}


def bounded_connect(timeout: float) -> Callable[..., None]:
    """A ``do_connect`` listener: give up connecting after ``timeout`` seconds."""

    def set_connect_timeout(
        dialect: Dialect, record: ConnectionPoolEntry, cargs: Any, cparams: dict[str, Any]
    ) -> None:
        # A connect_timeout in the URL wins; the tests' SQLite is left alone.
{%- if cookiecutter.database == "postgresql" %}
        if dialect.driver == "psycopg":
            # libpq takes whole seconds, and waits at least 2.
            cparams.setdefault("connect_timeout", math.ceil(timeout))
{%- else %}
        if dialect.driver == "pymysql":
            cparams.setdefault("connect_timeout", timeout)
{%- endif %}

    return set_connect_timeout
{%- endif %}


def init_app(app: Flask) -> None:
    """Attach the listeners above to the engine of ``app``."""
    with app.app_context():
        engine = db.engine
    event.listen(engine, "handle_error", count_connect_failures_as_disconnects)
{%- if cookiecutter.database != "sqlite" %}
    event.listen(engine, "do_connect", bounded_connect(app.config["CONNECT_TIMEOUT"]))
{%- endif %}
