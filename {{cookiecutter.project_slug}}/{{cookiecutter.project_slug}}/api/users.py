"""API accounts and tokens."""

from flask import Response, current_app, jsonify, request

from ..errors import problem
from ..models import UsernameTakenError, create_user
from ..schemas import UserSchema
from . import bp
from .auth import basic_auth, issue_token

user_schema = UserSchema()


@bp.post("/users")
def register() -> Response | tuple[Response, int]:
    """Create an account from ``{"username", "password"}``: 201, or 409 when taken."""
    data = user_schema.load(request.get_json())
    try:
        user = create_user(data["username"], data["password"])
    except UsernameTakenError:
        return problem(409, "This username is taken.")
    return jsonify(user_schema.dump(user)), 201


@bp.post("/tokens")
@basic_auth.login_required
def create_token() -> tuple[Response, int]:
    """Exchange HTTP Basic credentials for a bearer token.

    The body has the shape of an OAuth 2.0 token response (RFC 6749, section 5.1):
    ``access_token``, ``token_type`` and ``expires_in`` (seconds).
    """
    return (
        jsonify(
            access_token=issue_token(basic_auth.current_user()),
            token_type="Bearer",
            expires_in=current_app.config["API_TOKEN_MAX_AGE"],
        ),
        201,
    )
