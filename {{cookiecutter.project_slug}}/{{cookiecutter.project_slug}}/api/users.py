"""API accounts and tokens."""

from flask import abort, current_app

from ..models import User, UsernameTakenError, create_user
from ..openapi import error_response, too_many_requests
from ..ratelimits import login_limit, register_limit
from ..schemas import TokenSchema, UserSchema
from . import bp
from .auth import basic_auth, basic_required, issue_token


@bp.post("/users")
@register_limit
@bp.arguments(UserSchema())
@bp.response(201, UserSchema)
@bp.alt_response(409, **error_response("The username is taken."))
@bp.alt_response(429, **too_many_requests("Too many registrations from this address."))
@bp.doc(security=[])
def register(data: dict[str, str]) -> User:
    """Create an account from ``{"username", "password"}``: 201, or 409 when taken."""
    try:
        return create_user(data["username"], data["password"])
    except UsernameTakenError:
        abort(409, "This username is taken.")


@bp.post("/tokens")
@login_limit
@basic_required
@bp.response(201, TokenSchema)
@bp.alt_response(429, **too_many_requests("Too many attempts to log in from this address."))
def create_token() -> dict[str, object]:
    """Exchange HTTP Basic credentials for a bearer token.

    The body has the shape of an OAuth 2.0 token response (RFC 6749, section 5.1):
    ``access_token``, ``token_type`` and ``expires_in`` (seconds).
    """
    return {
        "access_token": issue_token(basic_auth.current_user()),
        "token_type": "Bearer",
        "expires_in": current_app.config["API_TOKEN_MAX_AGE"],
    }
