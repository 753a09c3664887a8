"""The generated CI's container-image job (GitHub Actions and GitLab CI), its commands
taken from the rendered file and run here with podman standing in for docker, against
the real servers in place of the CI's service containers."""

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from ...helpers import run
from .podman import PYTHON_VERSION, engine_env, port_lock, tool

#: ci -> the variant whose job runs: a server database on GitHub, SQLite on GitLab.
CI_VARIANTS = {
    "github": {},
    "gitlab": {"database": "sqlite", "cache": "none", "worker": "none"},
}
#: What the job's commands read from its environment.
JOB_VARIABLES = ("IMAGE", "DATABASE_URL", "REDIS_URL", "APP_URL")
#: ``docker`` for the job's commands: podman, building as this machine needs (no layer
#: cache, Docker's image format, which keeps HEALTHCHECK; the host's network for RUN), and
#: running with a free metrics port (the host's network is shared with other tests).
DOCKER_SHIM = """#!/bin/sh
if [ "$1" = build ]; then
    shift
    exec podman build --layers=false --format docker --network host "$@"
fi
if [ "$1" = run ]; then
    shift
    exec podman run --env METRICS_PORT=0 "$@"
fi
exec podman "$@"
"""


def job_commands(project: Path, ci: str) -> tuple[str, dict[str, str]]:
    """The container-image job of the rendered ``project``'s CI file: its shell commands
    (GitHub: every step's ``run``; GitLab: ``script``) and its environment."""
    if ci == "github":
        workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
        job = workflow["jobs"]["container-image"]
        commands = [step["run"] for step in job["steps"] if "run" in step]
        return "\n".join(commands), job["env"]
    pipeline = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
    job = pipeline["container-image"]
    assert job["image"].startswith("docker:") and "docker:27-dind" in job["services"]
    return "\n".join(job["script"]), {**pipeline["variables"], **job["variables"]}


@pytest.mark.parametrize("ci", list(CI_VARIANTS))
def test_ci_job_builds_and_smoke_tests_the_image(
    ci, bake, base_import, request, redis_url, tmp_path, record_property
) -> None:
    answers = {"python_version": PYTHON_VERSION, "ci": ci, **CI_VARIANTS[ci]}
    project = bake(**answers)
    commands, job_env = job_commands(project, ci)
    env = {name: str(job_env[name]) for name in JOB_VARIABLES if name in job_env}
    # The real servers in place of the CI's service containers, the same kind of URL.
    if answers.get("database", "postgresql") != "sqlite":
        real = request.getfixturevalue("postgres_url")
        assert urlsplit(env["DATABASE_URL"]).scheme == urlsplit(real).scheme
        env["DATABASE_URL"] = real
    if "REDIS_URL" in env:
        env["REDIS_URL"] = redis_url
    app = urlsplit(env["APP_URL"])
    assert (app.port, app.path) == (8000, "")
    env["APP_URL"] = app._replace(netloc="127.0.0.1:8000").geturl()
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "docker").write_text(DOCKER_SHIM)
    (shim / "docker").chmod(0o755)
    env.update(engine_env(), PATH=f"{shim}{os.pathsep}{os.environ['PATH']}")

    with port_lock(8000):
        tool("podman", "volume", "rm", "--force", "app-data", check=False)  # an earlier run's
        started = time.monotonic()
        result = run(["bash", "-e", "-o", "pipefail", "-c", commands], cwd=project, env=env)
        seconds = round(time.monotonic() - started, 1)
        left = tool("podman", "ps", "--all", "--quiet", "--filter", f"ancestor={env['IMAGE']}")
        size = tool("podman", "image", "inspect", "--format", "{{.Size}}", env["IMAGE"],
                    check=False)  # fmt: skip
        tool("podman", "rmi", "--force", env["IMAGE"], check=False)
        tool("podman", "volume", "rm", "--force", "app-data", check=False)

    assert result.returncode == 0, result.stdout
    assert result.stdout.count('"status":"ok"') == 2, result.stdout  # /health and /ready
    assert left.strip() == "", "the job left its container running"
    record_property(
        "container_image",
        {
            "variant": f"CI job: {ci}",
            "base_import": base_import,
            "seconds": seconds,
            "size_mb": round(int(size) / 1e6),
        },
    )
    record_property("container_steps", {"the job's commands (build, smoke test)": seconds})


@pytest.mark.parametrize("ci", list(CI_VARIANTS))
def test_systemd_target_has_no_container_image_job(ci, bake) -> None:
    project = bake(ci=ci, deploy_target="systemd-nginx")
    path = ".github/workflows/ci.yml" if ci == "github" else ".gitlab-ci.yml"
    document = yaml.safe_load((project / path).read_text())

    assert "container-image" not in document.get("jobs", document)
