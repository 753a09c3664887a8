"""Refresh the lock data the template ships: ``{{cookiecutter.project_slug}}/uv.lock``.

Usage (from the repository root, with the template's tools in .venv)::

    .venv/bin/python scripts/lock.py            # lock the current dependencies
    .venv/bin/python scripts/lock.py --upgrade  # newest versions the bounds allow

Renders the template's ``pyproject.toml``, that file alone (no hooks: no lock is needed to
read the dependencies), for every combination of the variables that choose dependencies
(192), takes the union of their ``[project] dependencies`` into one "union" project (both
drivers, Redis, Celery, CORS, Sentry, OpenTelemetry, the pages' packages at once) with the
shared dev group, and runs ``uv lock`` on it. The post-generation hook prunes that lock to
the packages a variant's own dependencies reach (hooks/post_gen_project.py), offline, so
each rendered project gets a ``uv.lock`` that ``uv lock --check`` accepts. Needs PyPI (uv
resolves).
"""

import argparse
import itertools
import json
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from cookiecutter.environment import StrictEnvironment
from cookiecutter.generate import generate_context
from cookiecutter.prompt import prompt_for_config

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "{{cookiecutter.project_slug}}"
LOCK = TEMPLATE / "uv.lock"
UV = Path(sys.executable).parent / "uv"
#: The variables whose values add or remove runtime dependencies.
DEPENDENCY_VARIABLES = (
    "app_style",
    "database",
    "cache",
    "worker",
    "use_cors",
    "error_tracking",
    "tracing",
)


def dependency_sets() -> list[dict[str, str]]:
    """Every combination of the values of ``DEPENDENCY_VARIABLES`` (cookiecutter.json's
    choices; a boolean variable is ``false`` or ``true``), as extra context."""
    variables = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
    choices = [
        ["false", "true"] if isinstance(variables[name], bool) else variables[name]
        for name in DEPENDENCY_VARIABLES
    ]
    return [
        dict(zip(DEPENDENCY_VARIABLES, values, strict=True))
        for values in itertools.product(*choices)
    ]


def rendered_pyproject(answers: dict[str, str]) -> str:
    """The template's ``pyproject.toml`` rendered with ``answers`` over the defaults, as
    cookiecutter renders it (its context, derived variables and extensions), without
    rendering the rest of the project: a few milliseconds instead of most of a second."""
    sys.path.insert(0, str(ROOT))  # local_extensions, as cookiecutter imports it
    try:
        context = generate_context(ROOT / "cookiecutter.json", extra_context=answers)
        context["cookiecutter"] = prompt_for_config(context, no_input=True)
        environment = StrictEnvironment(context=context, keep_trailing_newline=True)
        template = (TEMPLATE / "pyproject.toml").read_text(encoding="utf-8")
        return environment.from_string(template).render(**context)
    finally:
        sys.path.remove(str(ROOT))


def union_pyproject() -> str:
    """The rendered ``pyproject.toml`` of the default answers with ``[project]
    dependencies`` replaced by every dependency of every dependency set, in order of
    first appearance."""
    union: list[str] = []
    default_text = ""
    for answers in dependency_sets():
        text = rendered_pyproject(answers)
        default_text = default_text or text
        for dependency in tomllib.loads(text)["project"]["dependencies"]:
            if dependency not in union:
                union.append(dependency)
    start = default_text.index("dependencies = [\n")
    end = default_text.index("\n]\n", start) + 3
    block = "dependencies = [\n" + "".join(f'    "{dep}",\n' for dep in union) + "]\n"
    return default_text[:start] + block + default_text[end:]


def main() -> None:
    """Write the union project, lock it with uv, and store the lock in the template."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upgrade", action="store_true", help="uv lock --upgrade")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lock-") as tmp:
        workdir = Path(tmp)
        union = workdir / "union"
        union.mkdir()
        (union / "pyproject.toml").write_text(union_pyproject(), encoding="utf-8")
        if LOCK.exists():
            shutil.copy(LOCK, union / "uv.lock")  # uv keeps its versions unless --upgrade
        command = [UV, "lock", "--no-config", *(["--upgrade"] if args.upgrade else [])]
        subprocess.run(command, cwd=union, check=True)
        shutil.copy(union / "uv.lock", LOCK)
    print(f"wrote {LOCK.relative_to(ROOT)}; now prove every variant: bash scripts/test.sh")


if __name__ == "__main__":
    main()
