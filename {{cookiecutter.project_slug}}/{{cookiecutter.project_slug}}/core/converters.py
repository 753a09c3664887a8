"""URL converters: path parameters checked before they reach a view or the database."""

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from .database import ID_MAX


class IdConverter(IntegerConverter):
    """``<id:name>``: a row id from 1 to ``ID_MAX``; any other number gets 404."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=ID_MAX)


def id_parameter(converter: IdConverter) -> dict[str, object]:
    """The OpenAPI schema of an ``<id:...>`` path parameter."""
    return {"type": "integer", "minimum": 1, "maximum": ID_MAX}


def init_app(app: Flask) -> None:
    """Register the converters on ``app``, before its blueprints."""
    app.url_map.converters["id"] = IdConverter
