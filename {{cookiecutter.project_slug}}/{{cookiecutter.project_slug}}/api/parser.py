"""How the API reads requests: webargs' Flask parser, stricter about the body."""

import json
from typing import Any

from flask import Request, abort
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser, is_json_request


class RequestParser(FlaskParser):
    """webargs' ``FlaskParser`` that refuses, rather than ignores, a body it cannot read.

    - A body of another media type where JSON is expected gets 415 Unsupported Media
      Type (RFC 9110, section 15.5.16); webargs alone would read it as no body.
    - No body where JSON is expected gets 400: the document marks every request body
      required, and webargs alone would read it as ``{}``.
    - JSON nested deeper than Python's recursion limit gets 400, like other malformed
      JSON, instead of the ``RecursionError`` that ``json.loads`` raises.
    - JSON strings with unpaired surrogates (``"\\ud800"``), which RFC 8259 (section
      8.2) leaves unpredictable and which no UTF-8 text can hold, get 400; so do
      numbers that Python will not convert (more than 4300 digits).
    """

    def _raw_load_json(self, req: Request) -> Any:
        """The parsed JSON body (webargs' hook)."""
        if not req.get_data(cache=True):
            abort(400, "The request needs a JSON body (Content-Type: application/json).")
        if not is_json_request(req):
            abort(415, "Send the body as JSON (Content-Type: application/json).")
        try:
            body = super()._raw_load_json(req)
            json.dumps(body, ensure_ascii=False).encode()
        except json.JSONDecodeError:
            raise  # webargs answers it: 400, "Invalid JSON body."
        except RecursionError:
            abort(400, "The JSON body is nested too deeply.")
        except UnicodeEncodeError:
            abort(400, "The JSON body has strings with unpaired surrogates (RFC 8259, 8.2).")
        except ValueError as error:  # such as a number of more than 4300 digits
            abort(400, f"The JSON body cannot be read: {error}")
        return body


class ApiBlueprint(Blueprint):
    """flask-smorest's ``Blueprint`` with the ``RequestParser``."""

    ARGUMENTS_PARSER = RequestParser()
