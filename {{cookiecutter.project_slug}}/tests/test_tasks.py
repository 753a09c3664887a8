"""The Celery configuration, the example task run eagerly and through its endpoint, and
what starting a task answers while the broker is down."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }}.config import Config
from {{ cookiecutter.project_slug }}.core.tasks import celery_init_app, celery_settings
from {{ cookiecutter.project_slug }}.main.tasks import count_users
from {{ cookiecutter.project_slug }}.users.models import create_user

from .conftest import assert_unavailable, closed_port, timed, unresponsive_port


def test_count_users_logs_the_count_and_returns_nothing(
    app: Flask, json_log: Callable[[], list[dict]]
) -> None:
    assert count_users.delay().get(timeout=10) is None
    with app.app_context():
        create_user("alice", "alices password")
        create_user("bob", "bobs password")
    count_users.delay()
    counts = [line["message"] for line in json_log() if line["message"].startswith("Counted")]
    assert counts == ["Counted 0 accounts", "Counted 2 accounts"]


def test_the_endpoint_starts_the_task_and_reports_its_state(api: FlaskClient) -> None:
    response = api.post("/api/v1/tasks/count-users")
    assert response.status_code == 202
    status_url = response.get_json()["status_url"]
    assert response.headers["Location"] == status_url
    assert api.get(status_url).get_json() == {
        "id": response.get_json()["task_id"], "state": "SUCCESS", "result": None,
    }  # fmt: skip


def test_an_unknown_task_is_pending(api: FlaskClient) -> None:
    unknown = "/api/v1/tasks/0b5c3a3e-8a4e-4c1e-9d7e-2f1a6b7c8d9e"
    assert api.get(unknown).get_json()["state"] == "PENDING"


def test_a_task_id_is_a_uuid_so_no_other_path_reads_as_one(api: FlaskClient) -> None:
    assert api.get("/api/v1/tasks/no-such-task").status_code == 404
    starter = api.options("/api/v1/tasks/count-users")
    assert set(starter.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_task_lines_carry_the_id_of_the_request_that_started_it(
    api: FlaskClient, json_log: Callable[[], list[dict]]
) -> None:
    response = api.post("/api/v1/tasks/count-users", headers={"X-Request-ID": "count-request-1"})
    assert response.status_code == 202
    (line,) = [line for line in json_log() if line["message"] == "Counted 1 accounts"]
    assert line["logger"] == "{{ cookiecutter.project_slug }}.main.tasks"
    assert line["request_id"] == "count-request-1"
    assert line["task"] == count_users.name
    assert line["task_id"] == response.get_json()["task_id"]


def test_beat_counts_the_users_daily(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://localhost:6379/0")
    schedule = celery_settings(vars(Config()))["beat_schedule"]["count-users"]
    assert schedule["task"] == count_users.name
    assert schedule["schedule"] == 24 * 60 * 60


def test_broker_may_be_amqp_with_results_on_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://localhost:6379/0")
    monkeypatch.setenv("CELERY_BROKER_URL", "amqp://guest:guest@localhost:5672//")
    celery = celery_settings(vars(Config()))
    assert celery["broker_url"] == "amqp://guest:guest@localhost:5672//"
    assert celery["result_backend"] == "redis://localhost:6379/0"


def test_tasks_go_to_a_queue_named_after_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    # Services sharing one broker never take each other's tasks.
    monkeypatch.setenv("REDIS_URL", "redis://localhost:6379/0")
    queue = celery_settings(vars(Config()))["task_default_queue"]
    assert queue == "{{ cookiecutter.project_slug }}"


def send_tasks_to(port: int, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Give ``app`` a Celery app with the production settings, on a Redis at ``port``
    (broker and result backend); the test's own Celery app is restored after."""
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{port}/0")
    monkeypatch.setitem(app.config, "CELERY", celery_settings(vars(Config())))
    monkeypatch.setitem(app.extensions, "celery", app.extensions["celery"])
    celery_init_app(app).set_current()


@pytest.fixture
def unreachable_broker(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tasks of ``app`` go to a Redis where nothing listens."""
    send_tasks_to(closed_port(), app, monkeypatch)


@pytest.mark.usefixtures("unreachable_broker")
def test_starting_a_task_is_503_when_the_broker_is_down(api: FlaskClient) -> None:
    response, seconds = timed(lambda: api.post("/api/v1/tasks/count-users"))
    assert_unavailable(response, seconds, "The task queue is unavailable; try again later.")
    # What does not need the broker keeps working.
    assert api.get("/api/v1/users/me").status_code == 200


def test_starting_a_task_gives_up_after_connect_timeout(
    api: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Redis host that does not answer: 503 once ``CONNECT_TIMEOUT`` has passed, for
    the result subscription and for its one retry."""
    monkeypatch.setenv("CONNECT_TIMEOUT", "0.25")
    with unresponsive_port() as port:
        send_tasks_to(port, app, monkeypatch)
        response, seconds = timed(lambda: api.post("/api/v1/tasks/count-users"))
    assert response.status_code == 503
    assert 0.5 <= seconds < 1.5, f"answered in {seconds:.2f} s"
