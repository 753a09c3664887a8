"""Every combination of the five functional variables renders, or is refused on purpose by
a documented rule; without the example feature (``example=none``), every combination of
app_style, database and worker renders too. What renders reads as hand-written (no
unrendered variable, every YAML and TOML file parses, its own pre-commit hooks pass:
black, isort, ruff and the file checks), its ``uv.lock`` matches its ``pyproject.toml``
(``uv lock --check``), and its own suite passes, with nothing skipped and at least 90% of
its lines and branches covered (``pytest --cov``, its own gate), against the real server
of its database and the real Redis where it uses Redis, in a virtualenv synced from its
lock. In one example=none variant of each app style and database, two resources are
added with ``flask scaffold`` and migrated first, and fuzzed after (``scaffold.py``).

Select variants with ``-k`` on their ids (see ``matrix.variant_id``), for example
``bash scripts/test.sh tests/variants -k "api and mysql and celery and docker"``; the
example=none variants' ids end in ``-noexample`` (``-k noexample``, ``-k "not noexample"``).
"""

import re
import time
import tomllib
from pathlib import Path

import pytest
import yaml
from cookiecutter.main import cookiecutter

from ..api.test_fuzzing import run_ci_fuzzing
from ..helpers import (
    DATABASES,
    PROJECT_ENV,
    ROOT,
    UNRENDERED,
    assert_pre_commit_clean,
    project_files,
    project_venv,
    refused,
    run_generated_suite,
    uv_lock,
)
from .matrix import (
    COMBINATIONS,
    EXAMPLE_NONE_AXES,
    PAIRWISE,
    REFUSED,
    VARIANTS,
    refused_rule,
    variant_id,
)
from .scaffold import (
    SCAFFOLDED,
    assert_fuzzing_reached_them,
    assert_scaffold_tested,
    scaffold_and_migrate,
)

#: At least this many tests run in the smallest variant's suite (api, no cache, no
#: worker, example=none: 114; with the todos example, 143).
MIN_TESTS = 100
#: Line coverage (branches counted) each variant's suite must reach: its fail_under.
COVERAGE_GOAL = 90


def test_each_app_style_and_database_has_a_scaffolded_variant_with_a_ci() -> None:
    assert sorted((VARIANTS[v]["app_style"], VARIANTS[v]["database"]) for v in SCAFFOLDED) == [
        (style, database) for style in ("api", "full") for database in sorted(DATABASES)
    ]
    assert all(VARIANTS[v]["example"] == "none" and VARIANTS[v]["ci"] != "none"
               for v in SCAFFOLDED)  # fmt: skip


def test_there_are_72_combinations_8_refused_and_76_variants_12_without_the_example() -> None:
    assert len(COMBINATIONS) == 72
    assert len(VARIANTS) == 76
    todos = [answers for answers in VARIANTS.values() if answers["example"] == "todos"]
    none = [answers for answers in VARIANTS.values() if answers["example"] == "none"]
    assert [variant_id(answers) for answers in todos] == [
        variant_id(answers) for answers in COMBINATIONS if not refused_rule(answers)
    ]
    assert len(none) == 12
    assert {tuple(answers[key] for key in EXAMPLE_NONE_AXES) for answers in none} == {
        (style, database, worker)
        for style in ("full", "api")
        for database in ("postgresql", "mysql", "sqlite")
        for worker in ("celery", "none")
    }
    assert all(variant_id(answers).endswith("-noexample") for answers in none)
    assert not any(refused_rule(answers) for answers in none)
    assert {variant_id(answers) for answers in REFUSED} == {
        f"{style}-sqlite-{cache}-{worker}-kubernetes"
        for style in ("full", "api")
        for cache in ("redis", "nocache")
        for worker in ("celery", "noworker")
    }


@pytest.mark.parametrize("answers", REFUSED, ids=variant_id)
def test_refused(answers: dict[str, str], tmp_path: Path, capfd) -> None:
    assert refused_rule(answers) in refused(tmp_path, capfd, **answers)


def assert_reads_as_written(project: Path) -> None:
    """No unrendered variable outside the service's own Jinja pages, every YAML and TOML
    file parses, no Python file has more than two blank lines in a row."""
    for path in project_files(project):
        text = path.read_text(encoding="utf-8")
        if "/templates/" not in path.as_posix():
            assert not UNRENDERED.search(text), f"{path}: {UNRENDERED.search(text).group(0)}"
        if path.suffix in {".yml", ".yaml"}:
            assert list(yaml.safe_load_all(text)), path
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix == ".py":
            assert "\n\n\n\n" not in text, f"{path}: more than two blank lines"


def suite_env(answers: dict[str, str], request: pytest.FixtureRequest) -> dict[str, str | None]:
    """The environment of the variant's suite: ``TEST_DATABASE_URL``, a fresh database
    on the real server (empty for SQLite: the suite's own default, what users of the
    variant run), and ``REDIS_URL`` only where the variant uses Redis."""
    env: dict[str, str | None] = dict.fromkeys(PROJECT_ENV)
    database = answers["database"]
    fixture = {"postgresql": "postgres_url", "mysql": "mysql_url"}.get(database)
    env["TEST_DATABASE_URL"] = request.getfixturevalue(fixture) if fixture else ""
    if answers["cache"] == "redis" or answers["worker"] == "celery":
        env["REDIS_URL"] = request.getfixturevalue("redis_url")
    return env


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variant(
    variant: str, tmp_path: Path, request: pytest.FixtureRequest, record_property
) -> None:
    started = time.time()
    answers = VARIANTS[variant]
    record_property("variant", variant)
    record_property("example", answers["example"])
    record_property("pairwise", {key: answers[key] for key in PAIRWISE})
    record_property("started", started)

    project = Path(cookiecutter(str(ROOT), no_input=True, extra_context=answers,
                                output_dir=str(tmp_path)))  # fmt: skip
    assert_reads_as_written(project)
    record_property("lock_check_seconds", round(uv_lock(project, "--check"), 2))

    env = suite_env(answers, request)
    venv_started = time.time()
    project_venv(project)  # built here, or found in .cache/venvs, outside the suite's time
    record_property("venv_seconds", round(time.time() - venv_started, 1))
    database_url = env["TEST_DATABASE_URL"] or f"sqlite:///{tmp_path / 'db.sqlite3'}"
    if variant in SCAFFOLDED:
        scaffold_and_migrate(project, {**env, "DATABASE_URL": database_url})
    record_property("pre_commit_seconds", round(assert_pre_commit_clean(project), 1))
    suite_started = time.time()
    # --cov: the project's own gate (fail_under in its pyproject.toml), as its CI runs it.
    result, counts = run_generated_suite(project, tmp_path / "report.xml", env, "--cov")
    finished = time.time()
    record_property("tests", counts.get("tests", 0))
    record_property("seconds", round(finished - suite_started, 1))
    record_property("finished", finished)
    coverage = re.search(r"Total coverage: ([0-9.]+)%", result.stdout)
    if coverage:
        record_property("coverage", coverage[1])

    assert result.returncode == 0, result.stdout[-5000:]
    assert coverage and float(coverage[1]) >= COVERAGE_GOAL, result.stdout[-3000:]
    gate = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["coverage"]
    assert gate["report"]["fail_under"] == COVERAGE_GOAL and gate["run"]["branch"], gate
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
    assert counts["tests"] >= MIN_TESTS, counts
    modules = {path.relative_to(project).as_posix() for path in project.glob("tests/**/test_*.py")}
    assert modules == {key for key in counts if key.endswith(".py")}, counts

    if variant in SCAFFOLDED:
        assert_scaffold_tested(project, answers["app_style"], result.stdout, counts)
        redis_url = request.getfixturevalue("redis_url")
        _, report = run_ci_fuzzing(project, answers["ci"], database_url, redis_url, tmp_path)
        assert_fuzzing_reached_them(report)
