"""``example=none`` leaves no trace of the todos: no file, word, route, migration, link or
import of them, and no empty section; the default (``example=todos``) keeps them."""

import ast
import json
import re
from pathlib import Path

import pytest

from ..helpers import (
    DEFAULT_SLUG,
    PROJECT_ENV,
    project_files,
    project_venv,
    readme_section,
    run,
)

#: Both app styles, worker and cache on and off, each CI and each deploy target, all
#: under a sub-path: what changes the files an example=none render holds.
WITHOUT_EXAMPLE = {
    "full-celery-redis": {"app_style": "full", "worker": "celery", "cache": "redis",
                          "ci": "github", "deploy_target": "kubernetes",
                          "error_tracking": "sentry", "tracing": "opentelemetry"},
    "api-noworker-nocache": {"app_style": "api", "worker": "none", "cache": "none",
                             "ci": "gitlab", "deploy_target": "systemd-nginx",
                             "database": "mysql", "use_cors": "true"},
    "full-celery-nocache": {"app_style": "full", "worker": "celery", "cache": "none",
                            "ci": "none", "deploy_target": "docker", "database": "sqlite"},
    "api-noworker-redis": {"app_style": "api", "worker": "none", "cache": "redis",
                           "ci": "github", "deploy_target": "docker"},
}  # fmt: skip

#: The migration chain's files and their ``(revision, down_revision)``.
CHAIN = {
    "todos": {"0001_initial_schema.py": ("0001", None), "0002_todos.py": ("0002", "0001")},
    "none": {"0001_initial_schema.py": ("0001", None)},
}


def render(bake, name: str, example: str) -> Path:
    """The variant ``name`` of WITHOUT_EXAMPLE under ``/svc``, with ``example``."""
    return bake(url_prefix="/svc", example=example, **WITHOUT_EXAMPLE[name])


def migration_chain(project: Path) -> dict[str, tuple[str, str | None]]:
    """``{file name: (revision, down_revision)}`` of the project's migrations."""
    chain = {}
    for path in (project / "migrations" / "versions").glob("*.py"):
        module = ast.parse(path.read_text())
        values = {
            node.targets[0].id: ast.literal_eval(node.value)
            for node in module.body
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
        }
        chain[path.name] = (values["revision"], values["down_revision"])
    return chain


@pytest.mark.parametrize("name", WITHOUT_EXAMPLE)
def test_no_file_says_todo(bake, name: str) -> None:
    project = render(bake, name, "none")
    for path in project_files(project):
        relative = path.relative_to(project).as_posix()
        assert "todo" not in relative.lower(), relative
        text = path.read_bytes().decode("utf-8", errors="ignore").lower()
        assert "todo" not in text, f"'todo' in {relative}"
    assert (project / "uv.lock").is_file()


@pytest.mark.parametrize("name", WITHOUT_EXAMPLE)
def test_the_python_files_compile_and_import_no_removed_module(bake, name: str) -> None:
    project = render(bake, name, "none")
    package = project / DEFAULT_SLUG
    for path in project.rglob("*.py"):
        tree = ast.parse(compile(path.read_text(), str(path), "exec", ast.PyCF_ONLY_AST))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level:
                # A relative import names a module or package that exists.
                base = path.parent
                for _ in range(node.level - 1):
                    base = base.parent
                target = base.joinpath(*node.module.split("."))
                assert target.with_suffix(".py").is_file() or target.is_dir(), (path, node.module)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(DEFAULT_SLUG):
                target = project.joinpath(*node.module.split("."))
                assert target.with_suffix(".py").is_file() or target.is_dir(), (path, node.module)
    assert {path.name for path in package.iterdir() if path.is_dir()} >= {"core", "main", "users"}


@pytest.mark.parametrize("name", WITHOUT_EXAMPLE)
def test_nothing_refers_to_a_removed_file(bake, name: str) -> None:
    """No file of the example=none render names a file that only the todos render has
    (``tests/test_api_costs.py``, say), by its path or its own name."""
    none, todos = render(bake, name, "none"), render(bake, name, "todos")
    kept = {path.relative_to(none).as_posix() for path in project_files(none)}
    removed = {path.relative_to(todos).as_posix() for path in project_files(todos)} - kept
    assert "migrations/versions/0002_todos.py" in removed
    kept_names = {Path(relative).name for relative in kept}
    names = {Path(relative).name for relative in removed} - kept_names
    for path in project_files(none):
        if "/core/scaffold/" in path.as_posix() or path.name == "test_scaffold.py":
            continue  # flask scaffold and its test: a new resource's files (edit.html)
        text = path.read_bytes().decode("utf-8", errors="ignore")
        for word in sorted(names | removed):
            assert word not in text, f"{word!r} in {path.relative_to(none)}"


@pytest.mark.parametrize("name", WITHOUT_EXAMPLE)
def test_the_readme_has_no_empty_section_and_its_layout_exists(bake, name: str) -> None:
    project = render(bake, name, "none")
    readme = (project / "README.md").read_text()
    outside_code = re.sub(r"```.*?```", "```", readme, flags=re.S)
    headings = list(re.finditer(r"^(#+) (.+)$", outside_code, re.M))
    for heading, following in zip(headings, [*headings[1:], None], strict=True):
        end = following.start() if following else len(outside_code)
        body = outside_code[heading.end() : end].strip()
        deeper = following and len(following[1]) > len(heading[1])
        assert body or deeper, f"empty section {heading[0]!r}"
    for link in re.findall(r"\]\(([^)]+)\)", outside_code):
        if link.startswith("#"):
            anchors = {re.sub(r"[^\w\- ]", "", h[2]).strip().lower().replace(" ", "-")
                       for h in headings}  # fmt: skip
            assert link[1:] in anchors, link
        elif not re.match(r"https?://", link):
            assert (project / link).exists(), link
    block = re.search(r"```\n(.*?)```", readme_section(project, "Layout"), re.S).group(1)
    paths = [line.split("  ")[0] for line in block.splitlines()]
    assert all((project / path).exists() for path in paths if "," not in path), paths


@pytest.mark.parametrize("example", CHAIN)
def test_the_migration_chain(bake, example: str) -> None:
    project = bake(example=example)
    assert migration_chain(project) == CHAIN[example]


def test_the_default_keeps_the_todos(default_project: Path) -> None:
    package = default_project / DEFAULT_SLUG
    assert (package / "todos" / "__init__.py").is_file()
    assert (package / "templates" / "todos").is_dir()
    assert (default_project / "tests" / "test_todos_api.py").is_file()
    assert "todos.init_app(app, rest_api)" in (package / "__init__.py").read_text()


#: Write the served OpenAPI document of the project in the working directory to the
#: file named by the first argument.
WRITE_DOCUMENT = f"""
import json, sys
from {DEFAULT_SLUG} import create_app
document = create_app().test_client().get("/api/v1/openapi.json").get_json()
open(sys.argv[1], "w").write(json.dumps(document))
"""


@pytest.mark.parametrize("example", ["none", "todos"])
def test_the_openapi_document_has_a_todo_path_only_with_the_example(
    bake, example: str, tmp_path: Path
) -> None:
    project = render(bake, "full-celery-redis", example)
    venv = project_venv(project)
    document = tmp_path / "openapi.json"
    env = {**dict.fromkeys(PROJECT_ENV), "FLASK_CONFIG": "testing"}
    result = run([venv / "python", "-c", WRITE_DOCUMENT, document], cwd=project, env=env)
    assert result.returncode == 0, result.stdout[-3000:]
    paths = json.loads(document.read_text())["paths"]
    assert "/api/v1/users/me" in paths, sorted(paths)
    assert any("todo" in path for path in paths) == (example == "todos"), sorted(paths)
