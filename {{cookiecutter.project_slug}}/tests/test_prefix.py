"""The service mounted under a sub-path by ``SCRIPT_NAME``.

Under the mount a request reaches the app with the sub-path in ``SCRIPT_NAME`` and the
rest in ``PATH_INFO`` (``MOUNTED`` in conftest.py); every link the app builds must carry the
sub-path. The factory does the mounting (``mount``), for gunicorn through ``wsgi.py`` and
for ``flask run`` alike, and serves nothing outside the sub-path.
"""

import os
import re

import pytest
from flask.testing import FlaskClient
from werkzeug.test import Client

from {{ cookiecutter.project_slug }} import create_app

from .conftest import MOUNTED, PREFIX, serve_wsgi_app


def test_api_locations_are_under_the_prefix(api: FlaskClient) -> None:
    response = api.get("/api/v1/", environ_overrides=MOUNTED)
    assert response.get_json()["links"]["openapi"] == f"{PREFIX}/api/v1/openapi.json"
{%- if cookiecutter.example == "todos" %}
    response = api.post("/api/v1/todos", json={"title": "mounted"}, environ_overrides=MOUNTED)
    assert response.status_code == 201
    assert response.headers["Location"] == f"{PREFIX}/api/v1/todos/{response.get_json()['id']}"
{%- endif %}
{%- if cookiecutter.worker == "celery" %}

    response = api.post("/api/v1/tasks/count-users", environ_overrides=MOUNTED)
    assert response.status_code == 202
    assert response.headers["Location"].startswith(f"{PREFIX}/api/v1/tasks/")
{%- endif %}


def test_wsgi_app_is_mounted_at_script_name(server: Client) -> None:
    # gunicorn strips a SCRIPT_NAME it finds in the environment: it must not find it.
    assert "SCRIPT_NAME" not in os.environ
    assert server.get(f"{PREFIX}/health").get_json() == {"status": "ok"}
    assert server.get(f"{PREFIX}/api/v1/users/me").status_code == 401


@pytest.mark.parametrize("path", ["/health", "/api/v1/users/me", f"{PREFIX}x/health", "/"])
def test_wsgi_app_answers_404_problem_outside_the_prefix(server: Client, path: str) -> None:
    response = server.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404
    # Through the app's after_request functions and middleware, as any other response.
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_the_api_document_and_docs_point_under_the_prefix(server: Client) -> None:
    document = server.get(f"{PREFIX}/api/v1/openapi.json").get_json()
    assert document["servers"] == [{"url": PREFIX}]
    docs = server.get(f"{PREFIX}/api/v1/docs").get_data(as_text=True)
    assert f'data-spec-url="{PREFIX}/api/v1/openapi.json"' in docs
    assert f'src="{PREFIX}/api/v1/docs/swagger-ui/swagger-ui-bundle.js"' in docs


def test_the_api_index_links_under_the_prefix(server: Client) -> None:
    links = server.get(f"{PREFIX}/api/v1/").get_json()["links"]
    assert links["openapi"] == f"{PREFIX}/api/v1/openapi.json"
    assert links["docs"] == f"{PREFIX}/api/v1/docs"
    assert server.get(f"{PREFIX}/api/v1").location == f"http://localhost{PREFIX}/api/v1/"


def test_the_factory_mounts_the_app_for_flask_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # flask run's server ignores SCRIPT_NAME: the app mounts itself, and the variable
    # stays for the server to ignore (only wsgi.py takes it away, from gunicorn).
    monkeypatch.setenv("SCRIPT_NAME", PREFIX)
    server = Client(create_app("testing"))
    assert server.get(f"{PREFIX}/health").get_json() == {"status": "ok"}
    assert server.get("/health").status_code == 404
    assert os.environ["SCRIPT_NAME"] == PREFIX


def test_wsgi_app_without_script_name_is_at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_CONFIG", "testing")
    monkeypatch.delenv("SCRIPT_NAME", raising=False)
    server = serve_wsgi_app()
    assert server.get("/health").status_code == 200
    assert server.get("/api/v1/openapi.json").get_json()["servers"] == [{"url": "/"}]
