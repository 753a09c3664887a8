"""Time a list's first page with 100 rows and with 100,000 (issue 23, item 5), in process.

For PostgreSQL and MariaDB/MySQL: renders the default variant with that database, builds
its virtualenv, migrates a fresh database, creates one user, then in the project's own
Python (``MEASURE``) fills the user's todos to 100 and to 100,000 rows and times
``GET /api/v1/todos`` (the first page of 20) through Flask's test client in production
config: the median of ``--requests`` requests after a warm-up, and the same with
``&total=true`` for comparison. Prints each figure and the ratio of the first page at
100,000 to the first page at 100, against the goal of at most 3; exits 1 when a database
misses it. Not part of CI (it takes about a minute a database).

Run it through ``bash scripts/pagination.sh [--requests N]``, which prepares .venv and
the servers (``TEST_POSTGRES_URL``, ``TEST_MYSQL_URL``).
"""

import argparse
import contextlib
import json
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers import (  # noqa: E402 - the template's root must be importable first
    DEFAULT_SLUG,
    ROOT,
    flask_db,
    fresh_mysql_database,
    fresh_postgres_database,
    production_env,
    project_venv,
    run,
    service_url,
)

#: The issue's goal: the first page at the larger size costs at most this times the smaller.
GOAL = 3.0
SIZES = (100, 100_000)

#: Run by the project's Python: prints one JSON line of medians in ms per size.
MEASURE = f"""
import json, statistics, sys, time

from sqlalchemy import insert, text

from {DEFAULT_SLUG} import create_app
from {DEFAULT_SLUG}.extensions import db
from {DEFAULT_SLUG}.todos.models import Todo
from {DEFAULT_SLUG}.users.auth import issue_token
from {DEFAULT_SLUG}.users.models import create_user

requests, sizes = int(sys.argv[1]), [int(size) for size in sys.argv[2:]]
app = create_app()
client = app.test_client()


def median_ms(url, headers):
    for _ in range(requests // 4):
        assert client.get(url, headers=headers).status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return round(statistics.median(times) * 1000, 3)


with app.app_context():
    user = create_user("pages", "pages-password")
    headers = {{"Authorization": f"Bearer {{issue_token(user)}}"}}
    rows, results = 0, {{}}
    for size in sizes:
        while rows < size:
            batch = min(10_000, size - rows)
            todos = [{{"user_id": user.id, "title": f"todo {{rows + n}}"}} for n in range(batch)]
            db.session.execute(insert(Todo), todos)
            rows += batch
        db.session.commit()
        analyze = "ANALYZE todos" if db.engine.name == "postgresql" else "ANALYZE TABLE todos"
        with db.engine.connect() as connection:
            connection.execute(text(analyze))
            connection.commit()
        results[size] = {{
            "first page": median_ms("/api/v1/todos", headers),
            "with total": median_ms("/api/v1/todos?total=true", headers),
        }}
    print(json.dumps(results))
"""


def measure(database: str, requests: int) -> dict[str, dict[str, float]]:
    """Render the default variant on ``database`` into a temporary directory, migrate a
    fresh database on its real server and run ``MEASURE``: its medians by size."""
    context = {"database": database}
    fresh = {"postgresql": fresh_postgres_database, "mysql": fresh_mysql_database}[database]
    server = service_url({"postgresql": "TEST_POSTGRES_URL", "mysql": "TEST_MYSQL_URL"}[database])
    with tempfile.TemporaryDirectory(prefix="pagination-") as tmp, fresh(server) as url:
        context = {"database": database}
        project = Path(
            cookiecutter(str(ROOT), no_input=True, output_dir=tmp, extra_context=context)
        )
        venv = project_venv(Path(project))
        env = production_env(url, service_url("TEST_REDIS_URL"))
        sizes = [str(size) for size in SIZES]
        for result in (
            flask_db(venv, Path(project), env, "upgrade"),
            done := run(
                [venv / "python", "-c", MEASURE, str(requests), *sizes], Path(project), env
            ),
        ):
            if result.returncode != 0:
                raise SystemExit(result.stdout)
        return json.loads(done.stdout.strip().splitlines()[-1])


def main(args: argparse.Namespace) -> int:
    """Measure each database and print its figures and ratio; the exit status."""
    failed = False
    small, large = (str(size) for size in SIZES)
    print(f"{'database':<12}{'rows':>9}{'first page ms':>15}{'with total ms':>15}")
    for database in ("postgresql", "mysql"):
        results = measure(database, args.requests)
        for size, figures in results.items():
            first, total = figures["first page"], figures["with total"]
            print(f"{database:<12}{int(size):>9}{first:>15}{total:>15}")
        ratio = results[large]["first page"] / results[small]["first page"]
        met = ratio <= GOAL
        failed |= not met
        verdict = "met" if met else "MISSED"
        print(
            f"{database}: first page at {large} / at {small} = {ratio:.2f} (goal {GOAL}) {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests a figure")
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main(parser.parse_args()))
