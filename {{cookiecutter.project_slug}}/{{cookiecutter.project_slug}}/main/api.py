"""The API's index at ``/api/v1/``: where its document, docs page and resources are."""

from flask import url_for
from marshmallow import Schema, fields

from ..core.openapi import ApiBlueprint

bp = ApiBlueprint("api", __name__, url_prefix="/api/v1", description="The API's index.")


class ApiLinksSchema(Schema):
    """Paths under the sub-path the app is mounted at."""

    openapi = fields.String(required=True, metadata={"description": "The OpenAPI document."})
    docs = fields.String(required=True, metadata={"description": "The interactive docs page."})
{%- if cookiecutter.example == "todos" %}
    todos = fields.String(required=True, metadata={"description": "The caller's todos."})
{%- endif %}


class ApiIndexSchema(Schema):
    """The API's index."""

    links = fields.Nested(ApiLinksSchema, required=True)


@bp.get("/")
@bp.response(200, ApiIndexSchema)
@bp.doc(security=[])
def index() -> dict[str, dict[str, str]]:
    """Links to the OpenAPI document, the docs page{{ " and the todos" if cookiecutter.example == "todos" }}."""
    return {
        "links": {
            "openapi": url_for("api-docs.openapi_json"),
            "docs": url_for("docs.index"),
{%- if cookiecutter.example == "todos" %}
            "todos": url_for("todos_api.list_todos"),
{%- endif %}
        }
    }
