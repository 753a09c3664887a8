"""The generated ``uv.lock``: pruned offline by the post-generation hook from the
template's lock of every option (``scripts/lock.py``), it is what uv itself would lock
for each set of dependencies, and the template's lock is current with its pyproject."""

import itertools
import os
import re
import shutil
import sys
import tomllib
from pathlib import Path

import pytest

from ..helpers import (
    BIN,
    ROOT,
    UV_ENV,
    locked_versions,
    readme_section,
    run,
    script_module,
    uv_lock,
)
from ..variants.matrix import FUNCTIONAL, PAIRWISE

#: Every combination of the variables that choose dependencies (deploy_target does not),
#: without error tracking and tracing; then, as their packages vary with ``worker`` only
#: (Celery's instrumentation), each of their other combinations with each worker, spread
#: over the other variables: 54 sets of scripts/lock.py's 192, each about a second.
DEPENDENCY_SETS = [
    dict(
        zip(["app_style", "database", "cache", "worker", "use_cors"], values, strict=True),
        error_tracking="none",
        tracing="none",
    )
    for values in itertools.product(
        *(FUNCTIONAL[name] for name in ["app_style", "database", "cache", "worker"]),
        PAIRWISE["use_cors"],
    )
] + [
    {
        "app_style": FUNCTIONAL["app_style"][number % 2],
        "database": FUNCTIONAL["database"][number % 3],
        "cache": FUNCTIONAL["cache"][number // 3 % 2],
        "worker": worker,
        "use_cors": PAIRWISE["use_cors"][number // 2 % 2],
        "error_tracking": error_tracking,
        "tracing": tracing,
    }
    for number, (worker, (error_tracking, tracing)) in enumerate(
        itertools.product(
            FUNCTIONAL["worker"],
            [("sentry", "none"), ("none", "opentelemetry"), ("sentry", "opentelemetry")],
        )
    )
]


@pytest.mark.parametrize(
    "answers", DEPENDENCY_SETS, ids=lambda answers: "-".join(answers.values())
)
def test_lock_is_what_uv_locks_for_the_chosen_dependencies(bake, answers) -> None:
    project = bake(**answers)
    pruned = (project / "uv.lock").read_text()
    uv_lock(project, "--check")
    uv_lock(project)  # re-resolves from the lock: anything missing or extra would change it
    assert (project / "uv.lock").read_text() == pruned
    packages = locked_versions(project)
    database = answers["database"]
    assert ("psycopg-binary" in packages) == (database == "postgresql")
    assert ("cryptography" in packages) == (database == "mysql")  # PyMySQL[rsa]
    assert ("kombu" in packages) == (answers["worker"] == "celery")
    assert ("flask-wtf" in packages) == (answers["app_style"] == "full")
    assert ("sentry-sdk" in packages) == (answers["error_tracking"] == "sentry")
    traced = answers["tracing"] == "opentelemetry"
    assert ("opentelemetry-sdk" in packages) == traced
    assert ("opentelemetry-instrumentation-celery" in packages) == (
        traced and answers["worker"] == "celery"
    )


def test_lock_names_the_project_and_its_version(bake) -> None:
    project = bake(project_name="Order Service", version="01.2.0rc1")
    lock = (project / "uv.lock").read_text()
    assert 'name = "order-service"\nversion = "1.2.0rc1"\nsource = { editable = "." }' in lock
    uv_lock(project, "--check")


def test_template_lock_is_current_with_the_template_pyproject(tmp_path: Path) -> None:
    lock = script_module("lock")
    union = tmp_path / "union"
    union.mkdir()
    (union / "pyproject.toml").write_text(lock.union_pyproject())
    (union / "uv.lock").write_bytes(lock.LOCK.read_bytes())
    # Fails when a dependency changed without `python scripts/lock.py` (README).
    uv_lock(union, "--check")


@pytest.mark.parametrize(
    "answers", [{"ci": "github"}, {"ci": "gitlab", "deploy_target": "systemd-nginx"}]
)
def test_uv_is_pinned_to_the_template_version_wherever_it_is_installed(bake, answers) -> None:
    (template,) = re.findall(r"^uv==(\S+)$", (ROOT / "requirements-dev.txt").read_text(), re.M)
    project = bake(**answers)
    installers = [".github/workflows/ci.yml", ".gitlab-ci.yml", "Dockerfile", "deploy/install.sh"]
    found = [
        pin
        for name in installers
        if (project / name).exists()
        for pin in re.findall(r"uv==([\w.]+)|UV_VERSION=([\w.]+)", (project / name).read_text())
    ]
    # GitHub's workflow installs uv in two jobs: test and latest-dependencies.
    assert len(found) == (3 if answers["ci"] == "github" else 2), found
    assert {version for pin in found for version in pin if version} == {template}


def test_readme_lines_for_pip_install_the_lock_with_hashes(default_project, tmp_path) -> None:
    project = shutil.copytree(default_project, tmp_path / default_project.name)
    section = readme_section(project, "Dependencies")
    export, install = re.findall(r"`((?:uv export|pip install) [^`]+)`", section)
    assert "--require-hashes" in install
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", venv], cwd=tmp_path).returncode == 0
    path = f"{venv / 'bin'}{os.pathsep}{BIN}{os.pathsep}{os.environ['PATH']}"
    for line in (export, install):
        result = run(["bash", "-c", line], cwd=project, env={**UV_ENV, "PATH": path})
        assert result.returncode == 0, f"{line}:\n{result.stdout}"
    installed = run([venv / "bin" / "python", "-m", "pip", "freeze"], cwd=project).stdout
    packages = tomllib.loads((project / "uv.lock").read_text())["package"]
    locked = {f"{package['name']}=={package['version']}" for package in packages}
    assert {line.lower().replace("_", "-") for line in installed.splitlines()} <= locked
    assert "celery==" in installed.lower() and "black" not in installed  # no dev group
