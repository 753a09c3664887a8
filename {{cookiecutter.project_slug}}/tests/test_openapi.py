"""The OpenAPI 3.1 document and the interactive docs page."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

PROBLEM = "application/problem+json"


@pytest.fixture
def document(client: FlaskClient) -> dict:
    """The served OpenAPI document."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(document: dict) -> None:
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema


def test_the_validator_catches_a_broken_document(document: dict) -> None:
    del document["paths"]["/api/v1/users/me"]["get"]["responses"]["200"]["description"]
    with pytest.raises(OpenAPIValidationError):
        validate(document)


def test_every_api_route_is_documented(app: Flask, document: dict) -> None:
    documented = {
        (path, method.upper())
        for path, operations in document["paths"].items()
        for method in operations
        if method != "parameters"
    }
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.partition(".")[0] not in ("docs", "api-docs", "static")
        and rule.rule.startswith("/api/v1")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes and routes == documented


def test_operations_name_their_security_and_errors(document: dict) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes == {
        "basicAuth": {"type": "http", "scheme": "basic"},
        "bearerAuth": {"type": "http", "scheme": "bearer"},
    }
    me = document["paths"]["/api/v1/users/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    assert set(me["responses"]) >= {"200", "401", "default"}
    assert document["paths"]["/api/v1/tokens"]["post"]["security"] == [{"basicAuth": []}]
    assert document["paths"]["/api/v1/users"]["post"]["security"] == []
    problem = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert me["responses"]["401"]["content"] == problem
    assert document["components"]["responses"]["DEFAULT_ERROR"]["content"] == problem
    required = document["components"]["schemas"]["Problem"]["required"]
    assert {"type", "title", "status"} <= set(required)


def test_the_docs_page_loads_swagger_ui_from_this_app(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy
    html = page.get_data(as_text=True)
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/api/v1/docs/") for source in sources)
    assert not re.search(r"<script>|<style|\son\w+=", html)  # no inline code (CSP)
    for source in sources:
        with client.get(source) as asset:
            assert asset.status_code == 200, source
            assert len(asset.data) > 100, source
    assert client.get("/api/v1/docs/swagger-ui/no-such-file.js").status_code == 404


def test_the_api_index_links_its_document_and_docs_page{{ "_and_todos" if cookiecutter.example == "todos" }}(
    client: FlaskClient, document: dict
) -> None:
    response = client.get("/api/v1/")
    assert response.status_code == 200
    links = response.get_json()["links"]
{%- if cookiecutter.example == "todos" %}
    assert links == {
        "openapi": "/api/v1/openapi.json", "docs": "/api/v1/docs", "todos": "/api/v1/todos"
    }  # fmt: skip
    assert [client.get(link).status_code for link in links.values()] == [200, 200, 401]
{%- else %}
    assert links == {"openapi": "/api/v1/openapi.json", "docs": "/api/v1/docs"}
    assert [client.get(link).status_code for link in links.values()] == [200, 200]
{%- endif %}
    assert document["paths"]["/api/v1/"]["get"]["security"] == []
    redirect = client.get("/api/v1")
    assert (redirect.status_code, redirect.location) == (308, "http://localhost/api/v1/")
