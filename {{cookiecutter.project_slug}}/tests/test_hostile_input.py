"""Malformed and hostile input gets a 4xx Problem Details answer, never a 500.

Each class of input that once made the service fail: values the database cannot store
(NUL characters, over-long text), JSON no UTF-8 text can hold (unpaired surrogates),
numbers no column can hold, and credentials that cannot be looked up.
"""

from base64 import b64encode

import pytest
from flask.testing import FlaskClient

from .conftest import PASSWORD

PROBLEM = "application/problem+json"
#: JSON bodies written by hand: ``\\ud800`` is an unpaired surrogate escape.
SURROGATE_USERNAME = '{"username": "a\\ud800b", "password": "long enough"}'
SURROGATE_PASSWORD = '{"username": "mallory", "password": "long enough\\ud800"}'


def assert_problem(response, status: int, detail: str) -> None:
    """``response`` is Problem Details with ``status`` and a ``detail`` starting so."""
    assert (response.status_code, response.mimetype) == (status, PROBLEM), response.data
    assert response.get_json()["detail"].startswith(detail), response.get_json()


def test_nul_in_a_new_username_is_422(client: FlaskClient) -> None:
    response = client.post("/api/v1/users", json={"username": "a\x00b", "password": PASSWORD})
    assert_problem(response, 422, "A value cannot be stored: text must not contain NUL")


def test_nul_in_basic_credentials_is_422(client: FlaskClient) -> None:
    credentials = b64encode(b"a\x00b:" + PASSWORD.encode()).decode()
    response = client.post("/api/v1/tokens", headers={"Authorization": f"Basic {credentials}"})
    assert_problem(response, 422, "A value cannot be stored: text must not contain NUL")


@pytest.mark.parametrize(
    ("path", "body"),
    [("/api/v1/users", SURROGATE_USERNAME), ("/api/v1/users", SURROGATE_PASSWORD)],
)
def test_unpaired_surrogates_in_json_are_400(api: FlaskClient, path: str, body: str) -> None:
    response = api.post(path, data=body, content_type="application/json")
    assert_problem(response, 400, "The JSON body has strings with unpaired surrogates")


def test_a_number_too_long_to_convert_is_400(api: FlaskClient) -> None:
    body = '{"username": "x", "password": ' + "9" * 5000 + "}"
    response = api.post("/api/v1/users", data=body, content_type="application/json")
    assert_problem(response, 400, "The JSON body cannot be read: Exceeds the limit")


@pytest.mark.parametrize("header", ["Basic ////", "Basic bm9jb2xvbg==", "Bearer \xff", "Digest x"])
def test_undecodable_credentials_are_401(client: FlaskClient, header: str) -> None:
    response = client.post("/api/v1/tokens", headers={"Authorization": header})
    assert_problem(response, 401, "Valid credentials are required.")
