"""The OpenAPI 3.1 document of the JSON API, written by flask-smorest from the routes and
their marshmallow schemas, with errors described as Problem Details (RFC 9457)."""

from http import HTTPStatus

from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import INCLUDE, Schema, fields

#: The media type of every error body (RFC 9457, section 3).
PROBLEM_JSON = "application/problem+json"

#: The security schemes of the document: HTTP Basic (RFC 7617) for ``POST /tokens``,
#: bearer tokens (RFC 6750) for the rest.
SECURITY_SCHEMES = {
    "basicAuth": {"type": "http", "scheme": "basic"},
    "bearerAuth": {"type": "http", "scheme": "bearer"},
}
BASIC_AUTH = [{"basicAuth": []}]
BEARER_AUTH = [{"bearerAuth": []}]


class ProblemSchema(Schema):
    """An error body: RFC 9457 Problem Details, as ``errors.problem()`` writes it.

    ``errors`` maps each invalid field (or the request part, such as ``json``) to its
    messages. Other extension members are allowed, as the RFC says.
    """

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


def error_response(description: str) -> dict[str, object]:
    """The arguments of ``Blueprint.alt_response`` for an error: ``description`` (what
    the status means for this operation) and a Problem Details body."""
    return {"description": description, "schema": ProblemSchema, "content_type": PROBLEM_JSON}


#: The header of a 429 answer (RFC 6585, section 4): how long to wait, in seconds
#: (RFC 9110, section 10.2.3).
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    }
}


def too_many_requests(description: str) -> dict[str, object]:
    """The arguments of ``Blueprint.alt_response`` for a 429: ``description``, a Problem
    Details body and the ``Retry-After`` header."""
    return {**error_response(description), "headers": RETRY_AFTER}


class ProblemDetailsApi(Api):
    """flask-smorest's ``Api`` whose documented error responses are Problem Details.

    flask-smorest documents an error response for every status code (``#/components/
    responses/NOT_FOUND`` and so on) and a ``default`` one on every operation, all with
    its own ``ERROR_SCHEMA`` as ``application/json``; here they are ``ProblemSchema`` as
    ``application/problem+json``, which is what ``errors.init_app`` makes the app send.
    The hook overridden is ``Api._register_responses`` of flask-smorest 0.47 (pinned).
    """

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        """Register the lazy error responses of ``flask_smorest.Api``, as Problem Details."""
        for status in HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error (Problem Details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)
