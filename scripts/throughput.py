"""Measure the requests per second of the default variant under gunicorn against a
hand-written minimal Flask app doing the same work (issue 12, item 5).

Renders the default variant, builds its virtualenv, migrates a fresh PostgreSQL
database, creates a user with 40 todos and a bearer token, and serves with gunicorn in
production config (its ``gunicorn.conf.py``: 2 workers of 4 threads) both:

A. the service itself, on the real PostgreSQL and Redis;
B. ``MINIMAL_APP`` below, with the same ``gunicorn.conf.py`` and database: a bare
   ``/health``, and ``/api/v1/todos`` doing by hand what the service's route does (check
   the signed bearer token with itsdangerous, load the user and select
   the page of 20 with SQLAlchemy Core, ``jsonify`` the same members; the same engine
   options, ``pool_pre_ping`` included).

After a warm-up, each round measures with wrk (``--duration`` seconds each) A's todo
list, B's, A's ``/health``, B's: alternating, so that a change of the machine's load
falls on both sides. Each measure gives the requests per second and the CPU time the
gunicorn workers spent a request (from /proc, Linux). It prints them, the ratios A/B of
each round (by req/s, and by CPU: B's CPU time a request over A's), their median and
range, and the load average. Requests per second are what the issue's goals speak of, but
on a machine busy with other work they swing from one run to the next; the CPU time a
request moves less (on a shared virtual machine it too has swung by a fifth between
measures of the same code), and on cores of their own the req/s ratio would come near it
(a little higher: wrk and PostgreSQL cost both sides the same). Read the medians of many
rounds. A measure in which all of wrk's connections went to one worker is made again
(``wrk``): it would halve that side's figures; a round in which that keeps happening is
left out. Both answers are compared first: the same JSON body, or it stops.

Run it through ``bash scripts/throughput.sh [--rounds N] [--duration S]``, which prepares
.venv and the servers; it needs ``wrk`` (Debian: ``apt-get install wrk``). The servers
come from ``TEST_POSTGRES_URL`` and ``TEST_REDIS_URL``.
"""

import argparse
import contextlib
import dataclasses
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from cookiecutter.main import cookiecutter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers import (  # noqa: E402 - the template's root must be importable first
    DEFAULT_SLUG,
    ROOT,
    flask_db,
    fresh_postgres_database,
    gunicorn,
    production_env,
    project_venv,
    run,
    service_url,
)

#: The issue's goals: the service's share of the minimal app's requests per second.
GOALS = {"todos": 0.8, "health": 0.85}
#: The todos of the benchmark's user: two pages of the default 20.
TODOS = 40

#: Creates the benchmark's user and todos in the service's database; prints a token.
SETUP = f"""
from {DEFAULT_SLUG} import create_app
from {DEFAULT_SLUG}.extensions import db
from {DEFAULT_SLUG}.todos.models import Todo
from {DEFAULT_SLUG}.users.auth import issue_token
from {DEFAULT_SLUG}.users.models import create_user

with create_app().app_context():
    user = create_user("bench", "bench-password")
    db.session.add_all(Todo(user_id=user.id, title=f"Todo {{n}}") for n in range({TODOS}))
    db.session.commit()
    print(issue_token(user))
"""

#: The hand-written equivalent (B), served by gunicorn as ``throughput_minimal:app``.
MINIMAL_APP = """
import os

from flask import Flask, abort, jsonify, request
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import MetaData, Table, create_engine, select

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
metadata = MetaData()
users = Table("users", metadata, autoload_with=engine)
todos = Table("todos", metadata, autoload_with=engine)
engine.dispose()  # gunicorn forks the workers after this import: no connection shared
signer = URLSafeTimedSerializer(os.environ["SECRET_KEY"], salt="api-token")
COLUMNS = [
    todos.c[name]
    for name in (
        "id", "title", "done", "created_at", "updated_at",
        "attachment_name", "attachment_type", "attachment_size",
    )
]


@app.get("/health")
def health():
    return jsonify(status="ok")


def attachment(row):
    if row.attachment_name is None:
        return None
    return {
        "name": row.attachment_name,
        "type": row.attachment_type,
        "size": row.attachment_size,
        "url": f"{request.script_root}/api/v1/todos/{row.id}/attachment",
    }


@app.get("/api/v1/todos")
def list_todos():
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    try:
        user_id = signer.loads(token, max_age=3600)["user_id"]
    except BadData:
        abort(401)
    after = request.args.get("after", 0, type=int)
    per_page = request.args.get("per_page", 20, type=int)
    with engine.connect() as connection:
        if connection.scalar(select(users.c.id).where(users.c.id == user_id)) is None:
            abort(401)
        rows = connection.execute(
            select(*COLUMNS)
            .where(todos.c.user_id == user_id, todos.c.id > after)
            .order_by(todos.c.id)
            .limit(per_page + 1)
        ).all()
        items = [
            {
                "id": row.id,
                "title": row.title,
                "done": row.done,
                "created_at": row.created_at.isoformat(),
                "updated_at": row.updated_at.isoformat(),
                "attachment": attachment(row),
            }
            for row in rows[:per_page]
        ]
    next_page = None
    if len(rows) > per_page:
        query = f"after={items[-1]['id']}&per_page={per_page}"
        next_page = f"{request.script_root}/api/v1/todos?{query}"
    return jsonify(items=items, per_page=per_page, next=next_page)
"""

#: Measures made of one side before giving up, when the load keeps missing a worker.
ATTEMPTS = 5
#: A worker that used less than this share of the other's CPU time got no connection.
IDLE_SHARE = 0.2
REQUESTS = re.compile(r"(\d+) requests in .*Requests/sec:\s+([\d.]+)", re.S)
PATHS = {"todos": "/api/v1/todos", "health": "/health"}


class WorkerIdle(RuntimeError):
    """Every measure of one side left a gunicorn worker idle (``wrk``)."""


@dataclasses.dataclass
class Server:
    """One side under gunicorn: its base URL and the file holding its arbiter's pid."""

    base: str
    pidfile: Path

    def cpu_seconds(self) -> list[float]:
        """The CPU time each of its workers has used so far (user and system), in seconds,
        from Linux's /proc (fields 14 and 15 of ``/proc/PID/stat``, proc(5))."""
        arbiter = self.pidfile.read_text().strip()
        seconds = []
        for pid in Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split():
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            seconds.append((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"))
        return seconds


def wrk(server: Server, path: str, seconds: int, args: argparse.Namespace, token: str):
    """Load ``path`` of ``server`` with wrk for ``seconds`` over ``args.connections``
    keep-alive connections (one wrk thread, to leave the cores to the servers).

    The kernel hands each connection to whichever worker accepts it first; now and then
    all of them land on one worker, which then serves every request with its 4 threads
    while the other idles, at up to twice the CPU time a request. Such a measure is of one
    worker, not of the server: it is made again, up to ``ATTEMPTS`` times in all.

    :returns: the requests per second, and the workers' CPU time a request in µs.
    :raises RuntimeError: when a response was not 2xx or 3xx, or wrk failed.
    :raises WorkerIdle: when every attempt left a worker idle.
    """
    command = [
        "wrk",
        "-t1",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "-H",
        f"Authorization: Bearer {token}",
        server.base + path,
    ]
    for _ in range(ATTEMPTS):
        before = server.cpu_seconds()
        output = subprocess.run(command, capture_output=True, text=True, check=False).stdout
        used = [after - start for after, start in zip(server.cpu_seconds(), before, strict=True)]
        found = REQUESTS.search(output)
        if found is None or "Non-2xx" in output:
            raise RuntimeError(f"{' '.join(command[:4])} {server.base + path}:\n{output}")
        if min(used) >= IDLE_SHARE * max(used):
            return float(found.group(2)), sum(used) / int(found.group(1)) * 1e6
        print(f"  (again: a worker of {server.base} got no connection)", flush=True)
    raise WorkerIdle(f"a worker of {server.base} stayed idle in {ATTEMPTS} measures")


def body(url: str, token: str) -> object:
    """The JSON body of an authenticated GET of ``url``."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def load() -> str:
    """The load averages over 1, 5 and 15 minutes, as ``uptime`` prints them."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def measure(args: argparse.Namespace, a: Server, b: Server, token: str) -> dict:
    """Alternate the measures of ``a`` and ``b`` for ``args.rounds`` rounds after a
    warm-up; print each. Returns, for each of ``PATHS``, the ratios A/B of each round:
    ``{"todos": {"req/s": [...], "CPU": [...]}, ...}``, the second being B's CPU time a
    request over A's (what A would serve of B's requests on cores of its own). A round in
    which one side's workers could not both be loaded (``WorkerIdle``) is left out of that
    path's ratios, and says so."""
    for path in PATHS.values():
        for server in (a, b):
            with contextlib.suppress(WorkerIdle):  # it warmed one worker up at least
                wrk(server, path, args.warmup, args, token)
    ratios = {name: {"req/s": [], "CPU": []} for name in PATHS}
    for number in range(1, args.rounds + 1):
        figures = []
        for name, path in PATHS.items():
            try:
                (a_rate, a_cpu), (b_rate, b_cpu) = (
                    wrk(server, path, args.duration, args, token) for server in (a, b)
                )
            except WorkerIdle as idle:
                figures.append(f"  {name:6} not counted: {idle}")
                continue
            ratios[name]["req/s"].append(a_rate / b_rate)
            ratios[name]["CPU"].append(b_cpu / a_cpu)
            figures.append(
                f"  {name:6} A {a_rate:7.1f} req/s {a_cpu:5.0f} µs CPU, "
                f"B {b_rate:7.1f} req/s {b_cpu:5.0f} µs CPU: "
                f"A/B {a_rate / b_rate:.2f} by req/s, {b_cpu / a_cpu:.2f} by CPU"
            )
        print(f"round {number} (load {load()})", *figures, sep="\n", flush=True)
    return ratios


class SetupFailed(RuntimeError):
    """The migration or the creation of the benchmark's user failed (its output)."""


@contextlib.contextmanager
def prepared(prefix: str) -> Iterator[tuple[Path, Path, Path, dict[str, str], str]]:
    """Render the default variant into a new temporary directory (``prefix``) with
    ``MINIMAL_APP`` beside it as ``throughput_minimal.py``, build its virtualenv, migrate a
    fresh PostgreSQL database and create the benchmark's user and todos (``SETUP``).

    Yields the directory, the project, the virtualenv's bin directory, the production
    environment of both sides and the user's bearer token; drops the database and removes
    the directory at exit.

    :raises SetupFailed: with the output of the migration or ``SETUP``, when it failed.
    """
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        project = Path(cookiecutter(str(ROOT), no_input=True, output_dir=tmp))
        (Path(tmp) / "throughput_minimal.py").write_text(MINIMAL_APP)
        venv = project_venv(project)
        with fresh_postgres_database(service_url("TEST_POSTGRES_URL")) as database:
            # Both servers collect their metrics; each serves them on a free port of its own.
            env = {**production_env(database, service_url("TEST_REDIS_URL")), "METRICS_PORT": "0"}
            for result in (
                flask_db(venv, project, env, "upgrade"),
                setup := run([venv / "python", "-c", SETUP], cwd=project, env=env),
            ):
                if result.returncode != 0:
                    raise SetupFailed(result.stdout)
            yield Path(tmp), project, venv, env, setup.stdout.strip().splitlines()[-1]


def server_args(tmp: Path, pidfile: Path, minimal: bool = False) -> list[str | Path]:
    """gunicorn's arguments for side A (the service) or, ``minimal``, B (``MINIMAL_APP`` in
    ``tmp``): production config from the project's ``gunicorn.conf.py``, the arbiter's pid
    written to ``pidfile``."""
    app = [f"{DEFAULT_SLUG}.wsgi:app"]
    if minimal:
        app = ["--pythonpath", tmp, "throughput_minimal:app"]
    return ["-c", "gunicorn.conf.py", "-p", pidfile, *app]


def main(args: argparse.Namespace) -> int:
    """Render, set up, serve A and B, measure and print; the exit status."""
    if shutil.which("wrk") is None:
        print("wrk is missing: install it (Debian: sudo apt-get install wrk)", file=sys.stderr)
        return 2
    try:
        with prepared("throughput-") as (tmp, project, venv, env, token):
            a_pid, b_pid = tmp / "a.pid", tmp / "b.pid"
            a_args, b_args = server_args(tmp, a_pid), server_args(tmp, b_pid, minimal=True)
            with (
                gunicorn(venv, project, env, tmp / "a.log", args=a_args, workers=2) as a,
                gunicorn(venv, project, env, tmp / "b.log", args=b_args, workers=2) as b,
            ):
                if body(a + PATHS["todos"], token) != body(b + PATHS["todos"], token):
                    print("A and B answer the todo list differently", file=sys.stderr)
                    return 1
                print(
                    f"A: the service, B: the minimal app; {args.connections} connections, "
                    f"{args.rounds} rounds of {args.duration} s; load {load()}",
                    flush=True,
                )
                try:
                    ratios = measure(args, Server(a, a_pid), Server(b, b_pid), token)
                except RuntimeError as error:
                    print(error, file=sys.stderr)
                    for log in ("a.log", "b.log"):
                        failed = [
                            line
                            for line in (tmp / log).read_text().splitlines()
                            if '" 200 ' not in line
                        ]
                        print(log, *failed[-20:], sep="\n", file=sys.stderr)
                    return 1
    except SetupFailed as failed:
        print(failed, file=sys.stderr)
        return 1
    for name, kinds in ratios.items():
        for kind, values in kinds.items():
            if not values:
                print(f"{name} by {kind}: no round counted")
                continue
            median = statistics.median(values)
            verdict = "meets" if median >= GOALS[name] else "misses"
            print(
                f"{name} by {kind}: A/B median {median:.2f} of {len(values)} rounds, range "
                f"{min(values):.2f} to {max(values):.2f} ({verdict} the goal of {GOALS[name]})"
            )
    return 0


def parse_args() -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="A B rounds (default 5)")
    parser.add_argument("--duration", type=int, default=5, help="seconds a measure (5)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up (2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main(parse_args()))
