"""The generated README's quick start works as written: its shell blocks, run line by line
in a fresh render, install the project, create and migrate its database, and start the
development server (and the Celery worker and beat where chosen), which then serve, on
the address the README names (under ``url_prefix`` where there is one).

Servers run in the background until they say they are ready. The environment lends only
what a developer's machine would differ in: a free port for ``flask run``
(``FLASK_RUN_PORT``), this test worker's Redis database (``REDIS_URL``, over the
``.env`` value) and uv on the ``PATH``; nothing that ``.env`` sets, so a command that
does not read it fails.
"""

import json
import os
import re
import subprocess
import urllib.request
from pathlib import Path

import psycopg
import pymysql
import pytest

from ..helpers import (
    BIN,
    UV_ENV,
    free_port,
    get,
    readme_section,
    shell_commands,
    stop,
    wait_until,
)

#: Seconds a server may take to say it is ready.
START_TIMEOUT = 60
#: Variables the development config takes from ``.env``.
FROM_DOTENV = ("FLASK_CONFIG", "SECRET_KEY", "DATABASE_URL")
#: The address the quick start tells the reader to open, on flask run's default port.
README_URL = re.compile(r"http://127\.0\.0\.1:5000(/[^\s,]*)")
#: What a long-running command prints once it serves; other commands must exit 0.
READY = {" run": "Running on http://", " worker ": "ready.", " beat ": "beat: Starting"}
VARIANTS = {
    "postgresql-full-celery": {"project_name": "Readme Pg", "database": "postgresql"},
    "mysql-api-celery": {
        "project_name": "Readme My", "database": "mysql", "app_style": "api", "cache": "none",
    },
    "sqlite-api-noworker-prefix": {
        "project_name": "Readme Lite", "database": "sqlite", "app_style": "api",
        "cache": "none", "worker": "none", "url_prefix": "/svc",
    },
}  # fmt: skip


def wait_for_output(process: subprocess.Popen, log: Path, text: str) -> None:
    """Wait until the background ``process`` writes ``text`` to its ``log``; fail with
    the log when it exits first or ``START_TIMEOUT`` passes."""
    wait_until(lambda: text in log.read_text(), f"{text!r} in its output", START_TIMEOUT,
               alive=lambda: process.poll() is None, details=log.read_text)  # fmt: skip


def drop_database(database: str, name: str) -> None:
    """Drop the database ``name`` that the quick start creates, on the server its
    commands name (localhost, as written)."""
    if database == "postgresql":
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    elif database == "mysql":
        with pymysql.connect(host="127.0.0.1", user="root", autocommit=True) as db:
            db.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")


@pytest.mark.parametrize("variant", VARIANTS)
def test_quickstart_runs_as_written(bake, redis_url: str, tmp_path: Path, variant: str) -> None:
    answers = VARIANTS[variant]
    project = bake(**answers)
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in FROM_DOTENV}
    env.update(FLASK_RUN_PORT=str(port), REDIS_URL=redis_url, PYTHONUNBUFFERED="1")
    env.update(UV_ENV, PATH=f"{BIN}{os.pathsep}{env['PATH']}")  # uv, as the README asks
    servers: list[subprocess.Popen] = []
    drop_database(answers["database"], project.name)
    try:
        for number, line in enumerate(shell_commands(readme_section(project, "Quickstart"))):
            ready = next((text for key, text in READY.items() if key in f"{line} "), None)
            log = tmp_path / f"{number}.log"
            with log.open("w") as output:
                process = subprocess.Popen(
                    ["bash", "-c", f"exec {line}"], cwd=project, env=env, stdout=output,
                    stderr=subprocess.STDOUT, start_new_session=True,
                )  # fmt: skip
            if ready:
                servers.append(process)
                wait_for_output(process, log, ready)
            else:
                assert process.wait(timeout=600) == 0, f"{line}\n{log.read_text()}"
        prefix = answers.get("url_prefix", "")
        base = f"http://127.0.0.1:{port}{prefix}"
        assert get(f"{base}/health") == (200, {"status": "ok"})
        status, body = get(f"{base}/ready")
        assert (status, body["status"]) == (200, "ok"), body
        (path,) = README_URL.findall(readme_section(project, "Quickstart"))
        assert path.startswith(f"{prefix}/")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            page = response.read().decode()
        if answers.get("app_style") == "api":
            assert json.loads(page)["links"]["docs"] == f"{prefix}/api/v1/docs"
        else:
            assert "<title>" in page
    finally:
        for process in servers:
            stop(process)
        drop_database(answers["database"], project.name)
