"""Database models (SQLAlchemy 2 typed declarative mapping) and their queries."""

from datetime import UTC, datetime

{% if cookiecutter.cache == "redis" %}import redis
{% endif %}from flask import current_app
{%- if cookiecutter.app_style == "full" %}
from flask_login import UserMixin
{%- endif %}
from sqlalchemy import (
    DateTime,
    Dialect,
    ForeignKey,
    LargeBinary,
    String,
    TypeDecorator,
    bindparam,
    case,
{%- if cookiecutter.cache == "redis" %}
    event,
{%- endif %}
    func,
    select,
)
{%- if cookiecutter.database == "mysql" %}
from sqlalchemy.dialects.mysql import LONGBLOB
{%- endif %}
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import {{ ["cache" if cookiecutter.cache == "redis", "db", "login_manager" if cookiecutter.app_style == "full"] | select | join(", ") }}
from .logs import bind

#: Column lengths, shared with the validation rules of forms and schemas.
USERNAME_MAX = 64
PASSWORD_MIN = 8
TITLE_MAX = 200
FILENAME_MAX = 255
MIMETYPE_MAX = 127
#: The largest id: primary keys are INTEGER columns, 32-bit signed on PostgreSQL and MySQL.
ID_MAX = 2**31 - 1
{%- if cookiecutter.database == "mysql" %}

#: Attachment column type: MySQL's plain BLOB holds only 64 KiB, LONGBLOB up to 4 GiB.
ATTACHMENT_TYPE = LargeBinary().with_variant(LONGBLOB(), "mysql", "mariadb")
{%- endif %}


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime (called per row, not at import)."""
    return datetime.now(UTC)


class UnstorableValueError(ValueError):
    """A value that no supported database can store in its column: raised while a
    statement is built, before it reaches the database (see :class:`StorableString`)."""


class StorableString(TypeDecorator[str]):
    """A ``VARCHAR`` that refuses, on every database, a value it could not store.

    PostgreSQL rejects text holding NUL (U+0000) and every database rejects or cuts a
    value longer than the column; here both raise :class:`UnstorableValueError` instead,
    which the app answers with 422 (``errors``). It applies to every statement, so a
    lookup by a hostile value (a user name in HTTP Basic credentials) fails the same way.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, _dialect: Dialect) -> str | None:
        """Return ``value`` unchanged, or raise :class:`UnstorableValueError`."""
        if value is None:
            return None
        if "\x00" in value:
            raise UnstorableValueError("text must not contain NUL (U+0000) characters")
        if self.impl.length is not None and len(value) > self.impl.length:
            raise UnstorableValueError(f"text must be at most {self.impl.length} characters")
        return value


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, stored in UTC and read back as an aware UTC datetime everywhere.

    PostgreSQL's ``timestamptz`` keeps the offset; MySQL's ``DATETIME`` and SQLite keep
    none, so their values come back naive. They were stored in UTC, so they are marked
    UTC here, and the API always writes RFC 3339 date-times with an offset.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        """Convert an aware ``value`` to UTC before it is stored."""
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        """Return the stored ``value`` as an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class User({{ "UserMixin, " if cookiecutter.app_style == "full" }}db.Model):
    """An account; owns todos. Passwords are kept as werkzeug.security hashes."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(StorableString(USERNAME_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(StorableString(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    todos: Mapped[list["Todo"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password``, made with the app's ``PASSWORD_HASH_METHOD``
        (werkzeug.security's method syntax, such as ``scrypt``; see the config)."""
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )

    def check_password(self, password: str) -> bool:
        """Return True when ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)


class Todo(db.Model):
    """A todo item of one user, optionally carrying one file attachment.

    The attachment's bytes live in a BLOB column, loaded only when read
    (``deferred``), so that listing todos does not fetch file contents.
    """

    __tablename__ = "todos"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(StorableString(TITLE_MAX))
    done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    attachment_name: Mapped[str | None] = mapped_column(StorableString(FILENAME_MAX))
    attachment_type: Mapped[str | None] = mapped_column(StorableString(MIMETYPE_MAX))
    attachment_size: Mapped[int | None]
{%- if cookiecutter.database == "mysql" %}
    attachment: Mapped[bytes | None] = deferred(mapped_column(ATTACHMENT_TYPE))
{%- else %}
    attachment: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
{%- endif %}
    user: Mapped[User] = relationship(back_populates="todos")

    def set_attachment(self, filename: str, mimetype: str, data: bytes) -> None:
        """Attach ``data`` (bytes) under ``filename`` with the given MIME type."""
        self.attachment_name = filename
        self.attachment_type = mimetype
        self.attachment_size = len(data)
        self.attachment = data

    def clear_attachment(self) -> None:
        """Remove the attachment, if any."""
        self.attachment_name = self.attachment_type = self.attachment_size = None
        self.attachment = None


def own_todo(todo_id: int, user_id: int) -> Todo:
    """Return the todo ``todo_id`` of the user ``user_id``.

    :raises werkzeug.exceptions.NotFound: when it does not exist or belongs to another
        user (404 rather than 403, so ids of other users' todos are not revealed).
    """
    return db.first_or_404(select(Todo).where(Todo.id == todo_id, Todo.user_id == user_id))


#: A user's todos as a listing shows them (all but the attachment's bytes), oldest first,
#: a page at a time, each row with the number of all of them (``total``: a window
#: function, counted before ``LIMIT``, so one statement brings the page and the count).
#: Core statements on the ``todos`` table, built once: they return plain rows, with none
#: of the ORM's per-row work, and SQLAlchemy finds their compiled SQL at once in its
#: cache. Run with ``user_id``, ``limit`` and ``offset``.
TODOS = Todo.__table__
PAGE_OF_TODOS = (
    select(
        TODOS.c.id,
        TODOS.c.title,
        TODOS.c.done,
        TODOS.c.created_at,
        TODOS.c.updated_at,
        TODOS.c.attachment_name,
        TODOS.c.attachment_type,
        TODOS.c.attachment_size,
        func.count().over().label("total"),
    )
    .where(TODOS.c.user_id == bindparam("user_id"))
    .order_by(TODOS.c.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
#: The number of a user's todos, for a page past the last one (no row to carry it).
COUNT_TODOS = (
    select(func.count()).select_from(TODOS).where(TODOS.c.user_id == bindparam("user_id"))
)


def todo_page(user_id: int, page: int, per_page: int) -> tuple[list[RowMapping], int]:
    """One page of the todos of the user ``user_id``, oldest first, and their number.

    :param page: the page's number, from 1; a page past the last one is empty.
    :param per_page: the todos a page holds.
    :returns: the page's todos as rows of the columns of :data:`PAGE_OF_TODOS` (read by
        name, like a ``Todo``'s attributes), and how many todos the user has in all.

    One statement, where Flask-SQLAlchemy's ``paginate`` would run two, count over a
    subquery and build a ``Todo`` per row: that made about a third of the time of
    ``GET /api/v1/todos``.
    """
    rows = db.session.execute(
        PAGE_OF_TODOS, {"user_id": user_id, "limit": per_page, "offset": (page - 1) * per_page}
    )
    items = list(rows.mappings())
    if items:
        return items, items[0]["total"]
    return items, db.session.scalar(COUNT_TODOS, {"user_id": user_id})


class UsernameTakenError(ValueError):
    """Raised by :func:`create_user` when the username belongs to another account."""


def create_user(username: str, password: str) -> User:
    """Create and commit a user.

    :raises UsernameTakenError: when ``username`` is already registered (checked
        by the database's unique constraint, so concurrent sign-ups cannot both win).
    """
    user = User(username=username)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise UsernameTakenError(username) from None
    return user


def authenticated_user(user_id: int) -> User | None:
    """The user user_id that a request authenticated as (a session, a token), or
    None when there is none; the request's log lines then carry the user's id."""
    user = db.session.get(User, user_id)
    if user is not None:
        bind(user_id=user.id)
    return user
{%- if cookiecutter.app_style == "full" %}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user whose id the session holds, or None."""
    return authenticated_user(int(user_id))
{%- endif %}
{%- if cookiecutter.cache == "redis" %}


@cache.memoize()
def todo_counts(user_id: int) -> dict[str, int]:
    """Count the todos of one user: ``{"total": n, "done": n, "open": n}``.

    Memoized in the cache; every change to a user's todos calls
    :func:`forget_todo_counts` for that user (see the ORM events below).
    """
{%- else %}


def todo_counts(user_id: int) -> dict[str, int]:
    """Count the todos of one user: ``{"total": n, "done": n, "open": n}``."""
{%- endif %}
    total, done = db.session.execute(
        select(func.count(Todo.id), func.count(case((Todo.done, 1)))).where(
            Todo.user_id == user_id
        )
    ).one()
    return {"total": total, "done": done, "open": total - done}

{%- if cookiecutter.cache == "redis" %}


def forget_todo_counts(user_id: int) -> None:
    """Drop the cached :func:`todo_counts` of ``user_id``.

    A cache outage does not fail the change that calls this: it is logged, and counts
    cached before the outage may be served until they expire (``CACHE_DEFAULT_TIMEOUT``).
    """
    try:
        cache.delete_memoized(todo_counts, user_id)
    except redis.RedisError:
        current_app.logger.warning(
            "Cache unavailable: the todo counts of user %s may be stale for up to %s s",
            user_id,
            current_app.config["CACHE_DEFAULT_TIMEOUT"],
            exc_info=True,
        )


@event.listens_for(Todo, "after_insert")
@event.listens_for(Todo, "after_update")
@event.listens_for(Todo, "after_delete")
def _todo_changed(_mapper: object, _connection: object, todo: Todo) -> None:
    """Keep :func:`todo_counts` true: forget the owner's counts on every change."""
    forget_todo_counts(todo.user_id)
{%- endif %}
