"""Run the suites of four variants on the newest releases their bounds allow.

For each variant: render it into a temporary directory, ``uv lock --upgrade`` (this
needs PyPI), print the packages that moved, ``uv sync --locked``, and run its own suite
on a fresh database on the real server and the real Redis where it uses Redis. Prints a
table of the results; exits 1 when a step or a test fails, or a test is skipped.

Run it through ``bash scripts/latest.sh [VARIANT ...]``, which prepares .venv and the
servers (``TEST_POSTGRES_URL``, ``TEST_MYSQL_URL``, ``TEST_REDIS_URL``).
"""

import contextlib
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers import (  # noqa: E402 - the template's root must be importable first
    BIN,
    FREE_METRICS_PORTS,
    PROJECT_ENV,
    ROOT,
    UV_ENV,
    fresh_mysql_database,
    fresh_postgres_database,
    locked_versions,
    project_venv,
    run,
    run_generated_suite,
    service_url,
)
from tests.variants.matrix import variant_id  # noqa: E402

#: Together: every database, app style, cache and worker, and each optional integration.
VARIANTS = [
    {"app_style": "full", "database": "postgresql", "cache": "redis", "worker": "celery",
     "deploy_target": "docker", "error_tracking": "sentry", "use_cors": "true"},
    {"app_style": "api", "database": "mysql", "cache": "none", "worker": "none",
     "deploy_target": "docker", "tracing": "opentelemetry", "url_prefix": "/svc"},
    {"app_style": "full", "database": "sqlite", "cache": "none", "worker": "celery",
     "deploy_target": "systemd-nginx", "tracing": "opentelemetry"},
    {"app_style": "api", "database": "postgresql", "cache": "redis", "worker": "none",
     "deploy_target": "kubernetes", "use_cors": "true", "error_tracking": "sentry",
     "tracing": "opentelemetry"},
]  # fmt: skip
COLUMNS = ["variant", "moved", "passed", "failed", "errors", "skipped", "seconds", "outcome"]


@contextlib.contextmanager
def fresh_database(database: str) -> Iterator[str]:
    """A fresh database on the real server of ``database``; empty for SQLite (the suite's own)."""
    if database == "postgresql":
        with fresh_postgres_database(service_url("TEST_POSTGRES_URL")) as url:
            yield url
    elif database == "mysql":
        with fresh_mysql_database(service_url("TEST_MYSQL_URL")) as url:
            yield url
    else:
        yield ""


def moved_packages(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The packages that differ between two locks, one line each, as uv names them."""
    lines = [
        f"Updated {name} v{before[name]} -> v{after[name]}"
        for name in sorted(before.keys() & after.keys())
        if before[name] != after[name]
    ]
    lines += [f"Added {name} v{after[name]}" for name in sorted(after.keys() - before.keys())]
    lines += [f"Removed {name} v{before[name]}" for name in sorted(before.keys() - after.keys())]
    return lines


def run_variant(answers: dict[str, str], workdir: Path) -> dict[str, str]:
    """Render, upgrade, install and test one variant; its row of the summary."""
    row = {"variant": variant_id(answers), "outcome": "passed"}
    values = [f"{key}={value}" for key, value in answers.items()]
    render = run([BIN / "cookiecutter", ROOT, "--no-input", "-o", workdir, *values], workdir)
    if render.returncode != 0:
        print(render.stdout, flush=True)
        return {**row, "outcome": "render failed"}
    (project,) = workdir.iterdir()
    before = locked_versions(project)
    upgrade = run([BIN / "uv", "lock", "--upgrade"], cwd=project, env=UV_ENV)
    if upgrade.returncode != 0:
        print(upgrade.stdout, flush=True)
        return {**row, "outcome": "uv lock --upgrade failed"}
    moved = moved_packages(before, locked_versions(project))
    print(*(f"  {line}" for line in moved or ["no package moved"]), sep="\n", flush=True)
    row["moved"] = str(len(moved))
    try:
        project_venv(project)  # uv sync --locked
    except AssertionError as error:
        print(error, flush=True)
        return {**row, "outcome": "uv sync --locked failed"}
    with fresh_database(answers["database"]) as database_url:
        env = {**dict.fromkeys(PROJECT_ENV), **FREE_METRICS_PORTS}
        env["TEST_DATABASE_URL"] = database_url
        if answers["cache"] == "redis" or answers["worker"] == "celery":
            env["REDIS_URL"] = service_url("TEST_REDIS_URL")
        # Short tracebacks; the summary names skipped tests too (-rs), with their reasons.
        options = ["-q", "--tb=short", "-rfEs"]
        result, counts = run_generated_suite(project, workdir / "report.xml", env, *options)
    clean = result.returncode == 0 and counts and not counts["skipped"]
    print(result.stdout.strip().splitlines()[-1] if clean else result.stdout, flush=True)
    if not counts:
        return {**row, "outcome": "no test report"}
    failed, errors, skipped = counts["failures"], counts["errors"], counts["skipped"]
    row |= {"passed": str(counts["tests"] - failed - errors - skipped), "failed": str(failed),
            "errors": str(errors), "skipped": str(skipped)}  # fmt: skip
    if result.returncode or failed or errors or skipped:
        row["outcome"] = "failed"
    return row


def print_table(rows: list[dict[str, str]]) -> None:
    """The summary: one line a variant, in aligned columns."""
    table = [COLUMNS, *([row.get(column, "-") for column in COLUMNS] for row in rows)]
    widths = [max(len(line[column]) for line in table) for column in range(len(COLUMNS))]
    for line in table:
        cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        print("  ".join(cells).rstrip())


def main(selected: list[str]) -> int:
    """Run the variants named in ``selected`` (all when empty); the exit status."""
    variants = [answers for answers in VARIANTS if not selected or variant_id(answers) in selected]
    if not variants:
        print(f"no such variant; the variants: {[variant_id(answers) for answers in VARIANTS]}")
        return 2
    rows = []
    for answers in variants:
        print(f"--- {variant_id(answers)}: {answers}", flush=True)
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="latest-") as tmp:
            row = run_variant(answers, Path(tmp))
        rows.append({**row, "seconds": f"{time.monotonic() - started:.0f}"})
    print()
    print_table(rows)
    return 0 if all(row["outcome"] == "passed" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
