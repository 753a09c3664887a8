"""The API fuzzed for real: the generated CI's fuzzing commands, run here.

For a variant on each database, the commands of the rendered CI's fuzzing step (GitHub
Actions: the "Fuzz the API" step; GitLab CI: the test job's lines after pytest) run in
the project: gunicorn in the production config on the migrated database, then
``scripts/fuzz.py``, which signs up a user and runs schemathesis with the project's
``schemathesis.toml`` (fixed seed and example count, every check, stateful tests from
the ``Location`` links). The real servers and a fresh database stand in for the CI's
service containers. Any 5xx, or any response the OpenAPI document does not describe,
fails the run.
"""

import contextlib
import os
import signal
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from ..helpers import flask_db, free_port, project_venv

VARIANTS = {
    "postgresql-full-github": {},
    "mysql-api-github": {"database": "mysql", "app_style": "api", "cache": "none"},
    "sqlite-api-prefix-gitlab": {"database": "sqlite", "app_style": "api", "cache": "none",
                                 "worker": "none", "url_prefix": "/svc", "ci": "gitlab"},
}  # fmt: skip
#: Where the CI's gunicorn listens; each run here takes a free port instead.
CI_ADDRESS = "127.0.0.1:8000"
#: Seconds the whole fuzzing run may take.
TIMEOUT = 300


def fuzz_commands(project: Path, ci: str) -> tuple[str, dict[str, str]]:
    """The fuzzing commands of the rendered ``project``'s CI and their environment."""
    if ci == "github":
        workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
        job = workflow["jobs"]["test"]
        (step,) = [step for step in job["steps"] if step.get("name", "").startswith("Fuzz")]
        return step["run"], {**job["env"], **step["env"]}
    pipeline = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
    job = pipeline["test"]
    script = job["script"]
    fuzzing = script[script.index("env -u FLASK_CONFIG pytest --cov") + 1 :]
    return "\n".join(fuzzing), {**pipeline["variables"], **job["variables"]}


def run_ci_fuzzing(
    project: Path, ci: str, database_url: str, redis_url: str, tmp_path: Path
) -> tuple[str, ET.Element]:
    """Migrate the rendered ``project``'s database, then run its CI's fuzzing commands on
    it (gunicorn on a free port, ``scripts/fuzz.py``); assert they find nothing. Returns
    their output and the root of schemathesis' JUnit report."""
    venv = project_venv(project)
    commands, ci_env = fuzz_commands(project, ci)
    env = {name: str(value) for name, value in ci_env.items()}
    assert urlsplit(env["DATABASE_URL"]).scheme == urlsplit(database_url).scheme
    env["DATABASE_URL"] = database_url
    if "REDIS_URL" in env:
        env["REDIS_URL"] = redis_url
    migrated = flask_db(venv, project, env, "upgrade")
    assert migrated.returncode == 0, migrated.stdout
    address = f"127.0.0.1:{free_port()}"
    assert CI_ADDRESS in commands, commands
    commands = commands.replace(CI_ADDRESS, address)
    env = {name: value.replace(CI_ADDRESS, address) for name, value in env.items()}
    report = tmp_path / "fuzz.xml"
    commands = commands.rstrip() + f" --no-color --report junit --report-junit-path {report}"
    environment = {**os.environ, **env, "PATH": f"{venv}{os.pathsep}{os.environ['PATH']}"}
    log = tmp_path / "fuzz.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["bash", "-e", "-c", commands], cwd=project, env=environment,
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        process.wait(timeout=TIMEOUT)
    finally:
        with contextlib.suppress(ProcessLookupError):  # gunicorn, left in the background
            os.killpg(process.pid, signal.SIGTERM)
    output = log.read_text()
    assert process.returncode == 0, output[-20000:]
    suites = ET.parse(report).getroot()
    assert (suites.get("failures"), suites.get("errors")) == ("0", "0"), output[-20000:]
    assert "Traceback" not in output, output[-20000:]
    return output, suites


@pytest.mark.parametrize(
    ("variant", "database_url"),
    [(name, answers.get("database", "postgresql")) for name, answers in VARIANTS.items()],
    indirect=["database_url"],
)
def test_ci_fuzzing_finds_no_server_error_and_no_nonconformance(
    bake, variant: str, database_url: str, redis_url: str, tmp_path: Path
) -> None:
    answers = VARIANTS[variant]
    project = bake(**answers)
    output, suites = run_ci_fuzzing(
        project, answers.get("ci", "github"), database_url, redis_url, tmp_path
    )
    assert int(suites.get("tests", 0)) >= 12, output[-5000:]
