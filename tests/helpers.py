"""What the template tests share: paths, running commands and servers, lint, HTTP probes,
the production environment of a generated service.

The servers come from ``TEST_POSTGRES_URL``, ``TEST_MYSQL_URL``, ``TEST_REDIS_URL`` and
``TEST_AMQP_URL``, which ``scripts/test.sh`` sets after making sure the servers answer.
"""

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TypeVar
from urllib.parse import urlsplit

import psycopg
import pymysql
import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter
from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
#: The bin directory of the template's own virtualenv (.venv): linters and validators.
BIN = Path(sys.executable).parent
DEFAULT_SLUG = "flask_service"
#: The environment of uv in the template tests: its download cache, no user configuration.
UV_ENV = {"UV_CACHE_DIR": str(CACHE / "uv"), "UV_NO_CONFIG": "1"}
DATABASES = ("postgresql", "mysql", "sqlite")
T = TypeVar("T")
#: The metrics ports of the services the tests start: 0, a free port each, as the fixed
#: defaults would collide between tests run in parallel (the metrics tests pick theirs).
FREE_METRICS_PORTS = {"METRICS_PORT": "0", "WORKER_METRICS_PORT": "0"}
#: A Cookiecutter variable or tag left in a rendered file.
UNRENDERED = re.compile(r"cookiecutter\.|\{\{ ?cookiecutter|\{%-? ?(if|for|raw)\b")
#: What the generated project reads from the environment: a generated suite gets only what
#: its runner gives it, whatever the shell running the template tests has set.
PROJECT_ENV = (
    "FLASK_CONFIG", "SECRET_KEY", "DATABASE_URL", "TEST_DATABASE_URL", "REDIS_URL",
    "REDIS_SENTINELS", "REDIS_SENTINEL_MASTER", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
    "SCRIPT_NAME", "CORS_ORIGINS", "LOG_LEVEL", "LOG_FORMAT", "SENTRY_DSN", "OTEL_SDK_DISABLED",
    "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_TRACES_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
)  # fmt: skip


def parse_env_file(path: Path) -> dict[str, str]:
    """An environment file of ``KEY=value`` lines (systemd's EnvironmentFile=, a
    ``.env``): comments and blank lines skipped, no quotes used in ours."""
    lines = (line.strip() for line in path.read_text().splitlines())
    pairs = (line.partition("=") for line in lines if line and not line.startswith("#"))
    return {key: value for key, _, value in pairs}


def script_module(name: str) -> ModuleType:
    """The template's ``scripts/NAME.py``, imported as a module (the scripts run nothing on
    import, only under ``__main__``)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader, f"scripts/{name}.py cannot be imported"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def json_lines(output: str) -> list[dict]:
    """The JSON log lines of a process's ``output``, parsed (lines that are not JSON
    objects, such as the banner of a Celery started without ``--quiet``, are skipped)."""
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def service_url(name: str) -> str:
    """The URL in the environment variable ``name``; fails the test when it is unset."""
    url = os.environ.get(name)
    if not url:
        pytest.fail(f"{name} is not set: run the template tests with `bash scripts/test.sh`")
    return url


@contextlib.contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """Create an empty PostgreSQL database on the server of ``server_url`` (a SQLAlchemy
    URL); yield its URL; drop it at exit, closing any connection left to it."""
    server = urlsplit(server_url)
    name = f"tpl_{uuid.uuid4().hex[:12]}"
    admin = server._replace(scheme="postgresql").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_mysql_database(server_url: str) -> Iterator[str]:
    """Create an empty MariaDB/MySQL database (utf8mb4) on the server of ``server_url``
    (a SQLAlchemy URL); yield its URL; drop it at exit."""
    server = urlsplit(server_url)
    name = f"tpl_{uuid.uuid4().hex[:12]}"
    connection = pymysql.connect(
        host=server.hostname, port=server.port or 3306, user=server.username,
        password=server.password or "", autocommit=True,
    )  # fmt: skip
    with connection:
        connection.cursor().execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        try:
            yield server._replace(path=f"/{name}", query="charset=utf8mb4").geturl()
        finally:
            connection.cursor().execute(f"DROP DATABASE `{name}`")


def refused(output_dir: Path, capfd: pytest.CaptureFixture, **answers: str) -> str:
    """Render with ``answers`` into ``output_dir``; assert the pre-gen hook refused them
    and nothing was left there; return what the hook printed to stderr."""
    with pytest.raises(FailedHookException):
        cookiecutter(str(ROOT), no_input=True, extra_context=answers, output_dir=str(output_dir))
    assert list(output_dir.iterdir()) == []
    return capfd.readouterr().err


def run(
    args: list[str | Path],
    cwd: Path,
    env: dict[str, str | None] | None = None,
    timeout: int = 600,
):
    """Run a command in ``cwd`` with this process's environment updated by ``env`` (a
    variable set to None is removed); return the completed process (stdout and stderr
    merged into ``stdout``)."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env={key: value for key, value in environment.items() if value is not None},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )


def stop(process: subprocess.Popen) -> None:
    """Stop a server started by a test: SIGTERM, then SIGKILL after 30 s; reap it.

    A process started in a session of its own (``start_new_session=True``) is stopped
    with every process of its group: ``flask run --debug`` serves from a child of its
    reloader, a Celery worker forks its pool.
    """
    if process.poll() is not None:
        return
    group = os.getpgid(process.pid) == process.pid

    def send(signum: int) -> None:
        if group:
            os.killpg(process.pid, signum)
        else:
            process.send_signal(signum)

    send(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()


def wait_until(
    ready: Callable[[], T | None],
    what: str,
    timeout: float = 30,
    alive: Callable[[], bool] = lambda: True,
    details: Callable[[], str] = lambda: "",
) -> T:
    """Call ``ready()`` every 0.2 s until it returns something true, and return that.

    :param what: what is awaited, for the failure message.
    :param alive: False once what is awaited can no longer come (its process exited).
    :param details: text to add to a failure (a log).
    :raises AssertionError: naming ``what`` and adding ``details()``, when ``alive()``
        is false or ``timeout`` seconds have passed.
    """
    deadline = time.monotonic() + timeout
    while not (result := ready()):
        assert alive(), f"{what}: stopped waiting, it exited\n{details()}"
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s\n{details()}"
        time.sleep(0.2)
    return result


def build_once(venv: Path, commands: list[list[str | Path]], env: dict[str, str]) -> Path:
    """Build the virtualenv ``venv`` by running ``commands`` (with ``env``) in the
    template's root, once; returns its bin directory.

    Under a file lock, so parallel test workers share it, and marked ``ready`` last, so a
    build that was cut short is done again. uv runs with ``UV_ENV``.
    """
    venv.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(venv.parent / f"{venv.name}.lock")):
        if not (venv / "ready").exists():
            for command in commands:
                result = run(command, cwd=ROOT, env={**UV_ENV, **env})
                assert result.returncode == 0, f"{command[:3]}:\n{result.stdout}"
            (venv / "ready").write_text("ok\n")
    return venv / "bin"


def cached_venv(venv: Path, requirements: list[str | Path]) -> Path:
    """The virtualenv ``venv`` (on the template's Python) holding exactly what
    ``uv pip install REQUIREMENTS`` installs, built once; returns its bin directory."""
    return build_once(
        venv,
        [[BIN / "uv", "venv", "--quiet", "--clear", "--python", sys.executable, venv],
         [BIN / "uv", "pip", "install", "--quiet", "--python", venv / "bin" / "python",
          *requirements]],
        {},
    )  # fmt: skip


def project_venv(project: Path) -> Path:
    """The bin directory of a virtualenv holding exactly the rendered ``project``'s
    ``uv.lock`` (its dependencies and dev group, not the project itself, which runs from
    its directory): ``uv sync --locked``, so a variant runs with only what it declares and
    a lock that does not match its ``pyproject.toml`` fails.

    Kept under ``.cache/venvs/<sha256 of uv.lock>``: variants with the same lock share one,
    built once.
    """
    venv = CACHE / "venvs" / hashlib.sha256((project / "uv.lock").read_bytes()).hexdigest()[:16]
    command = [BIN / "uv", "sync", "--locked", "--no-install-project", "--quiet",
               "--python", sys.executable, "--project", project]  # fmt: skip
    return build_once(venv, [command], {"UV_PROJECT_ENVIRONMENT": str(venv)})


def locked_versions(project: Path) -> dict[str, str]:
    """``{name: version}`` of the packages in the rendered ``project``'s ``uv.lock`` (names
    normalized as uv writes them: ``flask-sqlalchemy``), the project itself left out."""
    lock = tomllib.loads((project / "uv.lock").read_text(encoding="utf-8"))
    return {
        package["name"]: package["version"]
        for package in lock["package"]
        if "editable" not in package["source"]
    }


def uv_lock(project: Path, *args: str) -> float:
    """Run ``uv lock --offline ARGS`` in the rendered ``project`` (``--check``: fail when
    the lock does not match its ``pyproject.toml``); assert it succeeds; its seconds."""
    started = time.monotonic()
    result = run([BIN / "uv", "lock", "--offline", *args], cwd=project, env=UV_ENV)
    assert result.returncode == 0, f"uv lock {' '.join(args)}:\n{result.stdout}"
    return time.monotonic() - started


def assert_pre_commit_clean(project: Path) -> float:
    """Run the rendered ``project``'s own hooks, ``pre-commit run --all-files``, with its
    locked tools (``project_venv``: uv runs them from there, without syncing it) in a
    git repository made of it; assert they pass and change no file; return the seconds
    pre-commit took."""
    venv = project_venv(project)
    env = {
        **UV_ENV,
        "UV_PROJECT_ENVIRONMENT": str(venv.parent),
        "UV_NO_SYNC": "1",
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",  # uv, as a developer has it
        "PRE_COMMIT_HOME": str(CACHE / "pre-commit"),
        # mypy's cache of the locked libraries, shared by the variants of this lock.
        "MYPY_CACHE_DIR": str(venv.parent.with_name(f"{venv.parent.name}-mypy")),
    }
    for command in (["git", "init", "--quiet"], ["git", "add", "--all"]):
        assert run(command, cwd=project).returncode == 0, command
    started = time.monotonic()
    result = run([venv / "pre-commit", "run", "--all-files", "--color", "never"], project, env)
    seconds = time.monotonic() - started
    assert result.returncode == 0, f"pre-commit:\n{result.stdout}"
    return seconds


def run_generated_suite(
    project: Path, report: Path, env: dict[str, str | None], *args: str, venv: Path | None = None
) -> tuple[subprocess.CompletedProcess, dict[str, int]]:
    """Run the rendered ``project``'s own suite (``python -m pytest ARGS`` in its
    directory, with its own virtualenv and ``env``), writing a JUnit report to
    ``report``. Returns the completed process and the report's counts: ``tests``,
    ``failures``, ``errors``, ``skipped`` and, for each test module, how many of its
    tests ran (``tests/test_api.py``: 12); empty counts when no report was written.
    ``venv``: another virtualenv's bin directory to run it with.
    """
    python = (venv or project_venv(project)) / "python"
    command = [python, "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={report}", *args]
    result = run(command, cwd=project, env=env)
    if not report.exists():
        return result, {}
    suite = ET.parse(report).getroot().find("testsuite")
    counts = {key: int(suite.get(key)) for key in ("tests", "failures", "errors", "skipped")}
    for case in suite.iter("testcase"):
        # "tests.test_api" or, for a test in a class, "tests.test_api.TestTokens"
        parts = case.get("classname").split(".")
        module = "/".join(
            parts[: 1 + next(i for i, p in enumerate(parts) if p.startswith("test_"))]
        )
        counts[f"{module}.py"] = counts.get(f"{module}.py", 0) + 1
    return result, counts


def project_files(project: Path) -> list[Path]:
    """Every file of a rendered project, recursively."""
    return [path for path in project.rglob("*") if path.is_file()]


def assert_lint_clean(project: Path) -> None:
    """Run black, isort and ruff (the generated project's own settings) on ``project``."""
    for command in (
        [BIN / "black", "--check", "--quiet", "."],
        [BIN / "isort", "--check-only", "--quiet", "."],
        [BIN / "ruff", "check", "--quiet", "--no-cache", "."],
    ):
        result = run(command, cwd=project)
        assert result.returncode == 0, f"{command[0].name}:\n{result.stdout}"


def production_env(database_url: str, redis_url: str) -> dict[str, str]:
    """The environment of a generated service in production config on these servers."""
    return {
        "FLASK_CONFIG": "production",
        "SECRET_KEY": "template-test-secret",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
    }


def flask_db(venv: Path, project: Path, env: dict[str, str], *args: str):
    """Run ``flask --app <default slug> db ARGS`` in ``project`` with the virtualenv's bin
    directory ``venv``; returns the completed process."""
    return run([venv / "flask", "--app", DEFAULT_SLUG, "db", *args], cwd=project, env=env)


def readme_section(project: Path, heading: str) -> str:
    """The text of the rendered ``project``'s README section whose ``## `` heading starts
    with ``heading``, up to the next ``## `` heading; fails the test when there is none."""
    readme = (project / "README.md").read_text()
    _, found, rest = readme.partition(f"\n## {heading}")
    assert found, f"README.md has no section {heading!r}"
    return rest.split("\n## ", 1)[0]


def shell_commands(markdown: str) -> list[str]:
    """The commands that ``markdown`` tells its reader to type, in order: each non-blank
    line of its ```bash blocks, and each code span in its prose that starts with
    ``sudo `` (``run `sudo bash deploy/install.sh` again``)."""
    pattern = r"```bash\n(.*?)```|`(sudo [^`]+)`"
    lines = []
    for block, span in re.findall(pattern, markdown, re.S):
        lines += block.splitlines() if block else [span]
    return [line.strip() for line in lines if line.strip()]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request_json(
    url: str, method: str = "GET", body: dict | None = None, timeout: float = 10, **headers: str
) -> tuple[int, dict]:
    """One HTTP request with an optional JSON ``body`` and ``headers``: the response's
    status and JSON body, for error statuses too. Connection errors raise ``OSError``."""
    request = urllib.request.Request(
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:  # its response, closed here rather than by the garbage collector
            return error.code, json.load(error)


def get(url: str) -> tuple[int, dict]:
    """GET ``url``: its status and JSON body, for error statuses too."""
    return request_json(url, timeout=5)


def answers(url: str) -> bool:
    """Whether something answers ``url`` over HTTP, whatever the status."""
    try:
        get(url)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def gunicorn(
    venv: Path,
    project: Path,
    env: dict[str, str],
    log: Path,
    prefix: str = "",
    args: list[str] | None = None,
    workers: int = 1,
) -> Iterator[str]:
    """Serve ``project`` with gunicorn, ``workers`` workers, on a free loopback port.

    ``args`` are gunicorn's arguments, by default the documented
    ``-c gunicorn.conf.py <package>.wsgi:app``.
    Yields the base URL once ``{prefix}/health`` answers; gunicorn's output goes to
    ``log``. Stops gunicorn afterwards.
    """
    port = free_port()
    bind = f"127.0.0.1:{port}"
    env = {**os.environ, **env, "GUNICORN_BIND": bind, "WEB_CONCURRENCY": str(workers)}
    with log.open("w") as output:
        server = subprocess.Popen(
            [venv / "gunicorn", *(args or ["-c", "gunicorn.conf.py", f"{project.name}.wsgi:app"])],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(f"{base}{prefix}/health"), "gunicorn's answer",
                   alive=lambda: server.poll() is None, details=log.read_text)  # fmt: skip
        yield base
    finally:
        stop(server)
