"""The Celery worker and beat of each celery variant's image, run as the deploy target
runs them, next to the web container: a task started through the API is done by the
worker; beat starts; each container stops cleanly on SIGTERM within its grace period."""

import base64
import json
import time
import urllib.error
import urllib.request

import pytest

from .podman import Container, container, wait_for
from .test_web import migrate
from .variants import VARIANTS, Variant

CELERY_VARIANTS = [name for name, answers in VARIANTS.items() if answers.get("worker") != "none"]


def call(url: str, method: str = "GET", body: dict | None = None, **headers: str):
    """One API request: its status and JSON body (for error statuses too)."""
    request = urllib.request.Request(
        url,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def purge_through_the_api(variant: Variant, worker: Container) -> dict:
    """Register, get a token, create two done todos and an open one, start the purge
    task, poll its status URL until it succeeds; the body of the last poll."""
    api = variant.url("/api/v1")
    assert (
        call(f"{api}/users", "POST", {"username": "alice", "password": "pw-123456789"})[0] == 201
    )
    basic = base64.b64encode(b"alice:pw-123456789").decode()
    status, token = call(f"{api}/tokens", "POST", Authorization=f"Basic {basic}")
    assert status == 201, token
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    for title, done in [("a", True), ("b", True), ("c", False)]:
        assert call(f"{api}/todos", "POST", {"title": title, "done": done}, **bearer)[0] == 201
    status, started = call(f"{api}/todos/purge", "POST", **bearer)
    assert status == 202, started
    status_url = f"http://127.0.0.1:{variant.port}{started['status_url']}"
    deadline = time.monotonic() + 60
    while (task := call(status_url, **bearer)[1])["state"] != "SUCCESS":
        assert task["state"] in ("PENDING", "STARTED"), task
        assert time.monotonic() < deadline, f"task not done in 60 s:\n{worker.logs()}"
        time.sleep(0.2)
    status, todos = call(f"{api}/todos", **bearer)
    assert [todo["title"] for todo in todos["items"]] == ["c"]
    return task


@pytest.mark.parametrize("variant", CELERY_VARIANTS, indirect=True)
def test_worker_does_a_task_and_beat_starts(
    variant: Variant, database_url, redis_url, host_port, record_property
) -> None:
    env = variant.env(database_url, redis_url)
    migrate(variant, env, [])
    steps = {}
    tag = variant.image.tag
    with (
        container(tag, env=env, options=variant.options("web")) as web,
        container(tag, *variant.command("worker"), env=env,
                  options=variant.options("worker")) as worker,
        container(tag, *variant.command("beat"), env=env, options=variant.options("beat")) as beat,
    ):  # fmt: skip
        wait_for(web, variant.url("/health"))
        started = time.monotonic()
        task = purge_through_the_api(variant, worker)
        steps["purge task through the API, until SUCCESS"] = round(time.monotonic() - started, 1)
        assert task["result"] == 2
        assert "purge_completed_todos" in worker.logs() and "succeeded" in worker.logs()
        # Docker's and the kubelet's exec pass the container's HOSTNAME; podman's does not.
        probe = worker.exec(*variant.worker_probe(), env={"HOSTNAME": worker.hostname()})
        assert probe.returncode == 0 and "pong" in probe.stdout, probe.stdout
        deadline = time.monotonic() + 30
        while "beat: Starting..." not in beat.logs():
            assert beat.running(), beat.logs()
            assert time.monotonic() < deadline, beat.logs()
            time.sleep(0.2)

        for component, running in [("web", web), ("worker", worker), ("beat", beat)]:
            grace = variant.grace(component)
            code, seconds = running.stop(grace, variant.pre_stop(component))
            assert (code, seconds < grace) == (0, True), (component, code, running.logs())
            steps[f"stop to exit: {component}"] = seconds
    record_property("container_steps", steps)
