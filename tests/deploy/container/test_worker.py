"""The Celery worker and beat of each celery variant's image, run as the deploy target
runs them, next to the web container: a task started through the API is done by the
worker; beat starts; each container stops cleanly on SIGTERM within its grace period."""

import base64
import re
import time

import pytest

from ...helpers import json_lines, request_json, wait_until
from .podman import Container, container, wait_for
from .test_web import migrate
from .variants import VARIANTS, Variant

CELERY_VARIANTS = [name for name, answers in VARIANTS.items() if answers.get("worker") != "none"]


def purge_through_the_api(variant: Variant, worker: Container) -> dict:
    """Register, get a token, create two done todos and an open one, start the purge
    task, poll its status URL until it succeeds; the body of the last poll."""
    api = variant.url("/api/v1")
    assert (
        request_json(f"{api}/users", "POST", {"username": "alice", "password": "pw-123456789"})[0]
        == 201
    )
    basic = base64.b64encode(b"alice:pw-123456789").decode()
    status, token = request_json(f"{api}/tokens", "POST", Authorization=f"Basic {basic}")
    assert status == 201, token
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    for title, done in [("a", True), ("b", True), ("c", False)]:
        assert (
            request_json(f"{api}/todos", "POST", {"title": title, "done": done}, **bearer)[0]
            == 201
        )
    status, started = request_json(f"{api}/todos/purge", "POST", **bearer)
    assert status == 202, started
    status_url = f"http://127.0.0.1:{variant.port}{started['status_url']}"

    def succeeded() -> dict | None:
        task = request_json(status_url, **bearer)[1]
        assert task["state"] in ("PENDING", "STARTED", "SUCCESS"), task
        return task if task["state"] == "SUCCESS" else None

    task = wait_until(succeeded, "the purge task's success", 60, details=worker.logs)
    status, todos = request_json(f"{api}/todos", **bearer)
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
        # The worker's run of this task deleted the two done todos. Its log says so; the
        # API shows the last run's result, and a task is delivered at least once (a
        # publish retried after a Redis timeout sends it again; the purge is idempotent).
        done = rf".*purge_completed_todos\[{task['id']}\] succeeded in \S+s: 2"
        messages = [line["message"] for line in json_lines(worker.logs())]
        assert any(re.fullmatch(done, message) for message in messages), worker.logs()
        # Docker's and the kubelet's exec pass the container's HOSTNAME; podman's does not.
        probe = worker.exec(*variant.worker_probe(), env={"HOSTNAME": worker.hostname()})
        assert probe.returncode == 0 and "pong" in probe.stdout, probe.stdout
        wait_until(lambda: "beat: Starting..." in beat.logs(), "beat's start", 30,
                   beat.running, beat.logs)  # fmt: skip

        for component, running in [("web", web), ("worker", worker), ("beat", beat)]:
            grace = variant.grace(component)
            code, seconds = running.stop(grace, variant.pre_stop(component))
            assert (code, seconds < grace) == (0, True), (component, code, running.logs())
            steps[f"stop to exit: {component}"] = seconds
    record_property("container_steps", steps)
