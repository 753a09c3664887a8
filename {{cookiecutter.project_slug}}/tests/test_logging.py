"""Log lines (JSON or text) and request IDs: taken from the proxy or made, sent back, and
in every line of the request."""

import json
import logging
import re
import warnings
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.users.models import User

from .conftest import PASSWORD

HEX_ID = re.compile(r"[0-9a-f]{32}")
#: A text line: local time, level, logger, [request ID] message.
TEXT_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (\w+) (\S+) \[(\S+)\] (.*)")

JsonLog = Callable[[], list[dict]]


def token_line(lines: list[dict]) -> dict:
    """The one line of the token endpoint's log message among ``lines``."""
    (line,) = [line for line in lines if line["message"] == "Issued an API token"]
    return line


def test_request_lines_are_json_with_the_request_fields(
    client: FlaskClient, user: User, json_log: JsonLog
) -> None:
    response = client.post(
        "/api/v1/tokens", auth=("alice", PASSWORD), headers={"X-Request-ID": "abc-123.x_y"}
    )
    assert response.status_code == 201
    line = token_line(json_log())
    assert line == {
        "timestamp": line["timestamp"],
        "level": "INFO",
        "logger": "{{ cookiecutter.project_slug }}.users.auth",
        "message": "Issued an API token",
        "request_id": "abc-123.x_y",
        "method": "POST",
        "path": "/api/v1/tokens",
        "user_id": user.id,
    }
    timestamp = datetime.fromisoformat(line["timestamp"])
    assert timestamp.utcoffset().total_seconds() == 0


def test_request_id_is_sent_back(client: FlaskClient) -> None:
    response = client.get("/health", headers={"X-Request-ID": "from-the-proxy"})
    assert response.headers["X-Request-ID"] == "from-the-proxy"


@pytest.mark.parametrize("sent", ["", "has space", "a" * 129, 'quote"', "é"])
def test_malformed_request_id_is_replaced(client: FlaskClient, sent: str) -> None:
    response = client.get("/health", headers={"X-Request-ID": sent})
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])


def test_request_id_is_made_when_absent(client: FlaskClient) -> None:
    first = client.get("/health").headers["X-Request-ID"]
    second = client.get("/health").headers["X-Request-ID"]
    assert HEX_ID.fullmatch(first) and HEX_ID.fullmatch(second)
    assert first != second


def test_made_request_id_is_in_the_lines(
    client: FlaskClient, user: User, json_log: JsonLog
) -> None:
    response = client.post("/api/v1/tokens", auth=("alice", PASSWORD))
    assert token_line(json_log())["request_id"] == response.headers["X-Request-ID"]


def test_lines_outside_requests_have_no_request_fields(app: Flask, json_log: JsonLog) -> None:
    app.logger.warning("Outside any request")
    (line,) = [line for line in json_log() if line["message"] == "Outside any request"]
    assert set(line) == {"timestamp", "level", "logger", "message"}


@pytest.fixture
def unconfigure_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """A function that leaves logging as a process starts it (no root handler, Python's
    warnings not logged), for the test to call once it runs: pytest adds its own root
    handlers then. Everything is put back afterwards."""

    def unconfigure() -> None:
        root = logging.getLogger()
        monkeypatch.setattr(root, "handlers", [])
        monkeypatch.setattr(root, "level", root.level)
        logging.captureWarnings(False)

    yield unconfigure
    logging.captureWarnings(False)


def test_factory_sets_up_text_lines_when_nothing_has(
    unconfigure_logging: Callable[[], None], capsys: pytest.CaptureFixture[str]
) -> None:
    unconfigure_logging()
    app = create_app({"LOG_FORMAT": "text", "LOG_LEVEL": "INFO"})
    app.add_url_rule("/hello", "hello", lambda: str(app.logger.info("Hello")))
    capsys.readouterr()
    assert app.test_client().get("/hello", headers={"X-Request-ID": "req-7"}).status_code == 200
    (line,) = capsys.readouterr().err.splitlines()
    match = TEXT_LINE.fullmatch(line)
    assert match, line
    assert match.groups() == ("INFO", "{{ cookiecutter.project_slug }}", "req-7", "Hello")


def test_factory_logs_python_warnings_when_it_sets_up_logging(
    unconfigure_logging: Callable[[], None], capsys: pytest.CaptureFixture[str]
) -> None:
    unconfigure_logging()
    create_app({"LOG_FORMAT": "json", "LOG_LEVEL": "INFO"})
    capsys.readouterr()
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # not the suite's "error"
        warnings.warn("Mind the gap", UserWarning, stacklevel=1)
    (line,) = capsys.readouterr().err.splitlines()
    assert json.loads(line)["logger"] == "py.warnings"
    assert "UserWarning: Mind the gap" in json.loads(line)["message"]
