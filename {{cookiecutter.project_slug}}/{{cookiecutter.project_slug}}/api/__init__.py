"""The ``api`` blueprint: the JSON API under ``/api/v1``.

Clients authenticate with a bearer token (RFC 6750) obtained from ``POST /api/v1/tokens``
with HTTP Basic credentials (RFC 7617). The API is exempt from CSRF protection because
it never reads the session cookie. Errors are Problem Details (see ``errors``).
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import {{ "tasks, " if cookiecutter.worker == "celery" }}todos, users  # noqa: E402,F401 - routes register on import
