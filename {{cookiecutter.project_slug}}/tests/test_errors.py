"""One error shape for the API (RFC 9457 Problem Details), HTML pages for browsers."""

import pytest
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }} import create_app

PROBLEM = "application/problem+json"


def test_malformed_json_is_400(api: FlaskClient) -> None:
    response = api.post("/api/v1/users", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert response.get_json()["title"] == "Bad Request"


def test_non_json_body_is_415(api: FlaskClient) -> None:
    response = api.post("/api/v1/users", data="username=x")
    assert response.status_code == 415
    assert response.mimetype == PROBLEM


def test_json_nested_too_deeply_is_400(api: FlaskClient) -> None:
    body = "[" * 100_000 + "]" * 100_000
    response = api.post("/api/v1/users", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["detail"] == "The JSON body is nested too deeply."


def test_a_missing_body_is_400(api: FlaskClient) -> None:
    response = api.post("/api/v1/users", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["detail"].startswith("The request needs a JSON body")


def test_an_empty_object_is_422_naming_the_missing_fields(api: FlaskClient) -> None:
    response = api.post("/api/v1/users", json={})
    assert response.status_code == 422
    missing = ["Missing data for required field."]
    assert response.get_json()["errors"] == {"username": missing, "password": missing}


def test_json_that_is_not_an_object_is_422(api: FlaskClient) -> None:
    response = api.post("/api/v1/users", json=["a", "list"])
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"_schema": ["Invalid input type."]}


def test_unknown_api_path_is_json_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": response.get_json()["detail"],
    }


def test_wrong_method_is_405_with_allow(api: FlaskClient) -> None:
    response = api.delete("/api/v1/users/me")
    assert response.status_code == 405
    assert response.mimetype == PROBLEM
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
{%- if cookiecutter.app_style == "full" %}


def test_browsers_get_an_html_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"404" in response.data


def test_browsers_get_an_html_405_with_allow(client: FlaskClient) -> None:
    response = client.post("/health", headers={"Accept": "text/html"})
    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_json_clients_get_json_outside_the_api(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.mimetype == PROBLEM


@pytest.mark.parametrize(
    ("accept", "mimetype"), [("application/json", PROBLEM), ("text/html", "text/html")]
)
{%- else %}


@pytest.mark.parametrize("accept", ["application/json", "text/html", "*/*"])
def test_404_and_405_are_json_everywhere(client: FlaskClient, accept: str) -> None:
    not_found = client.get("/no-such-page", headers={"Accept": accept})
    assert (not_found.status_code, not_found.mimetype) == (404, PROBLEM)
    not_allowed = client.post("/health", headers={"Accept": accept})
    assert (not_allowed.status_code, not_allowed.mimetype) == (405, PROBLEM)
    assert set(not_allowed.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize(
    ("accept", "mimetype"), [("application/json", PROBLEM), ("text/html", PROBLEM)]
)
{%- endif %}
def test_unexpected_error_is_500_without_traceback(accept: str, mimetype: str) -> None:
    app = create_app({"PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom", headers={"Accept": accept})
    assert response.status_code == 500
    assert response.mimetype == mimetype
    assert b"secret internals" not in response.data
    assert b"Traceback" not in response.data
