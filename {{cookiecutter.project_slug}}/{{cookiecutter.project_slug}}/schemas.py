"""marshmallow schemas: what the JSON API accepts and returns."""

from flask import url_for
from marshmallow import Schema, fields, validate

from .models import PASSWORD_MIN, TITLE_MAX, USERNAME_MAX, Todo


class UserSchema(Schema):
    """A new account (``password`` is write-only)."""

    id = fields.Integer(dump_only=True)
    username = fields.String(required=True, validate=validate.Length(min=1, max=USERNAME_MAX))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=PASSWORD_MIN)
    )


class TodoSchema(Schema):
    """A todo. ``attachment`` describes the file (name, type, size in bytes, URL)."""

    id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    done = fields.Boolean(load_default=False)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    attachment = fields.Method("dump_attachment", dump_only=True)

    def dump_attachment(self, todo: Todo) -> dict[str, object] | None:
        """Describe the attachment of ``todo``, or None when it has none."""
        if todo.attachment_name is None:
            return None
        return {
            "name": todo.attachment_name,
            "type": todo.attachment_type,
            "size": todo.attachment_size,
            "url": url_for("api.get_attachment", todo_id=todo.id),
        }


class PageSchema(Schema):
    """Query parameters of a paginated list."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
