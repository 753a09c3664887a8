"""The default variant renders completely and reads as written by hand: lint-clean,
parseable configuration, a fresh secret, pins in step with the template's tools."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from ..helpers import (
    DEFAULT_SLUG,
    ROOT,
    UNRENDERED,
    assert_lint_clean,
    locked_versions,
    project_files,
)


def test_default_renders_the_package(default_project: Path) -> None:
    assert default_project.name == DEFAULT_SLUG
    for relative in [
        "pyproject.toml", "uv.lock", ".pre-commit-config.yaml", "gunicorn.conf.py",
        "README.md", "LICENSE", ".env", ".env.example", ".gitignore", "Dockerfile",
        "compose.yaml", ".github/workflows/ci.yml", "migrations/versions/0001_initial_schema.py",
        f"{DEFAULT_SLUG}/__init__.py", f"{DEFAULT_SLUG}/wsgi.py", "tests/conftest.py",
    ]:  # fmt: skip
        assert (default_project / relative).is_file(), relative


def test_nothing_left_unrendered(default_project: Path) -> None:
    for path in project_files(default_project):
        text = path.read_text(encoding="utf-8")
        if "/templates/" in path.as_posix():
            # The service's own Jinja pages are copied verbatim; only our variables count.
            assert "cookiecutter" not in text, path
            continue
        assert not UNRENDERED.search(text), f"{path}: {UNRENDERED.search(text).group(0)}"


def test_page_templates_keep_their_jinja(default_project: Path) -> None:
    base = (default_project / DEFAULT_SLUG / "templates" / "base.html").read_text()
    assert "{{ url_for('static', filename='style.css') }}" in base


def test_black_isort_ruff_pass(default_project: Path) -> None:
    assert_lint_clean(default_project)


def test_toml_and_yaml_parse(default_project: Path) -> None:
    pyproject = tomllib.loads((default_project / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == DEFAULT_SLUG
    assert pyproject["project"]["requires-python"] == ">=3.11"
    assert pyproject["project"]["license"] == "MIT"
    for path in [*default_project.rglob("*.yml"), *default_project.rglob("*.yaml")]:
        assert yaml.safe_load(path.read_text()) is not None, path


def test_dotenv_has_a_fresh_secret_and_is_ignored(default_project: Path, bake) -> None:
    def secret(project: Path) -> str:
        match = re.search(
            r"^SECRET_KEY=([0-9a-f]{64})$", (project / ".env").read_text(), re.MULTILINE
        )
        assert match, "SECRET_KEY of 64 hex digits expected in .env"
        return match.group(1)

    assert secret(default_project) != secret(bake())
    assert ".env" in (default_project / ".gitignore").read_text().splitlines()
    assert "SECRET_KEY=change-me" in (default_project / ".env.example").read_text()


def test_lock_pins_every_package_with_hashes_and_the_template_tools(default_project) -> None:
    lock = tomllib.loads((default_project / "uv.lock").read_text())
    packages = [package for package in lock["package"] if "editable" not in package["source"]]
    for package in packages:
        files = [package.get("sdist"), *package.get("wheels", [])]
        assert files[1:] and all(
            file["hash"].startswith("sha256:") for file in filter(None, files)
        )
    versions = locked_versions(default_project)
    assert {"flask", "flask-sqlalchemy", "flask-migrate", "psycopg", "celery", "gunicorn"} <= set(
        versions
    )
    template = {
        name.lower(): version
        for name, _, version in (
            line.partition("==")
            for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
        )
    }
    for tool in ("pytest", "black", "isort", "ruff"):
        assert versions[tool] == template[tool], tool


def test_pre_commit_hooks_are_local_and_run_the_locked_tools(default_project: Path) -> None:
    config = yaml.safe_load((default_project / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]  # nothing to clone
    hooks = config["repos"][0]["hooks"]
    for hook in hooks:
        assert hook["language"] == "system", hook
        assert hook["entry"].startswith("uv run --frozen "), hook
    assert {"black", "isort", "ruff", "trailing-whitespace", "end-of-file-fixer", "check-yaml",
            "check-toml", "check-merge-conflict"} <= {hook["id"] for hook in hooks}  # fmt: skip
    assert {"pre-commit", "pre-commit-hooks"} <= set(locked_versions(default_project))


def test_only_chosen_drivers_are_required(default_project: Path) -> None:
    versions = locked_versions(default_project)
    assert "pymysql" not in versions
    assert "psycopg-binary" in versions


@pytest.mark.parametrize(
    ("answers", "absent", "words"),
    [
        (
            {"app_style": "api"},
            [f"{DEFAULT_SLUG}/templates", f"{DEFAULT_SLUG}/static",
             f"{DEFAULT_SLUG}/users/views.py", f"{DEFAULT_SLUG}/users/forms.py",
             f"{DEFAULT_SLUG}/todos/views.py",
             f"{DEFAULT_SLUG}/todos/forms.py", "tests/pages"],
            ["flask_login", "flask_wtf", "csrf", "Flask-WTF", "login_manager",
             "errors/error.html"],
        ),
        (
            {"cache": "none"},
            ["tests/test_cache.py", "tests/test_todos_cache.py"],
            ["flask_caching", "Flask-Caching", "memoize", "CACHE_TYPE", "CACHE_DEFAULT"],
        ),
        (
            {"worker": "none"},
            [f"{DEFAULT_SLUG}/core/tasks.py", f"{DEFAULT_SLUG}/worker.py",
             f"{DEFAULT_SLUG}/main/tasks.py", f"{DEFAULT_SLUG}/todos/tasks.py",
             "tests/test_tasks.py", "tests/test_todos_tasks.py", "tests/test_worker.py",
             f"{DEFAULT_SLUG}/core/task_metrics.py", "tests/test_task_metrics.py"],
            ["celery", "Celery", "purge"],
        ),
        (
            {"cache": "none", "worker": "none"},
            ["tests/test_rate_limits_redis.py"],
            ["redis", "Redis", "REDIS_URL"],
        ),
        ({"use_cors": "false"}, ["tests/test_cors.py"], ["flask_cors", "CORS"]),
        (
            {"example": "none"},
            [f"{DEFAULT_SLUG}/todos", f"{DEFAULT_SLUG}/templates/todos",
             "migrations/versions/0002_todos.py", "tests/pages/test_todos.py",
             "tests/test_todos_api.py", "tests/test_todos_cache.py", "tests/test_todos_tasks.py",
             "tests/test_api_costs.py"],
            ["todo", "Todo", "TODO"],
        ),
        *(
            (
                {"error_tracking": "none", "tracing": "none", "deploy_target": target},
                [f"{DEFAULT_SLUG}/core/error_tracking.py", f"{DEFAULT_SLUG}/core/tracing.py",
                 "tests/test_error_tracking.py", "tests/test_tracing.py"],
                ["sentry", "Sentry", "SENTRY", "opentelemetry", "OpenTelemetry", "OTEL_",
                 "trace_id", "post_fork"],
            )
            for target in ["docker", "kubernetes", "systemd-nginx"]
        ),
    ],
)  # fmt: skip
def test_unchosen_options_leave_nothing_behind(bake, answers, absent, words) -> None:
    project = bake(**answers)
    for relative in absent:
        assert not (project / relative).exists(), relative
    for path in project_files(project):
        if path.name in {"LICENSE", ".env"}:
            continue
        text = path.read_text(encoding="utf-8")
        for word in words:
            assert word not in text, f"{word!r} left in {path.relative_to(project)}"


def test_use_cors_adds_flask_cors(bake) -> None:
    project = bake(use_cors="true")
    assert "flask-cors" in locked_versions(project)
    assert (project / "tests" / "test_cors.py").is_file()
    assert "CORS_ORIGINS" in (project / "README.md").read_text()


#: A variable the generated config (config.py, gunicorn.conf.py, and the modules that set
#: their own settings: cache, CORS, Celery, Sentry, the metrics) reads:
#: ``os.environ.get("NAME"``, ``require("NAME"``, ``env_int("NAME"`` and the other ``env_*``
#: readers.
CONFIG_VARIABLE = re.compile(r'(?:os\.environ\.get|require|env_\w+)\(\s*"([A-Z][A-Z0-9_]*)"')


def configuration_table(project: Path) -> dict[str, str]:
    """``{variable: default}`` of the rows of the README's "Configuration" table (a row may
    name several variables)."""
    readme = (project / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            names, default = line.split("|")[1:3]
            for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", names):
                rows[name] = default.strip()
    return rows


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"app_style": "api", "cache": "none", "worker": "none"},
        {"use_cors": "true", "error_tracking": "sentry"},
    ],
)
def test_readme_documents_every_variable_the_config_reads(bake, answers) -> None:
    project = bake(**answers)
    readers = [project / "gunicorn.conf.py", *sorted((project / DEFAULT_SLUG).rglob("*.py"))]
    read = {name for path in readers for name in CONFIG_VARIABLE.findall(path.read_text())}
    assert {"SECRET_KEY", "LOGIN_RATE_LIMIT", "REGISTER_RATE_LIMIT", "METRICS_PORT"} <= read
    if answers.get("worker") != "none":
        assert {"CELERY_BROKER_URL", "REDIS_SENTINELS", "WORKER_METRICS_PORT"} <= read
    if answers.get("use_cors"):
        assert {"CORS_ORIGINS", "SENTRY_DSN"} <= read
    assert read <= set(configuration_table(project))


def test_rate_limits_are_documented_with_their_defaults(default_project: Path) -> None:
    table = configuration_table(default_project)
    example = (default_project / ".env.example").read_text().splitlines()
    for name, default in [
        ("LOGIN_RATE_LIMIT", "10 per minute; 100 per hour"),
        ("REGISTER_RATE_LIMIT", "5 per minute; 20 per hour"),
    ]:
        assert table[name] == f"`{default}`"
        assert f'{name}="{default}"' in example
    assert "flask-limiter" in locked_versions(default_project)


LONGEST_SLUG = "abcdefghij_klmnopqrst_uvwxyz_ab"[:30]


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"database": "mysql", "app_style": "api", "use_cors": "true"},
        {"database": "sqlite", "deploy_target": "systemd-nginx"},
        {"deploy_target": "kubernetes", "cache": "none"},
    ],
)
def test_the_longest_slug_stays_lint_clean(bake, answers) -> None:
    project = bake(project_slug=LONGEST_SLUG, **answers)
    assert_lint_clean(project)
