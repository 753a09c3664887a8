"""The todo model and its queries."""

from datetime import datetime
from typing import Any

{% if cookiecutter.cache == "redis" %}import redis
from flask import current_app
{% endif %}from sqlalchemy import ForeignKey, Index, LargeBinary, bindparam, case, {{ "event, " if cookiecutter.cache == "redis" }}func, select
{%- if cookiecutter.database == "mysql" %}
from sqlalchemy.dialects.mysql import LONGBLOB
{%- endif %}
from sqlalchemy.engine import Row
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..core.database import StorableString, UTCDateTime, utcnow
from ..extensions import Base, {{ "cache, " if cookiecutter.cache == "redis" }}db
from ..users.models import User

#: Shared with the validation rules of forms and schemas.
TITLE_MAX = 200
FILENAME_MAX = 255
MIMETYPE_MAX = 127
{%- if cookiecutter.database == "mysql" %}
#: MySQL's plain BLOB holds only 64 KiB, LONGBLOB up to 4 GiB.
ATTACHMENT_TYPE = LargeBinary().with_variant(LONGBLOB(), "mysql", "mariadb")
{%- endif %}


class Todo(Base):
    """A todo of one user, with an optional attachment loaded only when read."""

    __tablename__ = "todos"
    # A page of a user's todos is a range of this index, however many there are.
    __table_args__ = (Index("ix_todos_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
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
    user: Mapped[User] = relationship()

    def set_attachment(self, filename: str, mimetype: str, data: bytes) -> None:
        """Attach ``data`` under ``filename`` with the given MIME type."""
        self.attachment_name = filename
        self.attachment_type = mimetype
        self.attachment_size = len(data)
        self.attachment = data

    def clear_attachment(self) -> None:
        """Remove the attachment, if any."""
        self.attachment_name = self.attachment_type = self.attachment_size = None
        self.attachment = None


def own_todo(todo_id: int, user_id: int) -> Todo:
    """The todo ``todo_id`` of the user ``user_id``.

    :raises werkzeug.exceptions.NotFound: also for another user's todo, so that its id
        is not revealed.
    """
    todo: Todo = db.first_or_404(select(Todo).where(Todo.id == todo_id, Todo.user_id == user_id))
    return todo


# A page of a user's todos without the attachments' bytes, as core.pagination.keyset
# narrows a list, built once: one Core statement, no ORM object per row.
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
    )
    .where(TODOS.c.user_id == bindparam("user_id"), TODOS.c.id > bindparam("after"))
    .order_by(TODOS.c.id)
    .limit(bindparam("limit"))
)


def todo_page(user_id: int, after: int, per_page: int) -> list[Row[Any]]:
    """The user's todos after the id ``after``, oldest first: a page and one more."""
    params = {"user_id": user_id, "after": after, "limit": per_page + 1}
    return list(db.session.execute(PAGE_OF_TODOS, params))
{%- if cookiecutter.cache == "redis" %}


@cache.memoize()
def todo_counts(user_id: int) -> dict[str, int]:
    """How many todos a user has: ``total``, ``done`` and ``open`` (cached)."""
{%- else %}


def todo_counts(user_id: int) -> dict[str, int]:
    """How many todos a user has: ``total``, ``done`` and ``open``."""
{%- endif %}
    total, done = db.session.execute(
        select(func.count(Todo.id), func.count(case((Todo.done, 1)))).where(
            Todo.user_id == user_id
        )
    ).one()
    return {"total": total, "done": done, "open": total - done}
{%- if cookiecutter.cache == "redis" %}


def forget_todo_counts(user_id: int) -> None:
    """Drop the cached counts of ``user_id``; a cache outage is logged, not raised."""
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
def todo_changed(mapper: object, connection: object, todo: Todo) -> None:
    """Forget the owner's cached counts on every change."""
    forget_todo_counts(todo.user_id)
{%- endif %}
