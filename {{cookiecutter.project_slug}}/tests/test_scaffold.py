"""``flask scaffold``: what it writes, and every argument it refuses without writing.

Each test runs the command on a copy of the package in a temporary directory (the app's
``root_path`` points there), so the project's own files are never touched.
"""

import shutil
import tomllib
from pathlib import Path

import black
import isort
import pytest
from click.testing import Result
from flask import Flask

from {{ cookiecutter.project_slug }}.core.scaffold import registered, singular_of

PACKAGE = Path(__file__).resolve().parent.parent / "{{ cookiecutter.project_slug }}"
SETTINGS = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]
#: One field of each type, some optional; long names, so that lines have to be wrapped.
FIELDS = [
    "name:str",
    "description:text?",
    "quantity_on_hand:int",
    "estimated_unit_price:decimal?",
    "discontinued:bool",
    "restock_date:date?",
    "last_counted_at:datetime",
]


@pytest.fixture
def project(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the package and an empty ``tests/`` under ``tmp_path``, which the app's
    ``root_path`` names for the test."""
    shutil.copytree(PACKAGE, tmp_path / PACKAGE.name, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "tests").mkdir()
    monkeypatch.setattr(app, "root_path", str(tmp_path / PACKAGE.name))
    return tmp_path


def scaffold(app: Flask, *args: str) -> Result:
    """Run ``flask scaffold ARGS`` on ``app``."""
    return app.test_cli_runner().invoke(args=["scaffold", *args])


def snapshot(directory: Path) -> dict[Path, bytes]:
    """Every file under ``directory`` and its content."""
    return {path: path.read_bytes() for path in directory.rglob("*") if path.is_file()}


def test_it_writes_the_package_its_tests_and_registers_it(app: Flask, project: Path) -> None:
    result = scaffold(app, "scaffold_inventories", *FIELDS)
    assert result.exit_code == 0, result.output
    package = project / PACKAGE.name
    written = {path.relative_to(project) for path in snapshot(project)} - {
        path.relative_to(PACKAGE.parent) for path in snapshot(PACKAGE)
    }
    modules = ["__init__", "models", "schemas", "api"]
    expected = {Path("tests/test_scaffold_inventories.py")}
{%- if cookiecutter.app_style == "full" %}
    modules += ["forms", "views"]
    expected |= {Path("tests/pages/test_scaffold_inventories_pages.py")}
    pages = Path(PACKAGE.name, "templates/scaffold_inventories")
    expected |= {pages / "index.html", pages / "edit.html"}
{%- endif %}
    expected |= {Path(PACKAGE.name, "scaffold_inventories", f"{module}.py") for module in modules}
    assert written == expected
    factory = (package / "__init__.py").read_text()
    assert "    scaffold_inventories.init_app(app, rest_api)\n" in factory
    assert "scaffold_inventories" in factory.split("\n\n\ndef create_app")[0]
    models = (package / "scaffold_inventories/models.py").read_text()
    assert "class ScaffoldInventory(Base):" in models
    python = [project / path for path in expected if path.suffix == ".py"]
    for path in [*python, package / "__init__.py"]:
        source = path.read_text()
        compile(source, str(path), "exec")
        assert formatted(source) == source, path
    assert "wrote tests/test_scaffold_inventories.py" in result.output


def formatted(source: str) -> str:
    """``source`` as black and isort, with the project's settings, write it."""
    mode = black.Mode(line_length=SETTINGS["black"]["line-length"])
    source = black.format_str(source, mode=mode)
    return isort.code(source, config=isort.Config(**SETTINGS["isort"]))


@pytest.mark.parametrize(
    ("args", "hint", "rule"),
    [
        (["users", "title:str"], "NAME", "is taken"),
        (["auth", "title:str", "--singular", "auth_item"], "NAME", "is taken"),
        (["docs", "title:str"], "NAME", "is taken"),
        (["tasks", "title:str"], "NAME", "is taken"),
        (["extensions", "title:str"], "NAME", "is taken"),  # a module of the package
        (["tokens", "title:str"], "NAME", "is taken"),  # a URL of the API
        (["Projects", "title:str"], "NAME", "lowercase snake_case"),
        (["import", "title:str", "--singular", "imported"], "NAME", "Python keyword"),
        (["a_very_long_resource_names", "title:str"], "NAME", "at most 20"),
        (["classes", "title:str"], "--singular", "Python keyword"),
        (["people", "title:str"], "--singular", "English plural"),
        (["forms", "title:str"], "--singular", "would hide"),
        (["news", "title:str", "--singular", "news"], "--singular", "must differ"),
        (["scaffold_examples", "title"], "FIELD:TYPE", "the type must be one of"),
        (["scaffold_examples", "title:string"], "FIELD:TYPE", "the type must be one of"),
        (["scaffold_examples", "Title:str"], "FIELD:TYPE", "lowercase snake_case"),
        (["scaffold_examples", "class:str"], "FIELD:TYPE", "Python keyword"),
        (["scaffold_examples", "match:str"], "FIELD:TYPE", "Python keyword"),
        (["scaffold_examples", "id:int"], "FIELD:TYPE", "every resource has"),
        (["scaffold_examples", "created_at:datetime"], "FIELD:TYPE", "every resource has"),
        (["scaffold_examples", "metadata:str"], "FIELD:TYPE", "taken by the model"),
        (["scaffold_examples", "title:str", "title:text"], "FIELD:TYPE", "given once"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(
    app: Flask, project: Path, args: list[str], hint: str, rule: str
) -> None:
    before = snapshot(project)
    result = scaffold(app, *args)
    assert result.exit_code == 2
    assert f"Invalid value for {hint}: " in result.output
    assert rule in result.output
    assert "e.g." in result.output
    assert snapshot(project) == before


def test_a_resource_needs_a_field(app: Flask, project: Path) -> None:
    result = scaffold(app, "scaffold_examples")
    assert result.exit_code == 2
    assert "Missing argument 'FIELD:TYPE...'" in result.output


def test_an_existing_file_is_never_overwritten(app: Flask, project: Path) -> None:
    (project / "tests/test_scaffold_examples.py").write_text("# the team's own\n")
    before = snapshot(project)
    result = scaffold(app, "scaffold_examples", "title:str")
    assert result.exit_code == 2
    assert "test_scaffold_examples.py exists already" in result.output
    assert snapshot(project) == before


def test_a_factory_laid_out_otherwise_is_left_to_the_team(app: Flask, project: Path) -> None:
    factory = project / PACKAGE.name / "__init__.py"
    source = factory.read_text()
    factory.write_text(source.replace("init_app(app, rest_api)", "init_app(app, api=rest_api)"))
    before = snapshot(project)
    result = scaffold(app, "scaffold_examples", "title:str")
    assert result.exit_code == 2
    assert "by hand (scaffold_examples.init_app(app, rest_api))" in result.output
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("plural", "singular"),
    [("projects", "project"), ("categories", "category"), ("boxes", "box"),
     ("addresses", "address"), ("line_items", "line_item"), ("glass", None), ("people", None)],
)  # fmt: skip
def test_the_singular_comes_from_the_plural_ending(plural: str, singular: str | None) -> None:
    assert singular_of(plural) == singular


def test_a_long_import_line_is_wrapped_as_isort_writes_it() -> None:
    names = ", ".join(f"feature_number_{n}" for n in range(6))
    source = (
        f"from . import {names}\n\n\ndef register_blueprints(app: Flask) -> None:\n"
        "    rest_api = openapi.init_app(app)\n    feature_number_0.init_app(app, rest_api)\n"
    )
    result = registered(source, "projects")
    assert result.startswith("from . import (\n    feature_number_0,\n")
    assert "    projects,\n)\n" in result
    assert result.endswith("0.init_app(app, rest_api)\n    projects.init_app(app, rest_api)\n")
    assert formatted(result) == result
