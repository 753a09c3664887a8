"""Fixtures of the template tests: rendering, a virtualenv for generated projects, and
fresh databases on the real servers (shared helpers are in ``helpers.py``).

The servers come from ``TEST_POSTGRES_URL``, ``TEST_MYSQL_URL`` and ``TEST_REDIS_URL``,
which ``scripts/test.sh`` sets after making sure the servers answer. A test that needs
a server fails, never skips, when its variable is missing.
"""

import hashlib
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pymysql
import pytest
from filelock import FileLock

from .helpers import CACHE, DATABASES, ROOT, run, service_url


@pytest.fixture(scope="session")
def bake(cookies_session):
    """Render the template with pytest-cookies: ``bake(**answers) -> project path``.

    Fails the test, with cookiecutter's error, when the render does not succeed.
    """

    def _bake(**answers: str) -> Path:
        result = cookies_session.bake(template=str(ROOT), extra_context=answers)
        assert result.exit_code == 0, f"render failed: {result.exception!r}"
        return Path(result.project_path)

    return _bake


@pytest.fixture(scope="session")
def default_project(bake) -> Path:
    """The default variant, rendered once per test session."""
    return bake()


@pytest.fixture(scope="session")
def project_venv(bake) -> Path:
    """A virtualenv with the pinned requirements of every variant (their pins agree, so
    one environment serves them all); returns its bin directory. The default answers
    with CORS on hold every optional package but the database drivers, so one render
    per database covers them all.

    Kept under ``.cache/venvs/<hash of the requirements>`` and built once (under a file
    lock, so parallel test workers share it).
    """
    projects = [bake(database=database, use_cors="true") for database in DATABASES]
    files = [p / name for p in projects for name in ("requirements.txt", "requirements-dev.txt")]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]
    venv = CACHE / "venvs" / digest
    CACHE.mkdir(exist_ok=True)
    with FileLock(str(CACHE / f"venv-{digest}.lock")):
        if not (venv / "ready").exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            requirements = [arg for p in projects for arg in ("-r", p / "requirements-dev.txt")]
            result = run([venv / "bin" / "pip", "install", "-q", *requirements], cwd=ROOT)
            assert result.returncode == 0, result.stdout
            (venv / "ready").write_text("ok\n")
    return venv / "bin"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    server = urlsplit(service_url("TEST_POSTGRES_URL"))
    name = f"tpl_{uuid.uuid4().hex[:12]}"
    admin = server._replace(scheme="postgresql").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield server._replace(path=f"/{name}").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def mysql_url() -> Iterator[str]:
    """A fresh, empty MariaDB/MySQL database (utf8mb4) for one test (dropped afterwards)."""
    server = urlsplit(service_url("TEST_MYSQL_URL"))
    name = f"tpl_{uuid.uuid4().hex[:12]}"
    connection = pymysql.connect(
        host=server.hostname, port=server.port or 3306, user=server.username,
        password=server.password or "", autocommit=True,
    )  # fmt: skip
    with connection:
        connection.cursor().execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        yield server._replace(path=f"/{name}", query="charset=utf8mb4").geturl()
        connection.cursor().execute(f"DROP DATABASE `{name}`")


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    """For ``request.param`` (a database choice): a fresh database's URL on the real
    server, or for SQLite a file URL under ``tmp_path``."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    if request.param == "mysql":
        return request.getfixturevalue("mysql_url")
    return f"sqlite:///{tmp_path / 'db.sqlite3'}"


@pytest.fixture
def redis_url(worker_id: str) -> str:
    """A Redis database of its own for each test worker (numbers 1 to 15)."""
    server = urlsplit(service_url("TEST_REDIS_URL"))
    number = 1 if worker_id == "master" else 1 + int(worker_id.removeprefix("gw")) % 15
    return server._replace(path=f"/{number}").geturl()
