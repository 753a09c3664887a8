"""What the todos API accepts and returns (marshmallow); the views use one instance of
each schema for every request."""

from typing import Any

from flask import url_for
from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy.engine import Row

from ..core.fields import StrictBoolean
from ..core.pagination import PageSchema
from .models import TITLE_MAX, Todo


class AttachmentSchema(Schema):
    """A todo's file: name, MIME type, size in bytes, and where to download it."""

    name = fields.String(required=True)
    type = fields.String(required=True)
    size = fields.Integer(required=True)
    url = fields.String(required=True)


class TodoSchema(Schema):
    """A todo. ``attachment`` describes the file, or is null when there is none."""

    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    done = StrictBoolean(load_default=False)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    attachment = fields.Method(
        "dump_attachment",
        dump_only=True,
        allow_none=True,
        metadata={"oneOf": [{"$ref": "#/components/schemas/Attachment"}, {"type": "null"}]},
    )

    def dump_attachment(self, todo: Todo) -> dict[str, object] | None:
        return attachment_json(todo)


class TodoChangesSchema(Schema):
    """The members of a todo to change (PATCH): ``title``, ``done`` or both."""

    title = fields.String(validate=validate.Length(min=1, max=TITLE_MAX))
    done = StrictBoolean()


class TodoPageSchema(PageSchema):
    """A page of todos."""

    items = fields.Nested(TodoSchema, many=True, required=True)


class TodoCountsSchema(Schema):
    """How many todos a user has: all of them, the done and the open ones."""

    total = fields.Integer(required=True)
    done = fields.Integer(required=True)
    open = fields.Integer(required=True)


class UploadSchema(Schema):
    """A multipart/form-data body with a file in the field ``file``; other fields ignored."""

    class Meta:
        unknown = EXCLUDE

    file = Upload(required=True)


def attachment_json(todo: Todo | Row[Any]) -> dict[str, object] | None:
    """The attachment of ``todo`` (a ``Todo`` or a row of a page), as ``AttachmentSchema``
    describes it, or None."""
    if todo.attachment_name is None:
        return None
    return {
        "name": todo.attachment_name,
        "type": todo.attachment_type,
        "size": todo.attachment_size,
        "url": url_for("todos_api.get_attachment", todo_id=todo.id),
    }


def todo_json(todo: Row[Any]) -> dict[str, object]:
    """A row of a page of todos as ``TodoSchema`` dumps it (a test keeps them alike)."""
    return {
        "id": todo.id,
        "title": todo.title,
        "done": todo.done,
        "created_at": todo.created_at.isoformat(),
        "updated_at": todo.updated_at.isoformat(),
        "attachment": attachment_json(todo),
    }
