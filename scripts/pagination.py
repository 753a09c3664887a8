"""Time a list's first page with 100 rows and with 100,000 (issue 23, item 5), in process.

For PostgreSQL and MariaDB/MySQL: renders the default variant with that database, builds
its virtualenv, adds a resource with ``flask scaffold projects title:str`` and its
migration (``db migrate``), migrates a fresh database, creates one user, then in the
project's own Python (``MEASURE``) fills the user's todos, then projects, to 100 and to
100,000 rows and times ``GET /api/v1/todos`` and ``/api/v1/projects`` (the first page of
20) through Flask's test client in production config: the median of ``--requests``
requests after a warm-up, and the same with ``&total=true`` for comparison. Prints each
figure and, for each list, the ratio of the first page at 100,000 to the first page at
100, against the goal of at most 3; exits 1 when one misses it. Not part of CI (about a
minute and a half a database).

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

#: The lists measured: the todos, and a resource written by ``flask scaffold``.
LISTS = {"todos": "todos.models:Todo", "projects": "projects.models:Project"}
SCAFFOLD = ["scaffold", "projects", "title:str"]

#: Run by the project's Python: prints one JSON line, the medians in ms by list and size.
MEASURE = f"""
import importlib, json, statistics, sys, time

from sqlalchemy import insert, text

from {DEFAULT_SLUG} import create_app
from {DEFAULT_SLUG}.extensions import db
from {DEFAULT_SLUG}.users.auth import issue_token
from {DEFAULT_SLUG}.users.models import create_user

requests, lists = int(sys.argv[1]), json.loads(sys.argv[2])
sizes = [int(size) for size in sys.argv[3:]]
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
    results = {{}}
    for name, target in lists.items():
        module, _, model = target.partition(":")
        model = getattr(importlib.import_module(f"{DEFAULT_SLUG}.{{module}}"), model)
        rows, results[name] = 0, {{}}
        for size in sizes:
            while rows < size:
                batch = min(10_000, size - rows)
                values = [{{"user_id": user.id, "title": f"row {{n}}"}} for n in range(batch)]
                db.session.execute(insert(model), values)
                rows += batch
            db.session.commit()
            analyze = "ANALYZE" if db.engine.name == "postgresql" else "ANALYZE TABLE"
            with db.engine.connect() as connection:
                connection.execute(text(f"{{analyze}} {{name}}"))
                connection.commit()
            results[name][size] = {{
                "first page": median_ms(f"/api/v1/{{name}}", headers),
                "with total": median_ms(f"/api/v1/{{name}}?total=true", headers),
            }}
    print(json.dumps(results))
"""


def measure(database: str, requests: int) -> dict[str, dict[str, dict[str, float]]]:
    """Render the default variant on ``database`` into a temporary directory, scaffold
    ``projects`` in it, migrate a fresh database on its real server and run ``MEASURE``:
    its medians by list and size."""
    fresh = {"postgresql": fresh_postgres_database, "mysql": fresh_mysql_database}[database]
    server = service_url({"postgresql": "TEST_POSTGRES_URL", "mysql": "TEST_MYSQL_URL"}[database])
    with tempfile.TemporaryDirectory(prefix="pagination-") as tmp, fresh(server) as url:
        context = {"database": database}
        rendered = cookiecutter(str(ROOT), no_input=True, output_dir=tmp, extra_context=context)
        project = Path(rendered)
        venv = project_venv(project)
        env = production_env(url, service_url("TEST_REDIS_URL"))
        flask = [venv / "flask", "--app", DEFAULT_SLUG]
        arguments = [str(requests), json.dumps(LISTS), *(str(size) for size in SIZES)]
        for command in (
            [*flask, "db", "upgrade"],  # db migrate compares the models with a migrated database
            [*flask, *SCAFFOLD],
            [*flask, "db", "migrate", "-m", "projects"],
            [*flask, "db", "upgrade"],
            [venv / "python", "-c", MEASURE, *arguments],
        ):
            result = run(command, project, env)
            if result.returncode != 0:
                raise SystemExit(result.stdout)
        return json.loads(result.stdout.strip().splitlines()[-1])


def main(args: argparse.Namespace) -> int:
    """Measure each database and print its figures and ratios; the exit status."""
    failed = False
    small, large = (str(size) for size in SIZES)
    print(f"{'database':<12}{'list':<10}{'rows':>9}{'first page ms':>15}{'with total ms':>15}")
    for database in ("postgresql", "mysql"):
        for name, results in measure(database, args.requests).items():
            for size, figures in results.items():
                first, total = figures["first page"], figures["with total"]
                print(f"{database:<12}{name:<10}{int(size):>9}{first:>15}{total:>15}")
            ratio = results[large]["first page"] / results[small]["first page"]
            met = ratio <= GOAL
            failed |= not met
            verdict = "met" if met else "MISSED"
            print(
                f"{database} {name}: first page at {large} / at {small} = {ratio:.2f} "
                f"(goal {GOAL}) {verdict}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests a figure")
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main(parser.parse_args()))
