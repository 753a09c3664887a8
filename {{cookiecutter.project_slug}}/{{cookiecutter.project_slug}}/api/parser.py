"""How the API reads requests: webargs' Flask parser, stricter about the body."""

from typing import Any

from flask import Request, abort
from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request


class RequestParser(FlaskParser):
    """webargs' ``FlaskParser`` that refuses, rather than ignores, a body it cannot read.

    - A body of another media type where JSON is expected gets 415 Unsupported Media
      Type (RFC 9110, section 15.5.16); webargs alone would read it as no body.
    - JSON nested deeper than Python's recursion limit gets 400, like other malformed
      JSON, instead of the ``RecursionError`` that ``json.loads`` raises.
    """

    def _raw_load_json(self, req: Request) -> Any:
        """The parsed JSON body, or ``missing`` for an empty body (webargs' hook)."""
        if not is_json_request(req):
            if req.get_data(cache=True):
                abort(415, "Send the body as JSON (Content-Type: application/json).")
            return core.missing
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            abort(400, "The JSON body is nested too deeply.")


class ApiBlueprint(Blueprint):
    """flask-smorest's ``Blueprint`` with the ``RequestParser``."""

    ARGUMENTS_PARSER = RequestParser()
