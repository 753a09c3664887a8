"""What the users API accepts and returns (marshmallow)."""

from marshmallow import Schema, fields, validate

from .models import PASSWORD_MIN, USERNAME_MAX


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
