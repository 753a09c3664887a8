"""Prometheus metrics for real: the default service under gunicorn with two workers in
production config, its metrics scraped from the arbiter's metrics port. The counts are
the requests sent, summed over the workers, also over a worker killed and replaced; the
app's own port answers 404 for /metrics; a new start begins from zero; a command leaves
no gauge behind; gunicorn leaves no temporary metrics directory behind."""

import os
import re
import signal
import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ..helpers import (
    flask_db,
    free_port,
    get,
    gunicorn,
    production_env,
    project_venv,
    wait_until,
)

#: A sample line of Prometheus' text format: name, labels, value.
SAMPLE_RE = re.compile(r"^(\w+)(?:\{(.*)\})? (\S+)$", re.MULTILINE)
READY = 'endpoint="/ready",method="GET",status="200"'


def scrape(port: int) -> dict[str, float]:
    """The samples served on ``port``'s /metrics, keyed ``name{labels}`` as exposed."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        f"{name}{{{labels}}}" if labels else name: float(value)
        for name, labels, value in SAMPLE_RE.findall(text)
    }


def send(base: str, count: int) -> None:
    """GET /ready ``count`` times, 8 at a time (so that both workers take some)."""
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: get(f"{base}/ready")[0], range(count)))
    assert statuses == [200] * count


def listening(port: int) -> set[str]:
    """The IPv4 addresses a socket of this host listens on at ``port`` (/proc/net/tcp)."""
    addresses = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, _, hex_port = local.partition(":")
        if state == "0A" and int(hex_port, 16) == port:
            addresses.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return addresses


def writers(metrics_dir: Path) -> set[int]:
    """The processes that counted requests: the pids of the counter files."""
    return {int(path.stem.rpartition("_")[2]) for path in metrics_dir.glob("counter_*.db")}


def test_counts_sum_over_gunicorn_workers_and_survive_a_worker_restart(
    default_project: Path, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    venv = project_venv(default_project)
    metrics_dir, port = tmp_path / "prometheus", free_port()
    env = production_env(postgres_url, redis_url)
    env.update({"PROMETHEUS_MULTIPROC_DIR": str(metrics_dir), "METRICS_PORT": str(port)})
    upgrade = flask_db(venv, default_project, env, "upgrade")
    assert upgrade.returncode == 0, upgrade.stdout
    # A process that ends (a command, a probe) takes its gauges' files with it.
    assert metrics_dir.is_dir() and not list(metrics_dir.glob("gauge_*.db"))
    log = tmp_path / "gunicorn.log"

    with gunicorn(venv, default_project, env, log, workers=2) as base:
        send(base, 40)
        samples = scrape(port)
        assert samples[f"http_requests_total{{{READY}}}"] == 40
        assert samples[f"http_request_duration_seconds_count{{{READY}}}"] == 40
        assert samples["http_requests_in_progress"] == 0
        assert samples["db_pool_checked_out"] == 0
        assert samples["db_pool_size"] in (5, 10), "5 a worker that used the database"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{base}/metrics", timeout=5)
        refused.value.close()
        assert refused.value.code == 404, "never on the app's port"
        assert listening(port) == {"127.0.0.1"}, "only this host, unless METRICS_HOST says"

        killed = min(writers(metrics_dir))
        os.kill(killed, signal.SIGKILL)
        wait_until(
            lambda: not list(metrics_dir.glob(f"gauge_livesum_{killed}.db")),
            "child_exit to drop the killed worker's gauges",
            details=log.read_text,
        )
        send(base, 10)
        samples = scrape(port)
        assert samples[f"http_requests_total{{{READY}}}"] == 50, "the killed worker's 40 kept"
        assert samples["http_requests_in_progress"] == 0
        assert len(writers(metrics_dir)) >= 2

    with gunicorn(venv, default_project, env, log, workers=2):
        assert f"http_requests_total{{{READY}}}" not in scrape(port), "a start empties it"


def test_a_temporary_metrics_directory_is_removed_at_exit_after_a_reload(
    default_project: Path, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    """Without PROMETHEUS_MULTIPROC_DIR, gunicorn.conf.py makes a temporary directory; it
    is gone once gunicorn exits, also after a reload (SIGHUP reads the file again)."""
    venv = project_venv(default_project)
    env = production_env(postgres_url, redis_url)
    env.update({"TMPDIR": str(tmp_path), "METRICS_PORT": str(free_port())})
    log = tmp_path / "gunicorn.log"
    with gunicorn(venv, default_project, env, log, workers=1) as base:
        (made,) = tmp_path.glob("prometheus-*")
        send(base, 1)
        assert list(made.glob("counter_*.db")), "the workers write there"
        worker = next(made.glob("counter_*.db")).stem.rpartition("_")[2]
        stat = Path(f"/proc/{worker}/stat").read_text().rpartition(")")[2].split()
        os.kill(int(stat[1]), signal.SIGHUP)  # the worker's parent: gunicorn's arbiter
        wait_until(lambda: log.read_text().count("Booting worker") >= 2, "the reload",
                   details=log.read_text)  # fmt: skip
    assert not list(tmp_path.glob("prometheus-*")), "removed at exit"
