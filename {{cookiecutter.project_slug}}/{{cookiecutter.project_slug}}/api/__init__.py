"""The ``api`` blueprint: the JSON API under ``/api/v1``, and its OpenAPI document.

Clients authenticate with a bearer token (RFC 6750) obtained from ``POST /api/v1/tokens``
with HTTP Basic credentials (RFC 7617). It never reads a session cookie, so it needs no
CSRF protection. Errors are Problem Details (see ``errors``).

flask-smorest parses each request with the route's marshmallow schemas and writes the
OpenAPI 3.1 document, served at ``/api/v1/openapi.json``; ``docs`` serves Swagger UI.
"""

from flask import Flask

from ..converters import IdConverter, id_parameter
from ..openapi import SECURITY_SCHEMES, ProblemDetailsApi
from ..schemas import AttachmentSchema
from .parser import ApiBlueprint

bp = ApiBlueprint("api", __name__, url_prefix="/api/v1", description="The JSON API.")

from . import docs, index, {{ "tasks, " if cookiecutter.worker == "celery" }}todos, users  # noqa: E402,F401 - routes register on import


def init_app(app: Flask) -> None:
    """Register the API, its OpenAPI document and its docs page on ``app``.

    flask-smorest's ``Api`` serves one app, so each app gets its own (in
    ``app.extensions["flask-smorest"]``); ``converters.init_app`` must have run.
    """
    rest_api = ProblemDetailsApi(app)
    rest_api.register_converter(IdConverter, id_parameter)
    for name, scheme in SECURITY_SCHEMES.items():
        rest_api.spec.components.security_scheme(name, scheme)
    # A todo's attachment is dumped by a method field, which names the schema only by
    # reference: the schema itself is registered here.
    rest_api.spec.components.schema("Attachment", schema=AttachmentSchema)
    rest_api.register_blueprint(bp)
    app.register_blueprint(docs.bp)
