"""``flask scaffold`` on every database and app style, as a team uses it.

For each database and app style (no example feature, worker or cache): two resources
whose fields have the seven types between them, some optional, written by the command;
then Flask-Migrate's ``db migrate``, ``db upgrade`` and ``db check`` on a fresh database
of the real server, the project's whole suite on it (with coverage: the new code and the
command's fully covered), its pre-commit hooks (black, isort, ruff, mypy) and its CI's
fuzzing step (gunicorn, schemathesis), which must reach the new operations and find
nothing. The arguments the command refuses are the generated suite's own tests
(``tests/test_scaffold.py``).
"""

import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ..api.test_fuzzing import run_ci_fuzzing
from ..helpers import (
    DATABASES,
    DEFAULT_SLUG,
    PROJECT_ENV,
    assert_pre_commit_clean,
    flask_db,
    project_venv,
    run,
    run_generated_suite,
)

#: The answers of every variant here besides its database and app style.
ANSWERS = {"example": "none", "worker": "none", "cache": "none"}
RESOURCES = [
    ["projects", "title:str", "notes:text?", "budget:decimal", "done:bool", "starts_at:datetime?"],
    ["line_items", "label:str", "quantity:int", "due:date", "price:decimal?"],
]


@pytest.mark.parametrize("app_style", ["full", "api"])
@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_scaffolded_resources_migrate_pass_the_suite_the_hooks_and_fuzzing(
    bake, app_style: str, database_url: str, redis_url: str, tmp_path: Path
) -> None:
    started = time.monotonic()
    database = urlsplit(database_url).scheme.split("+")[0]
    project = bake(database=database, app_style=app_style, **ANSWERS)
    venv = project_venv(project)
    env = {**dict.fromkeys(PROJECT_ENV), "DATABASE_URL": database_url}
    for resource in RESOURCES:
        result = run([venv / "flask", "--app", DEFAULT_SLUG, "scaffold", *resource], project, env)
        assert result.returncode == 0, result.stdout
    pages = (project / DEFAULT_SLUG / "projects" / "views.py").exists()
    assert pages == (app_style == "full")

    for command in (["upgrade"], ["migrate", "-m", "projects and line items"], ["upgrade"]):
        result = flask_db(venv, project, env, *command)
        assert result.returncode == 0, result.stdout
    checked = flask_db(venv, project, env, "check")
    assert "No new upgrade operations detected." in checked.stdout, checked.stdout
    (migration,) = (project / "migrations" / "versions").glob("*_projects_and_line_items.py")
    source = migration.read_text()
    assert 'sa.Column("budget", sa.Numeric(precision=12, scale=2), nullable=False)' in source
    assert 'sa.Column("notes", sa.Text(), nullable=True)' in source
    assert '"ix_line_items_user_id_id", ["user_id", "id"]' in source
    assert 'ondelete="CASCADE"' in source
    assert f"{DEFAULT_SLUG}." not in source
    migrated = time.monotonic()

    # The suite builds its schema with the migrations and takes it down at the end; with
    # --cov, as CI runs it, under the 90% gate, the new code and the command's fully covered
    # (the report lists only the files that are not).
    suite_env = {**env, "TEST_DATABASE_URL": database_url}
    suite, counts = run_generated_suite(project, tmp_path / "suite.xml", suite_env, "-q", "--cov")
    assert suite.returncode == 0, suite.stdout[-5000:]
    for package in ("projects/", "line_items/", "core/scaffold/", "core/fields.py"):
        assert f"{DEFAULT_SLUG}/{package}" not in suite.stdout, suite.stdout[-5000:]
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
    assert counts["tests/test_projects.py"] >= 10 and counts["tests/test_line_items.py"] >= 10
    assert ("tests/test_projects_pages.py" in counts) == pages
    tested = time.monotonic()

    hooks = assert_pre_commit_clean(project)

    _, suites = run_ci_fuzzing(project, "github", database_url, redis_url, tmp_path)
    operations = {case.get("name") for case in suites.iter("testcase")}
    for operation in (
        "GET /api/v1/projects",
        "POST /api/v1/line_items",
        "PUT /api/v1/projects/{project_id}",
        "PATCH /api/v1/line_items/{line_item_id}",
        "DELETE /api/v1/line_items/{line_item_id}",
    ):
        assert operation in operations, sorted(operations)
    print(
        f"\n{database}-{app_style}: {time.monotonic() - started:.0f} s (render and migrate "
        f"{migrated - started:.0f}, suite {tested - migrated:.0f}, pre-commit {hooks:.0f}, "
        f"fuzzing {time.monotonic() - tested - hooks:.0f})"
    )
