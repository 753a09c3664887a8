"""Security headers on every response: the API, errors; HSTS only over HTTPS."""

import pytest
from flask import Response
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }} import create_app

#: The policy of every response but an HTML page: load nothing, no framing.
API_CSP = {"default-src": "'none'", "frame-ancestors": "'none'"}
HSTS = "max-age=31536000"


def policy(response: Response) -> dict[str, str]:
    """The response's Content-Security-Policy as ``{directive: sources}``."""
    directives = response.headers["Content-Security-Policy"].split(";")
    return dict(directive.strip().partition(" ")[::2] for directive in directives)


def assert_security_headers(response: Response, csp: dict[str, str]) -> None:
    """``response`` carries each security header once, with the expected policy."""
    for name, value in {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
    }.items():
        assert response.headers.getlist(name) == [value], name
    assert len(response.headers.getlist("Content-Security-Policy")) == 1
    assert policy(response) == csp
    assert "unsafe" not in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", [{{ '"/", ' if cookiecutter.app_style == "api" }}"/health", "/api/v1/users/me"])
def test_json_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.mimetype in ("application/json", "application/problem+json")
    assert_security_headers(response, API_CSP)


@pytest.mark.parametrize(
    ("path", "accept", "csp"),
    [
        ("/api/v1/nothing-here", "application/json", API_CSP),
        ("/no-such-page", "application/json", API_CSP),
{%- if cookiecutter.app_style == "api" %}
        ("/no-such-page", "text/html", API_CSP),
{%- endif %}
    ],
)
def test_error_headers(client: FlaskClient, path: str, accept: str, csp: dict[str, str]) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 404
    assert_security_headers(response, csp)
    not_allowed = client.delete("/health", headers={"Accept": accept})
    assert not_allowed.status_code == 405
    assert_security_headers(not_allowed, csp)


def test_unexpected_error_headers() -> None:
    app = create_app({"PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    response = app.test_client().get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert_security_headers(response, API_CSP)


def test_hsts_only_over_https(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/health").headers
    response = client.get("/health", base_url="https://localhost")
    assert response.headers.getlist("Strict-Transport-Security") == [HSTS]


def test_hsts_not_from_a_forwarded_header(client: FlaskClient) -> None:
    """Only gunicorn, for a trusted proxy, turns ``X-Forwarded-Proto`` into HTTPS."""
    response = client.get("/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_a_view_may_set_its_own_policy() -> None:
    app = create_app({})
    own = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"

    @app.get("/own")
    def own_policy() -> Response:
        headers = {"Content-Security-Policy": own, "Referrer-Policy": "no-referrer"}
        return Response("{}", mimetype="application/json", headers=headers)

    response = app.test_client().get("/own")
    assert response.headers.getlist("Content-Security-Policy") == [own]
    assert response.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
