"""The generated README's "Adding a resource" works as written: its shell blocks, run in
order in a fresh render of the default variant, on a fresh PostgreSQL database that the
quick start's ``db upgrade`` prepared, add the ``projects`` feature with ``flask
scaffold``, write its migration and apply it, with no drift left, and its tests pass.
Then the whole suite passes, black, isort and ruff find nothing, and the service, served
by gunicorn, documents the projects and refuses them to a client without a token.

The project's variables set in this process are removed; the environment lends only what
a developer's machine would differ in: the database (``DATABASE_URL``, over the ``.env``
value), an empty database for the suite (``TEST_DATABASE_URL``) and this test worker's
Redis database (``REDIS_URL``). The project's ``.venv`` is the virtualenv of its
``uv.lock`` (``project_venv``), linked.
"""

import re
from pathlib import Path

import psycopg

from ..helpers import (
    PROJECT_ENV,
    assert_lint_clean,
    flask_db,
    fresh_postgres_database,
    get,
    gunicorn,
    production_env,
    project_venv,
    readme_section,
    run,
    run_generated_suite,
    service_url,
)


def bash_blocks(markdown: str) -> list[str]:
    """The ```bash blocks of ``markdown`` in order, each whole: a heredoc spans lines."""
    return re.findall(r"```bash\n(.*?)```", markdown, re.S)


def applied_revision(database_url: str) -> tuple[str, set[str]]:
    """The revision Alembic recorded in the database, and the columns of its ``projects``."""
    url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        columns = connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'projects'"
        ).fetchall()
    return revision, {name for (name,) in columns}


def test_adding_a_resource_runs_as_written(
    bake, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    project = bake()
    venv = project_venv(project)
    (project / ".venv").symlink_to(venv.parent)
    section = readme_section(project, "Adding a resource")
    blocks = bash_blocks(section)
    assert len(blocks) == 3, section
    with fresh_postgres_database(service_url("TEST_POSTGRES_URL")) as test_database_url:
        env = {**dict.fromkeys(PROJECT_ENV), "DATABASE_URL": postgres_url,
               "TEST_DATABASE_URL": test_database_url, "REDIS_URL": redis_url}  # fmt: skip
        upgraded = flask_db(venv, project, env, "upgrade")  # as the quick start leaves it
        assert upgraded.returncode == 0, upgraded.stdout
        outputs = []
        for block in blocks:
            result = run(["bash", "-euo", "pipefail", "-c", block], project, env)
            assert result.returncode == 0, f"{block}\n{result.stdout}"
            outputs.append(result.stdout)

        (migration,) = (project / "migrations" / "versions").glob("*_projects.py")
        source = migration.read_text()
        assert 'down_revision = "0002"' in source
        assert 'op.create_table(\n        "projects",' in source
        # The app's column types are written as what they store: no import of the app.
        assert 'sa.Column("budget", sa.Numeric(precision=12, scale=2), nullable=False)' in source
        assert f"{project.name}." not in source
        revision = re.search(r'^revision = "(\w+)"$', source, re.M).group(1)
        columns = {"id", "user_id", "title", "notes", "budget", "done", "due"}
        assert applied_revision(postgres_url) == (revision, columns | {"created_at", "updated_at"})
        assert "No new upgrade operations detected." in outputs[1]  # db check
        assert re.search(r"\b\d\d passed\b", outputs[2]), outputs[2]  # the projects' tests

        report = tmp_path / "suite.xml"
        suite, counts = run_generated_suite(project, report, env, "-q")
        assert suite.returncode == 0, suite.stdout[-5000:]
        assert counts["tests/test_projects.py"] >= 10
        assert counts["tests/pages/test_projects_pages.py"] >= 5
        assert counts["failures"] == counts["errors"] == 0, counts

    assert_lint_clean(project)

    log = tmp_path / "gunicorn.log"
    with gunicorn(venv, project, production_env(postgres_url, redis_url), log) as base:
        status, body = get(f"{base}/api/v1/projects")
        assert (status, body["status"]) == (401, 401), body
        status, document = get(f"{base}/api/v1/openapi.json")
        assert status == 200
        operations = document["paths"]["/api/v1/projects"]
        assert set(operations) == {"get", "post"}
        assert operations["get"]["security"] == [{"bearerAuth": []}]
