"""Fixtures of the template tests: rendering, and fresh databases on the real servers
(shared helpers are in ``helpers.py``).

The servers come from ``TEST_POSTGRES_URL``, ``TEST_MYSQL_URL`` and ``TEST_REDIS_URL``,
which ``scripts/test.sh`` sets after making sure the servers answer. A test that needs
a server fails, never skips, when its variable is missing.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from .api.report import write_summary as write_outage_summary
from .deploy.container.report import write_summary as write_container_summary
from .helpers import (
    FREE_METRICS_PORTS,
    ROOT,
    fresh_mysql_database,
    fresh_postgres_database,
    service_url,
)
from .shards import parse_shard, split

# Inherited by every gunicorn and Celery worker the tests start.
os.environ.update(FREE_METRICS_PORTS)


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--shard K/N``: run only shard K of N (``shards.py`` says how tests are split)."""
    parser.addoption(
        "--shard",
        metavar="K/N",
        help="run shard K of N of the collected tests, split by estimated time (tests/shards.py)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Refuse a malformed ``--shard`` before anything is collected."""
    if config.getoption("shard"):
        try:
            parse_shard(config.getoption("shard"))
        except ValueError as error:
            raise pytest.UsageError(str(error)) from None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--shard K/N``, deselect the tests of the other shards."""
    if not config.getoption("shard"):
        return
    number, count = parse_shard(config.getoption("shard"))
    keep = set(split([item.nodeid for item in items], count)[number - 1])
    config.hook.pytest_deselected(items=[item for item in items if item.nodeid not in keep])
    items[:] = [item for item in items if item.nodeid in keep]


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


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    with fresh_postgres_database(service_url("TEST_POSTGRES_URL")) as url:
        yield url


@pytest.fixture
def mysql_url() -> Iterator[str]:
    """A fresh, empty MariaDB/MySQL database (utf8mb4) for one test (dropped afterwards)."""
    with fresh_mysql_database(service_url("TEST_MYSQL_URL")) as url:
        yield url


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
    """A Redis database of its own for each test worker (numbers 1 to 15), emptied first:
    tasks an earlier test queued and no worker took (the fuzzing starts many) must not
    reach a later test's worker."""
    server = urlsplit(service_url("TEST_REDIS_URL"))
    number = 1 if worker_id == "master" else 1 + int(worker_id.removeprefix("gw")) % 15
    url = server._replace(path=f"/{number}").geturl()
    with redis.Redis.from_url(url) as client:
        client.flushdb()
    return url


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """After the run, the variants run, the container images built and run, and the
    outage tests' timings."""
    write_variants_summary(terminalreporter)
    write_container_summary(terminalreporter)
    write_outage_summary(terminalreporter)


def write_variants_summary(terminalreporter) -> None:
    """List the variants whose suite ran (tests/variants/test_matrix.py):
    id (``-noexample`` for example=none), the pairwise values, the generated suite's test
    count, seconds and line coverage, the outcome; then how many ran without the example,
    the matrix's wall time (first variant's start to last variant's end),
    the sum of the suites' times, of the time spent on their virtualenvs, on
    ``uv lock --check`` and on their pre-commit hooks.

    The values come from ``record_property`` in the variant test, which reaches the
    controller from xdist workers as the report's ``user_properties``.
    """
    rows = []
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            properties = dict(getattr(report, "user_properties", []))
            if getattr(report, "when", None) == "call" and "variant" in properties:
                rows.append((outcome, properties))
    if not rows:
        return
    rows.sort(key=lambda row: row[1]["started"])
    writer = terminalreporter
    writer.write_sep("=", f"variants run: {len(rows)}")
    short = {"use_cors": "cors", "url_prefix": "prefix", "python_version": "python",
             "open_source_license": "license", "http_port": "port"}  # fmt: skip
    pairwise = [short.get(key, key) for key in rows[0][1]["pairwise"]]
    header = ["variant", *pairwise, "tests", "seconds", "coverage", "outcome"]
    table = [header]
    for outcome, properties in rows:
        table.append(
            [
                properties["variant"],
                *(value or '""' for value in properties["pairwise"].values()),
                str(properties.get("tests", "")),
                str(properties.get("seconds", "")),
                f"{properties['coverage']}%" if "coverage" in properties else "",
                outcome,
            ]
        )
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]
    for line in table:
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        writer.write_line("  ".join(cells).rstrip())
    ends = [properties["finished"] for _, properties in rows if "finished" in properties]
    wall = (max(ends) if ends else rows[-1][1]["started"]) - rows[0][1]["started"]
    suites = sum(properties.get("seconds", 0) for _, properties in rows)
    venvs, checks, hooks = (
        sum(properties.get(key, 0) for _, properties in rows)
        for key in ("venv_seconds", "lock_check_seconds", "pre_commit_seconds")
    )
    without_example = sum(properties.get("example") == "none" for _, properties in rows)
    writer.write_line(
        f"matrix: {len(rows)} variants ({without_example} with example=none) "
        f"in {wall:.0f} s wall time "
        f"(first variant's start to last variant's end); their suites took {suites:.0f} s "
        f"in all, building or finding their virtualenvs {venvs:.0f} s, "
        f"`uv lock --check` {checks:.1f} s, pre-commit {hooks:.0f} s"
    )
