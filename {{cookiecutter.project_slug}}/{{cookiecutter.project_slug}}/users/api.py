"""API accounts and tokens: sign up, get a token, read your account."""

from flask import abort, current_app

from ..core.openapi import ApiBlueprint, error_response, too_many_requests
from ..core.ratelimits import login_limit, register_limit
from .auth import basic_auth, basic_required, bearer_required, current_user, issue_token
from .models import User, UsernameTakenError, create_user
from .schemas import TokenSchema, UserSchema

bp = ApiBlueprint("users_api", __name__, url_prefix="/api/v1", description="Accounts and tokens.")


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
    """Exchange HTTP Basic credentials for a bearer token."""
    return {
        "access_token": issue_token(basic_auth.current_user()),
        "token_type": "Bearer",
        "expires_in": current_app.config["API_TOKEN_MAX_AGE"],
    }


@bp.get("/users/me")
@bearer_required
@bp.response(200, UserSchema)
def me() -> User:
    """The account the bearer token names."""
    return current_user()
