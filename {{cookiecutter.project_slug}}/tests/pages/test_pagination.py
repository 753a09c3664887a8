"""The pages' keyset pagination: a page starts after the id of its ``after`` parameter."""

import pytest
from flask import Flask
from werkzeug.exceptions import BadRequest

from {{ cookiecutter.project_slug }}.core.pagination import after_arg


@pytest.mark.parametrize(("query", "after"), [("", 0), ("?after=42", 42), ("?after=x", 0)])
def test_a_page_starts_after_its_query_parameter(app: Flask, query: str, after: int) -> None:
    with app.test_request_context(f"/{query}"):
        assert after_arg() == after


@pytest.mark.parametrize("after", ["-1", "2147483648"])
def test_a_page_start_that_is_not_an_id_is_400(app: Flask, after: str) -> None:
    with app.test_request_context(f"/?after={after}"), pytest.raises(BadRequest):
        after_arg()
