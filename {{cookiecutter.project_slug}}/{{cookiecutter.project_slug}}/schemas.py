"""marshmallow schemas: what the JSON API accepts and returns.

flask-smorest parses requests with them (webargs) and writes them into the OpenAPI
document, so the rules here are both enforced and documented. The views name them as
instances (``@bp.arguments(TodoSchema())``), which serve every request: given a class,
webargs would build a schema, copying its fields, for each request it parses.
"""

from flask import url_for
from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy.engine import RowMapping

from .models import ID_MAX, PASSWORD_MIN, TITLE_MAX, USERNAME_MAX, Todo


class StrictBoolean(fields.Boolean):
    """A JSON ``true`` or ``false``, and nothing else.

    marshmallow's ``Boolean`` also takes ``1``, ``"yes"``, ``"on"`` and the like, which
    the OpenAPI document (``type: boolean``) does not allow.
    """

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class ApiLinksSchema(Schema):
    """Where the API's parts are: paths under the sub-path the app is mounted at."""

    openapi = fields.String(required=True, metadata={"description": "The OpenAPI document."})
    docs = fields.String(required=True, metadata={"description": "The interactive docs page."})
    todos = fields.String(required=True, metadata={"description": "The caller's todos."})


class ApiIndexSchema(Schema):
    """The API's index (``GET /api/v1/``)."""

    links = fields.Nested(ApiLinksSchema, required=True)


class UserSchema(Schema):
    """A new account (``password`` is write-only)."""

    id = fields.Integer(dump_only=True)
    username = fields.String(required=True, validate=validate.Length(min=1, max=USERNAME_MAX))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=PASSWORD_MIN)
    )


class TokenSchema(Schema):
    """A bearer token: an OAuth 2.0 token response (RFC 6749, section 5.1)."""

    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"enum": ["Bearer"]})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds."})


class AttachmentSchema(Schema):
    """A todo's file: name, MIME type, size in bytes, and where to download it."""

    name = fields.String(required=True)
    type = fields.String(required=True)
    size = fields.Integer(required=True)
    url = fields.String(required=True)


#: The one instance :meth:`TodoSchema.dump_attachment` dumps with (a schema instance is
#: reusable, and building one for each todo of a page costs more than the dump).
ATTACHMENT_SCHEMA = AttachmentSchema()


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

    def dump_attachment(self, todo: Todo | RowMapping) -> dict[str, object] | None:
        """Describe the attachment of ``todo`` (a ``Todo``, or a row of
        ``models.PAGE_OF_TODOS``), or None when it has none."""
        name = self.get_attribute(todo, "attachment_name", None)
        if name is None:
            return None
        todo_id = self.get_attribute(todo, "id", None)
        return ATTACHMENT_SCHEMA.dump(
            {
                "name": name,
                "type": self.get_attribute(todo, "attachment_type", None),
                "size": self.get_attribute(todo, "attachment_size", None),
                "url": url_for("api.get_attachment", todo_id=todo_id),
            }
        )


class TodoChangesSchema(Schema):
    """The members of a todo to change (PATCH): ``title``, ``done`` or both."""

    title = fields.String(validate=validate.Length(min=1, max=TITLE_MAX))
    done = StrictBoolean()


class PageSchema(Schema):
    """Query parameters of a paginated list (a page past the last one is empty)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=ID_MAX))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class TodoPageSchema(Schema):
    """One page of todos, and where it sits in the whole list."""

    items = fields.Nested(TodoSchema, many=True, required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)


class TodoCountsSchema(Schema):
    """How many todos a user has: all of them, the done and the open ones."""

    total = fields.Integer(required=True)
    done = fields.Integer(required=True)
    open = fields.Integer(required=True)


class UploadSchema(Schema):
    """A multipart/form-data body carrying one file in the field ``file``; other fields
    are ignored."""

    class Meta:
        unknown = EXCLUDE

    file = Upload(required=True)
