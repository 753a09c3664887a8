"""Generated services work for real: for each database their own suite passes against
the real server and Redis with nothing skipped, and the migrations apply with no drift;
gunicorn serves the default variant in production config."""

import contextlib
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import DATABASES, DEFAULT_SLUG, run, service_url, stop


@pytest.mark.parametrize("app_style", ["full", "api"])
@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_generated_suite_passes_on_the_real_database_and_redis(
    bake,
    request,
    project_venv: Path,
    database_url: str,
    redis_url: str,
    tmp_path: Path,
    app_style: str,
) -> None:
    database = request.node.callspec.params["database_url"]
    # The API-only variant also turns on CORS, so its tests run too.
    project = bake(database=database, app_style=app_style, use_cors=str(app_style == "api"))
    report = tmp_path / "report.xml"
    env = {"TEST_DATABASE_URL": database_url, "REDIS_URL": redis_url}
    if database == "sqlite":
        # The suite's own default, an in-memory SQLite, is what users of this variant run.
        env["TEST_DATABASE_URL"] = ""
    result = run(
        [
            project_venv / "python",
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            f"--junitxml={report}",
        ],
        cwd=project,
        env=env,
    )
    assert result.returncode == 0, result.stdout[-5000:]
    suite = ET.parse(report).getroot().find("testsuite")
    counts = {key: int(suite.get(key)) for key in ("tests", "failures", "errors", "skipped")}
    assert counts["tests"] >= 50, counts
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts


def production_env(postgres_url: str, redis_url: str) -> dict[str, str]:
    return {
        "FLASK_CONFIG": "production",
        "SECRET_KEY": "template-test-secret",
        "DATABASE_URL": postgres_url,
        "REDIS_URL": redis_url,
    }


def flask_db(venv: Path, project: Path, env: dict[str, str], *args: str):
    return run([venv / "flask", "--app", DEFAULT_SLUG, "db", *args], cwd=project, env=env)


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_migrations_apply_on_a_fresh_database_with_no_drift(
    bake, request, project_venv: Path, database_url: str, redis_url: str
) -> None:
    project = bake(database=request.node.callspec.params["database_url"])
    env = production_env(database_url, redis_url)
    upgrade = flask_db(project_venv, project, env, "upgrade")
    assert upgrade.returncode == 0, upgrade.stdout
    assert "Running upgrade  -> 0001" in upgrade.stdout
    check = flask_db(project_venv, project, env, "check")
    assert check.returncode == 0, check.stdout
    assert "No new upgrade operations detected." in check.stdout
    downgrade = flask_db(project_venv, project, env, "downgrade", "base")
    assert downgrade.returncode == 0, downgrade.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@contextlib.contextmanager
def gunicorn(
    venv: Path,
    project: Path,
    env: dict[str, str],
    log: Path,
    prefix: str = "",
    args: list[str] | None = None,
) -> Iterator[str]:
    """Serve ``project`` with gunicorn, one worker, on a free loopback port.

    ``args`` are gunicorn's arguments, by default the documented
    ``-c gunicorn.conf.py <package>.wsgi:app``.
    Yields the base URL once ``{prefix}/health`` answers; gunicorn's output goes to
    ``log``. Stops gunicorn afterwards.
    """
    port = free_port()
    env = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "1"}
    with log.open("w") as output:
        server = subprocess.Popen(
            [venv / "gunicorn", *(args or ["-c", "gunicorn.conf.py", f"{project.name}.wsgi:app"])],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(f"{base}{prefix}/health")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.2)
        yield base
    finally:
        stop(server)


def test_gunicorn_serves_health_and_ready_in_production(
    default_project: Path, project_venv: Path, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    env = production_env(postgres_url, redis_url)
    assert flask_db(project_venv, default_project, env, "upgrade").returncode == 0
    log = tmp_path / "gunicorn.log"
    with gunicorn(project_venv, default_project, env, log) as base:
        assert get(f"{base}/health") == (200, {"status": "ok"})
        assert get(f"{base}/ready") == (
            200,
            {"status": "ok", "checks": {"database": "ok", "redis": "ok"}},
        )
    assert '"GET /ready HTTP/1.1" 200' in log.read_text(), log.read_text()


def test_real_worker_takes_tasks_from_rabbitmq(
    default_project: Path, project_venv: Path, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """CELERY_BROKER_URL also takes an AMQP URL: the generated worker test, run with
    RabbitMQ as the broker (results stay on Redis)."""
    report = tmp_path / "report.xml"
    result = run(
        [project_venv / "python", "-m", "pytest", "-p", "no:cacheprovider",
         f"--junitxml={report}", "tests/test_worker.py"],
        cwd=default_project,
        env={"TEST_DATABASE_URL": postgres_url, "REDIS_URL": redis_url,
             "CELERY_BROKER_URL": service_url("TEST_AMQP_URL")},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-5000:]
    suite = ET.parse(report).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("skipped"), suite.get("failures")) == ("1", "0", "0")
