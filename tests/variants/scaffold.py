"""``flask scaffold`` in the matrix, as a team uses it: in one ``example=none`` variant of
each app style and database (``SCAFFOLDED``), two resources whose fields have the seven
types between them, some optional; then Flask-Migrate's ``db migrate``, ``db upgrade``
and ``db check`` on the variant's fresh database. The variant's pre-commit hooks (black,
isort, ruff, mypy) and suite then run on the result, the new code and the command fully
covered, and its CI's fuzzing step must reach the new operations and find nothing. The
arguments the command refuses are the generated suite's own tests
(``tests/test_scaffold.py``).
"""

import xml.etree.ElementTree as ET
from pathlib import Path

from ..helpers import DEFAULT_SLUG, flask_db, project_venv, run
from .matrix import VARIANTS

RESOURCES = [
    ["projects", "title:str", "notes:text?", "budget:decimal", "done:bool", "starts_at:datetime?"],
    ["line_items", "label:str", "quantity:int", "due:date", "price:decimal?"],
]
#: Operations of the new resources the fuzzing must reach.
OPERATIONS = [
    "GET /api/v1/projects",
    "POST /api/v1/line_items",
    "PUT /api/v1/projects/{project_id}",
    "PATCH /api/v1/line_items/{line_item_id}",
    "DELETE /api/v1/line_items/{line_item_id}",
]


def scaffolded_variants() -> list[str]:
    """For each app style and database, the first ``example=none`` variant in matrix
    order whose CI (GitHub or GitLab) has the fuzzing step."""
    chosen: dict[tuple[str, str], str] = {}
    for variant, answers in VARIANTS.items():
        key = (answers["app_style"], answers["database"])
        if answers["example"] == "none" and answers["ci"] != "none" and key not in chosen:
            chosen[key] = variant
    return list(chosen.values())


SCAFFOLDED = scaffolded_variants()


def scaffold_and_migrate(project: Path, env: dict[str, str | None]) -> None:
    """Add ``RESOURCES`` to ``project`` with ``flask scaffold``, write their migration
    with ``flask db migrate`` and apply it on ``env``'s ``DATABASE_URL``; assert that
    nothing drifts and that the migration holds what each database needs."""
    venv = project_venv(project)
    for resource in RESOURCES:
        result = run([venv / "flask", "--app", DEFAULT_SLUG, "scaffold", *resource], project, env)
        assert result.returncode == 0, result.stdout
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


def assert_scaffold_tested(
    project: Path, app_style: str, output: str, counts: dict[str, int]
) -> None:
    """The suite's ``output`` (``--cov``: the report lists only the files not fully
    covered) and ``counts`` show the new packages, the command and the fields fully
    covered and the new resources' tests run, their pages' where ``app_style`` has pages."""
    for package in ("projects/", "line_items/", "core/scaffold/", "core/fields.py"):
        assert f"{DEFAULT_SLUG}/{package}" not in output, output[-5000:]
    assert counts["tests/test_projects.py"] >= 10 and counts["tests/test_line_items.py"] >= 10
    pages = (project / DEFAULT_SLUG / "projects" / "views.py").exists()
    assert pages == (app_style == "full")
    assert ("tests/pages/test_projects_pages.py" in counts) == pages


def assert_fuzzing_reached_them(report: ET.Element) -> None:
    """Schemathesis' JUnit ``report`` holds the new resources' operations."""
    operations = {case.get("name") for case in report.iter("testcase")}
    for operation in OPERATIONS:
        assert operation in operations, sorted(operations)
