"""The fields and column types a scaffolded resource uses (``flask scaffold``)."""

from decimal import Decimal

import pytest
from marshmallow import Schema, ValidationError
from sqlalchemy.dialects import postgresql, sqlite

from {{ cookiecutter.project_slug }}.core import database
from {{ cookiecutter.project_slug }}.core.fields import DecimalString, StrictBoolean, StrictInteger


class Example(Schema):
    number = StrictInteger()
    amount = DecimalString()
    flag = StrictBoolean()


@pytest.mark.parametrize(
    ("data", "loaded"),
    [({"number": 12}, {"number": 12}), ({"number": 12.0}, {"number": 12}),
     ({"amount": "-1234567890.50"}, {"amount": Decimal("-1234567890.50")}),
     ({"amount": "7"}, {"amount": Decimal("7.00")}), ({"flag": False}, {"flag": False})],
)  # fmt: skip
def test_valid_values_load(data: dict, loaded: dict) -> None:
    assert Example().load(data) == loaded


@pytest.mark.parametrize(
    "data",
    [{"number": "12"}, {"number": True}, {"number": 1.5}, {"number": float("nan")},
     {"amount": 12.5}, {"amount": "1.234"}, {"amount": "12345678901"}, {"amount": "1e3"},
     {"amount": "12.5\n"}, {"flag": "true"}, {"flag": 1}],
)  # fmt: skip
def test_anything_else_is_refused(data: dict) -> None:
    with pytest.raises(ValidationError):
        Example().load(data)


def test_a_decimal_dumps_as_a_string_of_two_decimals() -> None:
    assert Example().dump({"amount": Decimal("3.5")}) == {"amount": "3.50"}


def test_fixed_decimal_reads_back_its_scale_on_every_database() -> None:
    column = database.FixedDecimal(12, 2)
    for dialect in (postgresql.dialect(), sqlite.dialect()):
        assert column.process_result_value(12.5, dialect) == Decimal("12.50")
        assert column.process_result_value(None, dialect) is None
    assert column.load_dialect_impl(sqlite.dialect()).asdecimal is False
    assert column.load_dialect_impl(postgresql.dialect()).asdecimal is True


def test_storable_text_refuses_what_no_database_stores() -> None:
    column = database.StorableText(10)
    assert column.process_bind_param("fine", sqlite.dialect()) == "fine"
    for value in ("a\x00b", "x" * 11):
        with pytest.raises(database.UnstorableValueError):
            column.process_bind_param(value, sqlite.dialect())
