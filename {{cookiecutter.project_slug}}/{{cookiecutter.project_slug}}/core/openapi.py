"""The JSON API's foundations: flask-smorest's ``Api`` and blueprints, request parsing, and
the OpenAPI document's Problem Details (RFC 9457) errors."""

import json
from typing import Any

from apispec import BasePlugin
from flask import Flask, Request, abort
from flask_smorest import Api, Blueprint
from marshmallow import INCLUDE, Schema, fields
from webargs.flaskparser import FlaskParser, is_json_request

{% if cookiecutter.app_style == "full" %}from ..extensions import csrf
{% endif %}from .converters import IdConverter, id_parameter

#: The media type of every error body (RFC 9457, section 3).
PROBLEM_JSON = "application/problem+json"

#: HTTP Basic (RFC 7617) for ``POST /tokens``, bearer tokens (RFC 6750) for the rest.
SECURITY_SCHEMES = {
    "basicAuth": {"type": "http", "scheme": "basic"},
    "bearerAuth": {"type": "http", "scheme": "bearer"},
}
BASIC_AUTH: list[dict[str, list[str]]] = [{"basicAuth": []}]
BEARER_AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]


class ProblemSchema(Schema):
    """An error body: RFC 9457 Problem Details, as ``errors.problem()`` writes it."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(
        required=True, metadata={"description": "A URI reference naming the problem type."}
    )
    title = fields.String(required=True, metadata={"description": "The status's reason phrase."})
    status = fields.Integer(required=True, metadata={"description": "The HTTP status code."})
    detail = fields.String(metadata={"description": "What went wrong in this request."})
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "The messages of each invalid field, by field name."},
    )


def error_response(description: str) -> dict[str, Any]:
    """The arguments of ``Blueprint.alt_response`` for a Problem Details error."""
    return {"description": description, "schema": ProblemSchema, "content_type": PROBLEM_JSON}


RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    }
}


def too_many_requests(description: str) -> dict[str, Any]:
    """The arguments of ``Blueprint.alt_response`` for a 429 with ``Retry-After``."""
    return {**error_response(description), "headers": RETRY_AFTER}


class ProblemMediaType(BasePlugin):
    """An apispec plugin: the error responses flask-smorest documents for every status code
    are sent as ``application/problem+json``."""

    def response_helper(self, response: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        content = response.get("content", {})
        if "application/json" not in content:
            return {}
        return {"content": {PROBLEM_JSON: content["application/json"]}}


class RequestParser(FlaskParser):
    """webargs' parser, refusing a JSON body it cannot read instead of ignoring it."""

    def load_json(self, req: Request, schema: Schema) -> Any:
        data = req.get_data(cache=True)
        if not data:
            abort(400, "The request needs a JSON body (Content-Type: application/json).")
        if not is_json_request(req):
            abort(415, "Send the body as JSON (Content-Type: application/json).")
        try:
            body = json.loads(data)
            # Unpaired surrogates ("\ud800") parse, but no UTF-8 text can hold them.
            json.dumps(body, ensure_ascii=False).encode()
        except json.JSONDecodeError:
            abort(400, "Invalid JSON body.")
        except RecursionError:
            abort(400, "The JSON body is nested too deeply.")
        except UnicodeEncodeError:
            abort(400, "The JSON body has strings with unpaired surrogates (RFC 8259, 8.2).")
        except ValueError as error:  # such as a number of more than 4300 digits
            abort(400, f"The JSON body cannot be read: {error}")
        return body


class ApiBlueprint(Blueprint):
    """A blueprint of the JSON API: strict JSON parsing{{ ", no CSRF check (bearer tokens only)" if cookiecutter.app_style == "full" }}."""

    ARGUMENTS_PARSER = RequestParser()
{%- if cookiecutter.app_style == "full" %}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        csrf.exempt(self)
{%- endif %}


class ProblemDetailsApi(Api):
    """flask-smorest's ``Api`` documenting its errors as Problem Details."""

    ERROR_SCHEMA = ProblemSchema


def init_app(app: Flask) -> Api:
    """Create the API of ``app`` with its OpenAPI document; blueprints register on it."""
    rest_api = ProblemDetailsApi(app, spec_kwargs={"extra_plugins": [ProblemMediaType()]})
    rest_api.register_converter(IdConverter, id_parameter)
    for name, scheme in SECURITY_SCHEMES.items():
        rest_api.spec.components.security_scheme(name, scheme)
    return rest_api
