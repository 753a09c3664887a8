"""Generated services work for real beyond their own suites (which the variant matrix
runs): the migrations apply with no drift on each database, with and without the
example; gunicorn serves the default variant in production config; its Celery worker
also takes tasks from RabbitMQ."""

import re
from pathlib import Path

import pytest

from ..helpers import (
    DATABASES,
    flask_db,
    get,
    gunicorn,
    json_lines,
    production_env,
    project_venv,
    run_generated_suite,
    service_url,
)

#: The migrations each example ships, in the order they apply.
REVISIONS = {"todos": ["0001", "0002"], "none": ["0001"]}


@pytest.mark.parametrize("example", REVISIONS)
@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_migrations_apply_on_a_fresh_database_with_no_drift(
    bake, request, database_url: str, redis_url: str, example: str
) -> None:
    project = bake(database=request.node.callspec.params["database_url"], example=example)
    venv = project_venv(project)
    env = production_env(database_url, redis_url)
    upgrade = flask_db(venv, project, env, "upgrade")
    assert upgrade.returncode == 0, upgrade.stdout
    revisions = REVISIONS[example]
    steps = list(zip(["", *revisions[:-1]], revisions, strict=True))
    applied = re.findall(r"Running upgrade (\w*) -> (\w+)", upgrade.stdout)
    assert applied == steps, upgrade.stdout
    check = flask_db(venv, project, env, "check")
    assert check.returncode == 0, check.stdout
    assert "No new upgrade operations detected." in check.stdout
    downgrade = flask_db(venv, project, env, "downgrade", "base")
    assert downgrade.returncode == 0, downgrade.stdout
    undone = re.findall(r"Running downgrade (\w+) -> (\w*)", downgrade.stdout)
    assert undone == [(new, old) for old, new in reversed(steps)], downgrade.stdout


def test_gunicorn_serves_health_and_ready_in_production(
    default_project: Path, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    venv = project_venv(default_project)
    env = production_env(postgres_url, redis_url)
    assert flask_db(venv, default_project, env, "upgrade").returncode == 0
    log = tmp_path / "gunicorn.log"
    with gunicorn(venv, default_project, env, log) as base:
        assert get(f"{base}/health") == (200, {"status": "ok"})
        assert get(f"{base}/ready") == (
            200,
            {"status": "ok", "checks": {"database": "ok", "redis": "ok"}},
        )
    messages = [line["message"] for line in json_lines(log.read_text())]
    assert any('"GET /ready HTTP/1.1" 200' in message for message in messages), messages


def test_real_worker_takes_tasks_from_rabbitmq(
    default_project: Path, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """CELERY_BROKER_URL also takes an AMQP URL: the generated worker test, run with
    RabbitMQ as the broker (results stay on Redis)."""
    env = {"TEST_DATABASE_URL": postgres_url, "REDIS_URL": redis_url,
           "CELERY_BROKER_URL": service_url("TEST_AMQP_URL")}  # fmt: skip
    result, counts = run_generated_suite(
        default_project, tmp_path / "report.xml", env, "tests/test_worker.py"
    )
    assert result.returncode == 0, result.stdout[-5000:]
    assert (counts["tests"], counts["skipped"], counts["failures"]) == (1, 0, 0), counts
