"""A service rendered with ``url_prefix=/svc`` and served by gunicorn in production config
with ``SCRIPT_NAME=/svc`` (as its Dockerfile sets it) lives under the sub-path: probes,
pages, links and static files; a path outside it gets the app's JSON 404, not a 500."""

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

from ..helpers import flask_db, get, gunicorn, json_lines, production_env, project_venv

PREFIX = "/svc"
#: Values of the link attributes of an HTML page.
LINK_RE = re.compile(r'\b(?:href|src|action)="([^"]*)"')


def fetch(url: str, accept: str) -> tuple[int, str, str]:
    """GET ``url`` with an ``Accept`` header: status, content type and body text."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers.get_content_type(), response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get_content_type(), error.read().decode()


def test_gunicorn_serves_the_service_under_script_name(
    bake, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    project = bake(url_prefix=PREFIX)
    venv = project_venv(project)
    env = production_env(postgres_url, redis_url)
    upgrade = flask_db(venv, project, env, "upgrade")
    assert upgrade.returncode == 0, upgrade.stdout
    log = tmp_path / "gunicorn.log"

    with gunicorn(venv, project, {**env, "SCRIPT_NAME": PREFIX}, log, PREFIX) as base:
        assert get(f"{base}{PREFIX}/health") == (200, {"status": "ok"})
        assert get(f"{base}{PREFIX}/ready") == (
            200,
            {"status": "ok", "checks": {"database": "ok", "redis": "ok"}},
        )

        status, _, html = fetch(f"{base}{PREFIX}/", "text/html")
        assert status == 200
        links = LINK_RE.findall(html)
        assert f"{PREFIX}/static/style.css" in links
        assert all(link.startswith(f"{PREFIX}/") for link in links), links
        assert fetch(f"{base}{PREFIX}/static/style.css", "text/css")[:2] == (200, "text/css")

        for path in ("/health", "/api/v1/todos", f"{PREFIX}x/health"):
            status, content_type, body = fetch(f"{base}{path}", "application/json")
            assert (status, content_type) == (404, "application/problem+json"), (path, body)
            assert json.loads(body)["status"] == 404
        status, content_type, html = fetch(f"{base}/health", "text/html")
        assert (status, content_type) == (404, "text/html")
        assert f'href="{PREFIX}/static/style.css"' in html

    output = log.read_text()
    access = {
        (line["path"], line["status"])
        for line in json_lines(output)
        if line["logger"] == "gunicorn.access"
    }
    assert {(f"{PREFIX}/ready", 200), ("/health", 404)} <= access, output
    assert "Traceback" not in output and "SCRIPT_NAME" not in output, output
