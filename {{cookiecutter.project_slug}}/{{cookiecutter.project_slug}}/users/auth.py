"""API authentication: HTTP Basic for the token endpoint, bearer tokens for the rest.

Tokens are signed, time-limited values (itsdangerous) holding the user's id.
"""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app
from flask_httpauth import HTTPBasicAuth, HTTPTokenAuth
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select

from ..core.errors import problem
from ..core.logs import bind
from ..core.openapi import BASIC_AUTH, BEARER_AUTH, PROBLEM_JSON, ApiBlueprint, ProblemSchema
from ..extensions import db
from .models import User, authenticated_user

logger = logging.getLogger(__name__)
basic_auth = HTTPBasicAuth()
token_auth = HTTPTokenAuth(scheme="Bearer")

TOKEN_SALT = "api-token"

View = TypeVar("View", bound=Callable[..., Any])


def serializer() -> URLSafeTimedSerializer:
    """The token signer, keyed by ``SECRET_KEY``."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def issue_token(user: User) -> str:
    """A new bearer token for ``user``."""
    logger.info("Issued an API token")
    return serializer().dumps({"user_id": user.id})


@basic_auth.verify_password
def verify_password(username: str, password: str) -> User | None:
    """The user whose username and password match, else None (401)."""
    user: User | None = db.session.scalar(select(User).where(User.username == username))
    if user is not None and user.check_password(password):
        bind(user_id=user.id)
        return user
    return None


@token_auth.verify_token
def verify_token(token: str) -> User | None:
    """The user a valid, unexpired token names, else None (401)."""
    try:
        data = serializer().loads(token, max_age=current_app.config["API_TOKEN_MAX_AGE"])
    except BadData:  # a bad signature, an expired token, an unreadable payload
        return None
    return authenticated_user(data["user_id"])


def current_user() -> User:
    """The user the request's bearer token names."""
    user: User = token_auth.current_user()
    return user


def auth_error(status: int) -> Response:
    """Failed authentication as Problem Details; Flask-HTTPAuth adds the challenge."""
    return problem(status, "Valid credentials are required.")


basic_auth.error_handler(auth_error)
token_auth.error_handler(auth_error)


def unauthorized(description: str) -> dict[str, Any]:
    """The OpenAPI description of a 401 answer."""
    content = {PROBLEM_JSON: {"schema": ProblemSchema}}
    return {"401": {"description": description, "content": content}}


def basic_required(view: View) -> View:
    """Require HTTP Basic credentials for ``view``, and document it."""
    view = basic_auth.login_required(view)
    documented = ApiBlueprint.doc(
        security=BASIC_AUTH, responses=unauthorized("The username or the password is wrong.")
    )
    return documented(view)  # type: ignore[no-any-return]


def bearer_required(view: View) -> View:
    """Require a valid bearer token for ``view``, and document it."""
    view = token_auth.login_required(view)
    documented = ApiBlueprint.doc(
        security=BEARER_AUTH, responses=unauthorized("A valid bearer token is required.")
    )
    return documented(view)  # type: ignore[no-any-return]
