"""The template's own workflows (``.github/workflows/`` at its root): they match GitHub's
workflow schema, pin every action by commit, and each job's ``run:`` steps run here as
written, against the local servers.

The test jobs' pytest only collects (``PYTEST_ADDOPTS=--collect-only``), as running them
would run the suite a second time: the setup, the servers' check and each job's exact
selection run as written, and together the jobs must collect every test of the suite
exactly once. The lint job runs for real.
"""

import collections
import concurrent.futures
import itertools
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from ..helpers import BIN, ROOT, run

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
#: ``uses: owner/name@<commit> # vX.Y.Z``: an action pinned by its full commit SHA.
PINNED = re.compile(r"uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
#: What GitHub runs for ``shell: bash``.
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]
#: Makes every pytest the test jobs start list its tests instead of running them, writing
#: no cache (a root-owned one would break the next run as another user).
COLLECT_ONLY = {"PYTEST_ADDOPTS": "--collect-only -q -p no:cacheprovider"}
#: Stands in for ``sudo [--preserve-env] COMMAND`` where the tests run as root and sudo is
#: not installed.
SUDO_SHIM = '#!/bin/sh\nif [ "$1" = --preserve-env ]; then shift; fi\nexec "$@"\n'


def load(path: Path) -> dict:
    """A workflow file, parsed; YAML 1.1 reads the key ``on`` as ``True``."""
    workflow = yaml.safe_load(path.read_text())
    workflow["on"] = workflow.pop(True)
    return workflow


def job_commands(job: dict) -> list[str]:
    """The ``run:`` steps of ``job``, once for each combination of its strategy's matrix,
    ``${{ matrix.KEY }}`` replaced by the combination's value."""
    matrix = job.get("strategy", {}).get("matrix", {})
    assert all(isinstance(values, list) for values in matrix.values()), "only plain lists"
    commands = []
    for values in itertools.product(*matrix.values()):
        for step in job["steps"]:
            if "run" not in step:
                continue
            command = step["run"]
            for key, value in zip(matrix, values, strict=True):
                command = command.replace(f"${{{{ matrix.{key} }}}}", str(value))
            assert "${{" not in command, f"an expression not substituted: {command}"
            commands.append(command)
    return commands


def collected(output: str) -> list[str]:
    """The test ids ``pytest --collect-only -q`` printed among a command's output."""
    return [line for line in output.splitlines() if line.startswith("tests/") and "::" in line]


def test_workflows_match_the_github_workflow_schema() -> None:
    assert [path.name for path in WORKFLOWS] == ["ci.yml", "latest.yml"]
    schema = ["--builtin-schema", "vendor.github-workflows"]
    result = run([BIN / "check-jsonschema", *schema, *WORKFLOWS], cwd=ROOT)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_actions_are_pinned_and_permissions_least(path: Path) -> None:
    uses = [line.strip() for line in path.read_text().splitlines() if "uses:" in line]
    assert uses and all(PINNED.search(line) for line in uses), uses
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())
    assert workflow["concurrency"] == {
        "group": "${{ github.workflow }}-${{ github.ref }}",
        "cancel-in-progress": True,
    }
    assert workflow["defaults"] == {"run": {"shell": "bash"}}


def test_latest_dependencies_run_weekly_with_the_readme_command() -> None:
    # The step itself is not run here: it takes minutes and PyPI (README, "Refreshing
    # the pinned versions"); scripts/latest.py's variants are tested by test_latest_script.
    workflow = load(ROOT / ".github" / "workflows" / "latest.yml")
    assert [entry["cron"] for entry in workflow["on"]["schedule"]] == ["41 4 * * 1"]
    assert [job_commands(job) for job in workflow["jobs"].values()] == [["bash scripts/latest.sh"]]
    assert set(workflow["jobs"]["latest"]["services"]) == {
        "postgres",
        "mariadb",
        "redis",
        "rabbitmq",
    }


def test_every_job_runs_here_as_written_and_the_jobs_collect_each_test_once(tmp_path) -> None:
    # Not this run's own pytest settings (xdist's worker variables among them).
    env: dict[str, str | None] = {key: None for key in os.environ if key.startswith("PYTEST_")}
    env.update(COLLECT_ONLY)
    if shutil.which("sudo") is None and os.geteuid() == 0:
        (tmp_path / "sudo").write_text(SUDO_SHIM)
        (tmp_path / "sudo").chmod(0o755)
        env["PATH"] = f"{tmp_path}{os.pathsep}{os.environ['PATH']}"

    workflow = load(ROOT / ".github" / "workflows" / "ci.yml")
    assert list(workflow["jobs"]) == ["lint", "render", "variants", "deploy"]
    steps = [
        (name, command) for name, job in workflow["jobs"].items() for command in job_commands(job)
    ]
    # The README's command for the whole suite last, collecting only as well.
    steps.append(("README", "bash scripts/test.sh"))
    # Side by side, as the jobs run: each step spends most of its time waiting.
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda step: run([*BASH, step[1]], cwd=ROOT, env=env), steps)
    jobs_collected: list[str] = []
    for (name, command), result in zip(steps, results, strict=True):
        assert result.returncode == 0, f"{name}: {command}\n{result.stdout[-3000:]}"
        shard = re.search(r"--shard (\d+/\d+)", command)
        if shard:
            assert re.search(rf"^==> shard {shard[1]} took \d+ s$", result.stdout, re.M)
        if name != "README":
            jobs_collected += collected(result.stdout)
    suite = collected(result.stdout)
    assert len(suite) > 400
    assert collections.Counter(jobs_collected) == collections.Counter(suite)
