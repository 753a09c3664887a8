"""The index page and the liveness and readiness probes."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }} import create_app

from .conftest import UNREACHABLE_DATABASE
{%- if cookiecutter.cache == "redis" or cookiecutter.worker == "celery" %}

#: A Redis URL where nothing listens (port 1 on loopback).
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
{%- endif %}
{%- if cookiecutter.app_style == "full" %}


def test_index_page(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert b"<title>Home" in response.data


@pytest.mark.parametrize("url", ["/favicon.ico", "/static/favicon.svg"])
def test_the_site_icon_is_served(client: FlaskClient, url: str) -> None:
    assert '<link rel="icon" href="/static/favicon.svg"' in client.get("/").get_data(as_text=True)
    with client.get(url) as response:
        assert (response.status_code, response.mimetype) == (200, "image/svg+xml")
        assert response.data.startswith(b"<svg ")
{%- else %}


def test_index_links_the_probes_and_the_api(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.get_json()["links"] == {
        "health": "/health",
        "ready": "/ready",
{%- if cookiecutter.example == "todos" %}
        "todos": "/api/v1/todos",
{%- endif %}
    }
{%- endif %}


def test_health_touches_no_dependency() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": UNREACHABLE_DATABASE})
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_ready_checks_every_dependency(client: FlaskClient, app: Flask) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
{%- if cookiecutter.cache == "redis" or cookiecutter.worker == "celery" %}
    expected = {"database": "ok"}
    if app.config["REDIS_URL"]:
        expected["redis"] = "ok"
{%- else %}
    expected = {"database": "ok"}
{%- endif %}
    assert response.get_json() == {"status": "ok", "checks": expected}


def test_ready_is_503_when_the_database_is_unreachable() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": UNREACHABLE_DATABASE})
    response = app.test_client().get("/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable"
{%- if cookiecutter.cache == "redis" or cookiecutter.worker == "celery" %}


def test_ready_is_503_when_redis_is_unreachable(app: Flask) -> None:
    app.config["REDIS_URL"] = UNREACHABLE_REDIS
    response = app.test_client().get("/ready")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "redis": "unavailable"}
{%- endif %}


@pytest.mark.parametrize("path", ["/health", "/ready"])
def test_probes_answer_json_to_browsers(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.is_json
