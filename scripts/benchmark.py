"""Time the default variant's own test suite against a lean hand-written Flask suite.

Renders the default variant, then runs, alternately, its suite and the lean suite of
``scripts/lean`` (one module of Flask and Flask-SQLAlchemy, 50 tests of a todo API) RUNS
times each (3 by default), each run on a fresh PostgreSQL database, in the variant's own
virtualenv. A run is the whole ``python -m pytest`` process, start-up included, divided by
the number of tests it ran. Prints each run, the medians in milliseconds per test and
their ratio; exits 1 when a run fails or the ratio is over ``GOAL``.

Run it through ``bash scripts/benchmark.sh [RUNS]`` on a quiet machine; it prepares .venv
and the servers. The servers come from ``TEST_POSTGRES_URL`` and ``TEST_REDIS_URL``.
"""

import statistics
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from cookiecutter.main import cookiecutter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers import (  # noqa: E402 - the template's root must be importable first
    PROJECT_ENV,
    ROOT,
    fresh_postgres_database,
    project_venv,
    run_generated_suite,
    service_url,
)

LEAN = Path(__file__).resolve().parent / "lean"
#: The goal: the default suite's milliseconds per test at most this many times the lean's.
GOAL = 4


def timed_run(suite: Path, venv: Path, report: Path) -> tuple[float, float, int]:
    """Run the suite in ``suite`` on a fresh database; its milliseconds per test (the
    whole process, then pytest's session alone) and its test count. Fails (SystemExit)
    when it does not pass or skips a test."""
    with fresh_postgres_database(service_url("TEST_POSTGRES_URL")) as database:
        env = {**dict.fromkeys(PROJECT_ENV), "TEST_DATABASE_URL": database,
               "REDIS_URL": service_url("TEST_REDIS_URL")}  # fmt: skip
        start = time.perf_counter()
        result, counts = run_generated_suite(suite, report, env, venv=venv)
        seconds = time.perf_counter() - start
    if result.returncode != 0 or not counts or counts["skipped"]:
        print(result.stdout[-5000:])
        sys.exit(f"{suite.name}: the suite did not pass: {counts}")
    session = float(ET.parse(report).getroot().find("testsuite").get("time"))
    return seconds * 1000 / counts["tests"], session * 1000 / counts["tests"], counts["tests"]


def main(runs: int) -> int:
    """Render, run both suites ``runs`` times alternately, print the figures; the exit
    status."""
    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        project = Path(cookiecutter(str(ROOT), no_input=True, output_dir=tmp))
        venv = project_venv(project)  # built (or found) before the clock starts
        per_test: dict[str, list[float]] = {"default": [], "lean": []}
        in_session: dict[str, list[float]] = {"default": [], "lean": []}
        for number in range(1, runs + 1):
            # The lean suite runs in the variant's virtualenv.
            for name, suite in (("default", project), ("lean", LEAN)):
                report = Path(tmp) / f"{name}-{number}.xml"
                milliseconds, session, tests = timed_run(suite, venv, report)
                per_test[name].append(milliseconds)
                in_session[name].append(session)
                print(f"run {number}, {name} suite: {tests} tests, {milliseconds:.1f} ms a test "
                      f"({session:.1f} ms in pytest's session)")  # fmt: skip
    default, lean_median = (statistics.median(per_test[name]) for name in ("default", "lean"))
    ratio = default / lean_median
    verdict = "within" if ratio <= GOAL else "over"
    # Start-up weighs more on the smaller lean suite: the session's ratio, without it.
    sessions = [statistics.median(in_session[name]) for name in ("default", "lean")]
    print(f"median in pytest's session: default {sessions[0]:.1f}, lean {sessions[1]:.1f} "
          f"ms a test: {sessions[0] / sessions[1]:.2f} times")  # fmt: skip
    print(f"median: default {default:.1f} ms a test, lean {lean_median:.1f} ms a test: "
          f"{ratio:.2f} times ({verdict} the goal of {GOAL})")  # fmt: skip
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
