"""The commands and probes of the Kubernetes migration Job, web and worker containers,
run for real against the loopback servers."""

import json
import os
import re
import socket
import subprocess
import time
from pathlib import Path

from ...helpers import get, gunicorn, json_lines, project_venv, run, stop
from .rendered import Rendered


def container_env(variant: Rendered, postgres_url: str, redis_url: str) -> dict[str, str]:
    """The environment of a container: the ConfigMap, and a Secret with real values."""
    secret = {
        "SECRET_KEY": "k8s-test-secret",
        "DATABASE_URL": postgres_url,
        "REDIS_URL": redis_url,
    }
    assert secret.keys() == variant.get("Secret", "secrets")["stringData"].keys()
    return {
        **variant.get("ConfigMap", "config")["data"],
        **secret,
        "PYTHONPATH": str(variant.path),
    }


def test_job_migrates_and_web_answers_the_deployment_probes(
    prefix_variant: Rendered, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    project = prefix_variant.path
    venv = project_venv(project)
    env = container_env(prefix_variant, postgres_url, redis_url)
    flask, *args = prefix_variant.container("migrate")["command"]
    migrate = run([venv / flask, *args], cwd=project, env=env)
    assert migrate.returncode == 0, migrate.stdout

    # The web container runs the image's CMD, here on a free loopback port.
    (cmd,) = re.findall(r"^CMD (\[.*\])$", (project / "Dockerfile").read_text(), re.MULTILINE)
    program, *args = json.loads(cmd)
    assert program == "gunicorn"
    web = prefix_variant.container("web")
    log = tmp_path / "gunicorn.log"
    with gunicorn(venv, project, env, log, "/svc", args) as url:
        assert get(url + web["startupProbe"]["httpGet"]["path"]) == (200, {"status": "ok"})
        assert get(url + web["livenessProbe"]["httpGet"]["path"]) == (200, {"status": "ok"})
        status, body = get(url + web["readinessProbe"]["httpGet"]["path"])
        assert (status, body["status"]) == (200, "ok"), body
    messages = [line["message"] for line in json_lines(log.read_text())]
    assert any('"GET /svc/ready HTTP/1.1" 200' in message for message in messages), messages


def test_worker_answers_its_probe(
    prefix_variant: Rendered, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    project = prefix_variant.path
    venv = project_venv(project)
    env = {
        **os.environ,
        **container_env(prefix_variant, postgres_url, redis_url),
        # As in a pod: the runtime sets HOSTNAME, and celery is on the PATH.
        "HOSTNAME": socket.gethostname(),
        "PATH": f"{venv}{os.pathsep}{os.environ['PATH']}",
    }
    worker = prefix_variant.container("worker")
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            worker["command"], cwd=project, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    node = f"celery@{socket.gethostname()}"
    try:
        deadline = time.monotonic() + 60
        while f"{node} ready." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"the worker is not ready:\n{log.read_text()}"
            time.sleep(0.2)
        for probe in ("readinessProbe", "livenessProbe"):
            result = run(worker[probe]["exec"]["command"], cwd=project, env=env, timeout=60)
            assert result.returncode == 0, f"{probe}: {result.stdout}\n{log.read_text()}"
            assert f"{node}: OK" in result.stdout, result.stdout
            assert "pong" in result.stdout
    finally:
        stop(process)
