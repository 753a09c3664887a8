"""Free-text answers are taken as typed: quotes, backslashes, an apostrophe, markup, a
dollar sign, ``%`` and non-ASCII text in the name, description and author are escaped
where they land (``local_extensions.py``), so the project keeps them byte for byte and
stays lint-clean, and its suite passes."""

import json
import re
import tomllib
from pathlib import Path

import pytest

from ..helpers import (
    UNRENDERED,
    assert_lint_clean,
    project_files,
    project_venv,
    run,
    run_generated_suite,
)

#: The name is as long as the pre-generation hook allows (60, a ``\`` or ``"`` counting
#: twice), so the lines that hold it, escaped, are the longest a render can make.
HOSTILE = {
    "project_name": 'The "fast" path\'s <b>C:\\dir</b> $HOME 100% é; sixty chars',
    "description": 'Say "hi" to C:\\new\\dir & <i>it\'s</i> `x` $(id) ✓ *not* _emphasis_',
    "author_name": 'Zoë "Z" O\'Brien \\ & Co',
}
SLUG = "hostile_text"
#: What the suite would otherwise take from the shell running the template tests.
SHELL_ENV = dict.fromkeys(
    ["FLASK_CONFIG", "DATABASE_URL", "TEST_DATABASE_URL", "REDIS_URL", "SCRIPT_NAME"]
)
#: Prints the titles the running app gives the name: the HTML page's (the browser's
#: text, entities decoded), the API docs page's and the OpenAPI document's.
TITLES = """
import html, json, re
from hostile_text import create_app
client = create_app({}).test_client()
def title(path):
    page = client.get(path).get_data(as_text=True)
    return html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1))
print(json.dumps([title("/auth/login"), title("/api/v1/docs"),
                  client.get("/api/v1/openapi.json").json["info"]["title"]]))
"""


@pytest.fixture(scope="module")
def project(bake) -> Path:
    """The hostile answers, in a variant with pages, SQLite and the systemd units."""
    return bake(
        **HOSTILE, project_slug=SLUG, database="sqlite", cache="none", worker="none",
        deploy_target="systemd-nginx",
    )  # fmt: skip


def test_text_is_kept_byte_for_byte(project: Path) -> None:
    metadata = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert metadata["description"] == HOSTILE["description"]
    assert metadata["authors"][0]["name"] == HOSTILE["author_name"]
    readme = (project / "README.md").read_text()
    assert readme.startswith(f"# {HOSTILE['project_name']}\n\n{HOSTILE['description']}\n\n")
    license_text = (project / "LICENSE").read_text()
    assert re.search(
        rf"^Copyright \(c\) \d{{4}} {re.escape(HOSTILE['author_name'])}$", license_text, re.M
    )
    unit = (project / "deploy" / "systemd" / f"{SLUG}.service").read_text()
    description = re.search(r"^Description=(.*)$", unit, re.MULTILINE).group(1)
    # systemd expands %-specifiers in Description=; %% is a literal %.
    assert description.replace("%%", "%") == f"{HOSTILE['project_name']} web (gunicorn)"


def test_project_reads_as_written(project: Path) -> None:
    for path in project_files(project):
        if "/templates/" not in path.as_posix():
            assert not UNRENDERED.search(path.read_text()), path
    assert_lint_clean(project)


def test_titles_and_suite(project: Path, tmp_path: Path) -> None:
    python = project_venv(project) / "python"
    result = run([python, "-c", TITLES], cwd=project, env=SHELL_ENV)
    assert result.returncode == 0, result.stdout
    name = HOSTILE["project_name"]
    assert json.loads(result.stdout.splitlines()[-1]) == [
        f"Log in · {name}",
        f"{name}: API docs",
        name,
    ]
    result, counts = run_generated_suite(project, tmp_path / "report.xml", SHELL_ENV)
    assert result.returncode == 0, result.stdout[-5000:]
    assert counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts
    assert counts["tests"] >= 50, counts
