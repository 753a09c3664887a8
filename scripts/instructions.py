"""Count the instructions a request costs the default variant under gunicorn against the
hand-written minimal Flask app doing the same work (issue 22, item 9): a deterministic
complement to ``scripts/throughput.py``'s requests per second, not part of CI.

Prepares everything as ``scripts/throughput.py`` does (its ``prepared``: the default
variant rendered, migrated on a fresh PostgreSQL database, a user with 40 todos and a
bearer token), then serves, one after the other, A (the service, on the real PostgreSQL
and Redis) and B (throughput.py's ``MINIMAL_APP``) with gunicorn in production config,
one worker of 4 threads, under ``valgrind --tool=callgrind``. For each of throughput.py's
``PATHS`` it sends ``--warmup`` requests over one keep-alive connection, zeroes the
worker's counters (``callgrind_control --zero``), sends ``--requests`` more, dumps them
(``callgrind_control --dump``) and divides the dump's total ``Ir`` (instructions executed,
every thread of the worker) by the requests. It prints each side's instructions a request
and B/A: the share of the minimal app's efficiency the service keeps (the issue's goal is
0.8 for the todo list; ``/health`` has none). The hash seed is fixed; what still varies
(the worker's idle loop, the garbage collector's timing) moved the counts of two runs by
less than 1%, against a swing of a fifth in throughput.py's figures.

Run it through ``bash scripts/instructions.sh [--requests N] [--warmup N]``, which
prepares .venv and the servers; it needs valgrind (Debian: ``apt-get install valgrind``).
"""

import argparse
import contextlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.helpers import (  # noqa: E402 - the template's root must be importable first
    answers,
    free_port,
    script_module,
    stop,
    wait_until,
)

throughput = script_module("throughput")

#: The issue's goal: B's instructions a request over A's, for the todo list.
GOALS = {"todos": 0.8}
#: Seconds to wait for a server under valgrind to answer, and for one request or command.
START_TIMEOUT, TIMEOUT = 600, 120


def total_instructions(callgrind_out: str) -> int:
    """The total ``Ir`` of a callgrind output file's text: the field of its ``totals:``
    (or older ``summary:``) line at the position of ``Ir`` in its ``events:`` line.

    :raises ValueError: when either line, or the ``Ir`` event, is missing.
    """
    events = re.search(r"^events:(.*)$", callgrind_out, re.M)
    totals = re.search(r"^(?:totals|summary):(.*)$", callgrind_out, re.M)
    if events is None or totals is None or "Ir" not in events.group(1).split():
        raise ValueError("not a callgrind output: no events: line with Ir, or no totals:")
    return int(totals.group(1).split()[events.group(1).split().index("Ir")])


def callgrind_control(action: str, pid: int) -> None:
    """Run ``callgrind_control ACTION PID``; raise RuntimeError with its output if it fails
    (``callgrind_control`` says "not detected" but exits 0 for a pid it cannot reach)."""
    result = subprocess.run(
        ["callgrind_control", action, str(pid)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if result.returncode != 0 or "not detected" in result.stdout + result.stderr:
        raise RuntimeError(f"callgrind_control {action} {pid}:\n{result.stdout}{result.stderr}")


@contextlib.contextmanager
def callgrind_gunicorn(
    venv: Path, project: Path, env: dict[str, str], out: Path, args: list[str | Path]
) -> Iterator[tuple[str, int]]:
    """Serve with gunicorn (``args``) under callgrind: one worker of 4 threads, its dumps
    written to ``out.<pid>.<n>`` and gunicorn's output to ``out.log``. Yields the base URL
    and the worker's pid once ``/health`` answers; stops gunicorn and valgrind after."""
    port = free_port()
    env = {
        **os.environ,
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_THREADS": "4",
        "GUNICORN_TIMEOUT": str(START_TIMEOUT),  # the worker's heartbeat, slow under valgrind
        "PYTHONHASHSEED": "0",
    }
    # The worker is a fork of the arbiter: valgrind's gdbserver, which callgrind_control
    # talks to, runs in a forked child only with --trace-children=yes; the skip pattern
    # leaves any program exec'd uninstrumented. Instrumentation starts off (much faster)
    # and per_request switches it on in the worker.
    valgrind = "valgrind --tool=callgrind --trace-children=yes --trace-children-skip=*"
    command = [*valgrind.split(), "--instr-atstart=no", f"--callgrind-out-file={out}.%p"]
    command += [venv / "gunicorn", *args, "-w", "1"]
    log = Path(f"{out}.log")
    with log.open("w") as output:
        server = subprocess.Popen(
            command,
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stop() ends gunicorn's worker and valgrind with it
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: answers(f"{base}/health"),
            f"gunicorn under callgrind ({out.name})",
            timeout=START_TIMEOUT,
            alive=lambda: server.poll() is None,
            details=log.read_text,
        )
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) == 1, f"gunicorn has {len(children)} workers, not 1"
        yield base, int(children[0])
    finally:
        stop(server)


def send(base: str, path: str, token: str, count: int) -> None:
    """``count`` authenticated GETs of ``path`` over one keep-alive connection, one after
    the other; raises RuntimeError at the first answer other than 200."""
    connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=TIMEOUT)
    try:
        for _ in range(count):
            connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            data = response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {base}{path}: {response.status}\n{data[:500]!r}")
    finally:
        connection.close()


def per_request(
    base: str, worker: int, out: Path, path: str, token: str, args: argparse.Namespace
) -> float:
    """The instructions the worker executes a request of ``path``, after a warm-up."""
    send(base, path, token, args.warmup)
    time.sleep(1)  # the worker's last access log line, written after the answer
    callgrind_control("--instr=on", worker)
    callgrind_control("--zero", worker)
    send(base, path, token, args.requests)
    time.sleep(1)
    before = set(out.parent.glob(f"{out.name}.{worker}.*"))
    callgrind_control("--dump", worker)
    dumps = set(out.parent.glob(f"{out.name}.{worker}.*")) - before
    if len(dumps) != 1:
        raise RuntimeError(f"callgrind_control --dump {worker} wrote {len(dumps)} files, not 1")
    return total_instructions(dumps.pop().read_text()) / args.requests


def main(args: argparse.Namespace) -> int:
    """Render, set up, count A's and B's instructions a request, print; the exit status."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind is missing (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    counts: dict[str, dict[str, float]] = {"A": {}, "B": {}}
    try:
        with throughput.prepared("instructions-") as (tmp, project, venv, env, token):
            for side in counts:
                server_args = throughput.server_args(tmp, tmp / f"{side}.pid", side == "B")
                out = tmp / f"callgrind.{side}"
                with callgrind_gunicorn(venv, project, env, out, server_args) as (base, worker):
                    if side == "A":
                        todos = throughput.body(base + throughput.PATHS["todos"], token)
                    elif throughput.body(base + throughput.PATHS["todos"], token) != todos:
                        print("A and B answer the todo list differently", file=sys.stderr)
                        return 1
                    for name, path in throughput.PATHS.items():
                        counts[side][name] = per_request(base, worker, out, path, token, args)
    # A failed setup, command, request or dump; AssertionError: a server that did not start.
    except (RuntimeError, AssertionError, ValueError, OSError, subprocess.TimeoutExpired) as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"instructions a request (callgrind Ir, one gunicorn worker of 4 threads, "
        f"{args.requests} requests after {args.warmup}); A: the service, B: the minimal app"
    )
    for name, path in throughput.PATHS.items():
        a, b = counts["A"][name], counts["B"][name]
        goal = GOALS.get(name)
        verdict = "" if goal is None else f" ({'meets' if b / a >= goal else 'misses'} {goal})"
        print(f"  {name:6} {path:14} A {a:12,.0f}  B {b:12,.0f}  B/A {b / a:.2f}{verdict}")
    return 0


def parse_args() -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests counted (300)")
    parser.add_argument("--warmup", type=int, default=200, help="requests of warm-up (200)")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main(parse_args()))
