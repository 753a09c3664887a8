"""API authentication: HTTP Basic for the token endpoint, bearer tokens for the rest.

Tokens are signed, time-limited values (itsdangerous) holding the user's id; they need
no table and expire after ``API_TOKEN_MAX_AGE`` seconds.
"""

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Response, current_app
from flask_httpauth import HTTPBasicAuth, HTTPTokenAuth
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select

from ..errors import problem
from ..extensions import db
from ..logs import bind
from ..models import User, authenticated_user
from ..openapi import BASIC_AUTH, BEARER_AUTH, error_response
from . import bp

logger = logging.getLogger(__name__)
basic_auth = HTTPBasicAuth()
token_auth = HTTPTokenAuth(scheme="Bearer")

TOKEN_SALT = "api-token"

View = TypeVar("View", bound=Callable[..., object])


def serializer() -> URLSafeTimedSerializer:
    """The token signer, keyed by ``SECRET_KEY``."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def issue_token(user: User) -> str:
    """Return a new bearer token for ``user``, and log it (never the token itself)."""
    logger.info("Issued an API token")
    return serializer().dumps({"user_id": user.id})


@basic_auth.verify_password
def verify_password(username: str, password: str) -> User | None:
    """Return the user whose username and password match, else None (401); the request's
    log lines then carry the user's id."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is not None and user.check_password(password):
        bind(user_id=user.id)
        return user
    return None


@token_auth.verify_token
def verify_token(token: str) -> User | None:
    """Return the user a valid, unexpired token names, else None (401); the request's log
    lines then carry the user's id."""
    try:
        data = serializer().loads(token, max_age=current_app.config["API_TOKEN_MAX_AGE"])
    except BadData:  # a bad signature, an expired token, an unreadable payload
        return None
    return authenticated_user(data["user_id"])


def auth_error(status: int) -> Response:
    """Answer failed authentication as Problem Details (401, or 403).

    Flask-HTTPAuth adds the ``WWW-Authenticate`` challenge of each scheme.
    """
    return problem(status, "Valid credentials are required.")


basic_auth.error_handler(auth_error)
token_auth.error_handler(auth_error)


def basic_required(view: View) -> View:
    """Require HTTP Basic credentials for ``view``, and document it (401, ``basicAuth``)."""
    view = basic_auth.login_required(view)
    view = bp.alt_response(401, **error_response("The username or the password is wrong."))(view)
    return bp.doc(security=BASIC_AUTH)(view)


def bearer_required(view: View) -> View:
    """Require a valid bearer token for ``view``, and document it (401, ``bearerAuth``)."""
    view = token_auth.login_required(view)
    view = bp.alt_response(401, **error_response("A valid bearer token is required."))(view)
    return bp.doc(security=BEARER_AUTH)(view)
