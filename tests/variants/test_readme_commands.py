"""The generated README's local-development commands work as written: the Celery worker
and beat start in the development config that ``.env`` names, as the ``flask`` command
does, with nothing else set in the environment."""

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from ..helpers import project_venv, stop

#: Seconds a process may take to start.
START_TIMEOUT = 30
#: Variables the development config takes from ``.env``; the test's environment must
#: not hold them, or it would hide a command that does not read ``.env``.
FROM_DOTENV = ("FLASK_CONFIG", "SECRET_KEY", "DATABASE_URL")


def readme_commands(project: Path, prefix: str) -> list[str]:
    """The lines of the rendered README's ```bash blocks that start with ``prefix``."""
    blocks = re.findall(r"```bash\n(.*?)```", (project / "README.md").read_text(), re.S)
    return [line for block in blocks for line in block.splitlines() if line.startswith(prefix)]


def wait_for(process: subprocess.Popen, log: Path, text: str) -> None:
    """Wait until ``text`` is in ``log``; fail with the log when the process exits first
    or ``START_TIMEOUT`` passes."""
    deadline = time.monotonic() + START_TIMEOUT
    while text not in log.read_text():
        assert process.poll() is None, f"exited with {process.returncode}:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"no {text!r} in {START_TIMEOUT} s:\n{log.read_text()}"
        time.sleep(0.2)


@pytest.mark.parametrize(("command", "ready"), [("worker", "ready."), ("beat", "beat: Starting")])
def test_readme_celery_command_starts_as_written(
    bake, redis_url: str, tmp_path: Path, command: str, ready: str
) -> None:
    project = bake()
    (project / ".venv").symlink_to(project_venv(project).parent)
    [line] = [
        line
        for line in readme_commands(project, ".venv/bin/celery")
        if f" {command} " in f"{line} "
    ]
    env = {name: value for name, value in os.environ.items() if name not in FROM_DOTENV}
    # The Redis of this test worker rather than .env's database 0; unbuffered output, as
    # on the terminal the README has in mind.
    env.update(REDIS_URL=redis_url, PYTHONUNBUFFERED="1")
    log = tmp_path / f"{command}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["bash", "-c", f"exec {line}"], cwd=project, env=env, stdout=output, stderr=output
        )
    try:
        wait_for(process, log, ready)
    finally:
        stop(process)
