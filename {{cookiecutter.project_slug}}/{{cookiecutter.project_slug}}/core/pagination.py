"""Keyset pagination of lists: a page is the rows after an id, with a link to the next.

A page found through an index on (owner, id) costs the same at any depth; an offset, or
a count of every row, grows with the list.
"""

from collections.abc import Sequence
from typing import Any

from flask import {{ "abort, " if cookiecutter.app_style == "full" }}request, url_for
from marshmallow import Schema, fields, validate
from sqlalchemy import Select, SQLColumnExpression, func, select

from ..extensions import db
from .database import ID_MAX


class PageArgsSchema(Schema):
    """Query parameters of a list."""

    after = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=ID_MAX),
        metadata={"description": "Start after this id (0, the default, is the first page)."},
    )
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    total = fields.Boolean(
        load_default=False,
        metadata={"description": "Also count every item (costs a scan of the list)."},
    )


class PageSchema(Schema):
    """A page of a list; a subclass adds its ``items``."""

    per_page = fields.Integer(required=True)
    next = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The URL of the next page; null on the last."},
    )
    total = fields.Integer(metadata={"description": "How many items in all, when asked."})


def keyset(
    statement: Select[Any], key: SQLColumnExpression[int], after: int, per_page: int
) -> Select[Any]:
    """``statement`` narrowed to the rows whose ``key`` is above ``after``, in its order,
    one more than a page: that one tells whether there is a next page."""
    return statement.where(key > after).order_by(key).limit(per_page + 1)


def count_rows(statement: Select[Any]) -> int:
    """How many rows ``statement`` selects."""
    return db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def page_body(items: Sequence[Any], per_page: int, total: int | None = None) -> dict[str, Any]:
    """A page of ``items`` (fetched by :func:`keyset`) with the URL of the next page of this
    endpoint, and ``total`` when given."""
    body: dict[str, Any] = {"items": items[:per_page], "per_page": per_page, "next": None}
    if len(items) > per_page:
        values = {**(request.view_args or {}), "after": items[per_page - 1].id}
        body["next"] = url_for(str(request.endpoint), **values, per_page=per_page)
    if total is not None:
        body["total"] = total
    return body
{%- if cookiecutter.app_style == "full" %}


def after_arg() -> int:
    """A page's ``after`` query parameter: 0 when absent; 400 when it is not an id."""
    after = request.args.get("after", 0, type=int)
    if not 0 <= after <= ID_MAX:
        abort(400, f"after must be an id from 0 to {ID_MAX}.")
    return after
{%- endif %}
