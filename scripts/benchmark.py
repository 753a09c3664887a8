"""Time the default variant's own test suite on the real PostgreSQL and Redis.

Renders the default variant, runs its suite RUNS times (3 by default), each time on a
fresh PostgreSQL database, and prints the wall time of each run and the median in
milliseconds per test: the whole ``python -m pytest`` process, start-up included,
divided by the number of tests it ran. Exits 1 when a run fails.

Run it through ``bash scripts/benchmark.sh [RUNS]``, which prepares .venv and the servers.
The servers come from ``TEST_POSTGRES_URL`` and ``TEST_REDIS_URL``.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

from cookiecutter.main import cookiecutter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers import (  # noqa: E402 - the template's root must be importable first
    ROOT,
    fresh_postgres_database,
    project_venv,
    run_generated_suite,
    service_url,
)

#: The issue's goal for the default suite on PostgreSQL, in milliseconds per test.
GOAL_MS = 50


def main(runs: int) -> int:
    """Render, run the suite ``runs`` times, print the figures; the exit status."""
    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        project = Path(cookiecutter(str(ROOT), no_input=True, output_dir=tmp))
        project_venv(project)  # built (or found) before the clock starts
        per_test = []
        for number in range(1, runs + 1):
            with fresh_postgres_database(service_url("TEST_POSTGRES_URL")) as database:
                env = {"TEST_DATABASE_URL": database, "REDIS_URL": service_url("TEST_REDIS_URL")}
                start = time.perf_counter()
                result, counts = run_generated_suite(project, Path(tmp) / f"{number}.xml", env)
                seconds = time.perf_counter() - start
            if result.returncode != 0 or counts.get("skipped"):
                print(result.stdout[-5000:])
                print(f"run {number}: the suite did not pass: {counts}", file=sys.stderr)
                return 1
            per_test.append(seconds * 1000 / counts["tests"])
            print(f"run {number}: {counts['tests']} tests in {seconds:.2f} s, "
                  f"{per_test[-1]:.1f} ms a test")  # fmt: skip
    median = statistics.median(per_test)
    verdict = "within" if median <= GOAL_MS else "over"
    print(f"median: {median:.1f} ms a test ({verdict} the goal of {GOAL_MS} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 3))
