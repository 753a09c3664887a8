"""marshmallow fields the features' schemas share, as strict as the OpenAPI document says."""

import re
from decimal import Decimal
from typing import Any

from marshmallow import fields

#: A decimal of ``NUMERIC(12, 2)`` as text: up to 10 digits, then up to 2 after the point.
DECIMAL_PATTERN = r"-?[0-9]{1,10}(\.[0-9]{1,2})?"
CENT = Decimal("0.01")


class StrictBoolean(fields.Boolean):
    """A JSON ``true`` or ``false`` only, as the document's ``type: boolean`` says."""

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictInteger(fields.Integer):
    """A JSON integer only: ``12``, or ``12.0``, which JSON Schema's ``type: integer`` also
    counts; never a string, a boolean or a fraction."""

    def _deserialize(self, value: object, attr: str | None, data: object, **kwargs: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid", input=value)
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return int(value)


class DecimalString(fields.Decimal):
    """A decimal of ``NUMERIC(12, 2)`` as a JSON string (``"-1234.50"``): exact, unlike a
    JSON number; dumped with 2 decimals."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "pattern": f"^{DECIMAL_PATTERN}$", "example": "12.50"}
        super().__init__(places=2, as_string=True, metadata=metadata, **kwargs)

    def _deserialize(
        self, value: object, attr: str | None, data: object, **kwargs: Any
    ) -> Decimal:
        if not isinstance(value, str) or not re.fullmatch(DECIMAL_PATTERN, value):
            raise self.make_error("invalid")
        return Decimal(value).quantize(CENT)
