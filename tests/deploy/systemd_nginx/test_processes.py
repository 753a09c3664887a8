"""The units' processes started as the units start them, outside systemd: what reaches
the journal and when, what gunicorn tells systemd, what its JSON log lines say.

The journal reads a process's output through a pipe, as these tests do.
"""

import os
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from ...helpers import (
    gunicorn,
    json_lines,
    parse_env_file,
    production_env,
    project_venv,
    stop,
)
from .deploy_files import SLUG, VENV_BIN, parse_unit, values


def unit_process(project: Path, unit: str, env: dict[str, str], **replace: str) -> tuple:
    """The command and environment ``unit`` (a file of deploy/systemd) runs: its
    ExecStart= on the project's virtualenv, each ``old=new`` of ``replace`` applied; the
    env file's settings updated by ``env`` and by the unit's Environment= lines, on this
    process's environment without PYTHONUNBUFFERED."""
    parsed = parse_unit(project / "deploy" / "systemd" / unit)
    (command,) = values(parsed, "Service", "ExecStart")
    command = command.replace(f"{VENV_BIN}/", f"{project_venv(project)}/")
    for old, new in replace.items():
        command = command.replace(old, new)
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    environment.update(parse_env_file(project / "deploy" / f"{SLUG}.env.example"))
    environment.update(env)
    environment.update(
        value.partition("=")[::2] for value in values(parsed, "Service", "Environment")
    )
    return command.split(), environment


class Output:
    """A process's stdout and stderr, merged into one pipe as systemd passes them to the
    journal, read as it comes by a thread."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.text = ""
        self.thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.thread.start()

    def _read(self, pipe) -> None:
        for line in pipe:
            self.text += line

    def wait_for(self, needle: str, process: subprocess.Popen, seconds: float = 30) -> None:
        """Wait until ``needle`` was read; fail if the process exits or time runs out."""
        deadline = time.monotonic() + seconds
        while needle not in self.text:
            assert process.poll() is None, f"exited {process.returncode}:\n{self.text}"
            assert time.monotonic() < deadline, f"no {needle!r} in {seconds} s:\n{self.text}"
            time.sleep(0.1)


@pytest.mark.parametrize(
    ("unit", "started"),
    [("beat", "beat: Starting..."), ("worker", "ready.")],
    ids=["beat", "worker"],
)
def test_celery_prints_json_lines_only_and_at_once(
    render, postgres_url: str, redis_url: str, tmp_path: Path, unit: str, started: str
) -> None:
    """Every line Celery's beat and worker print is a JSON object (``--quiet``: no plain
    text banner), and the journal reads each as it comes, not once the process stops."""
    project = render(database="postgresql", url_prefix="")
    command, env = unit_process(
        project,
        f"{SLUG}-{unit}.service",
        production_env(postgres_url, redis_url),
        **{f"/var/lib/{SLUG}/": f"{tmp_path}/"},
    )
    env.update(PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"), WORKER_METRICS_PORT="0")
    with subprocess.Popen(
        command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        output = Output(process)
        try:
            output.wait_for(started, process)
            assert len(json_lines(output.text)) == len(output.text.splitlines()), output.text
        finally:
            stop(process)
            output.thread.join(timeout=10)


@pytest.mark.parametrize("complete", [True, False], ids=["configured", "no-secret-key"])
def test_gunicorn_is_ready_once_the_app_is_loaded(
    render, postgres_url: str, redis_url: str, short_dir: Path, complete: bool
) -> None:
    """gunicorn sends READY=1 (Type=notify) once the app is imported, so a request
    right after it is served; an app that cannot start (production without SECRET_KEY)
    stops gunicorn with the error and no READY=1, so `systemctl start` fails."""
    project = render(database="postgresql", url_prefix="")
    env = production_env(postgres_url, redis_url)
    if not complete:
        env["SECRET_KEY"] = ""  # as in the env file before install.sh writes one
    notify_path, sock = short_dir / "notify.sock", short_dir / "web.sock"
    command, env = unit_process(project, f"{SLUG}.service", env)
    env.update({"GUNICORN_BIND": f"unix:{sock}", "NOTIFY_SOCKET": str(notify_path)})
    log = short_dir / "gunicorn.log"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify, log.open("w") as output:
        notify.bind(str(notify_path))
        web = subprocess.Popen(
            command, cwd=project, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            if not complete:
                assert web.wait(timeout=30) != 0, log.read_text()
                assert "SECRET_KEY" in log.read_text(), log.read_text()
                notify.settimeout(0)
                with pytest.raises(BlockingIOError):
                    notify.recv(4096)
                return
            notify.settimeout(30)
            assert b"READY=1" in notify.recv(4096), log.read_text()
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.settimeout(5)
                started = time.monotonic()
                client.connect(str(sock))
                client.sendall(b"GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n")
                assert client.recv(4096).startswith(b"HTTP/1.0 200 ")
                assert time.monotonic() - started < 1.0, "READY=1 came before the app loaded"
        finally:
            stop(web)


@pytest.mark.parametrize(
    ("allowed", "logged"),
    [("127.0.0.1", "203.0.113.9"), ("10.0.0.0/8", "127.0.0.1")],
    ids=["trusted-proxy", "untrusted-peer"],
)
def test_gunicorn_logs_json_lines_naming_the_client_a_trusted_proxy_forwards(
    default_project: Path,
    postgres_url: str,
    redis_url: str,
    tmp_path: Path,
    allowed: str,
    logged: str,
) -> None:
    """In production every line gunicorn prints is a JSON object: its error log's and its
    access log's, which has the request's fields and ID. The client address is the last of
    X-Forwarded-For (the address the proxy appended) when the peer is within
    FORWARDED_ALLOW_IPS, else the peer's own."""
    env = {**production_env(postgres_url, redis_url), "FORWARDED_ALLOW_IPS": allowed}
    log = tmp_path / "gunicorn.log"
    with gunicorn(project_venv(default_project), default_project, env, log) as base:
        sent = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Request-ID": "probe-1"}
        request = urllib.request.Request(f"{base}/health?probe", headers=sent)
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
            assert response.headers["X-Request-ID"] == "probe-1"
    output = log.read_text().splitlines()
    lines = json_lines(log.read_text())
    assert len(lines) == len(output), log.read_text()
    errors = [line["message"] for line in lines if line["logger"] == "gunicorn.error"]
    for start in ("Starting gunicorn ", "Booting worker "):
        assert any(message.startswith(start) for message in errors), errors
    (access,) = [line for line in lines if line.get("request_id") == "probe-1"]
    assert access == {
        "timestamp": access["timestamp"],
        "level": "INFO",
        "logger": "gunicorn.access",
        "message": access["message"],
        "method": "GET",
        "path": "/health",
        "status": 200,
        "duration_ms": access["duration_ms"],
        "client": logged,
        "request_id": "probe-1",
    }
    assert 0 < access["duration_ms"] < 5000
    assert '"GET /health?probe HTTP/1.1" 200' in access["message"]
