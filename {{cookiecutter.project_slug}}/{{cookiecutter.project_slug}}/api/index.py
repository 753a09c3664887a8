"""The API's index at ``/api/v1/``: where its document, docs page and todos are."""

from flask import url_for

from ..schemas import ApiIndexSchema
from . import bp


@bp.get("/")
@bp.response(200, ApiIndexSchema)
@bp.doc(security=[])
def index() -> dict[str, dict[str, str]]:
    """Links to the OpenAPI document, the interactive docs page and the todos, under the
    sub-path the app is mounted at. ``/api/v1``, without the slash, redirects here
    (308, werkzeug's rule for a route that ends with one)."""
    return {
        "links": {
            "openapi": url_for("api-docs.openapi_json"),
            "docs": url_for("docs.index"),
            "todos": url_for("api.list_todos"),
        }
    }
