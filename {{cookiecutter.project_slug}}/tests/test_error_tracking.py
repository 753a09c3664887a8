"""Sentry: silent without ``SENTRY_DSN``; with one, an unhandled error of a view is sent,
with the release and the environment."""

from collections.abc import Iterator

import pytest
import sentry_sdk
from flask import Flask
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.core import error_tracking

#: A well-formed DSN; nothing is sent there, the test's transport keeps the envelopes.
DSN = "https://public@sentry.example.invalid/1"


class CapturingTransport(Transport):
    """A sentry-sdk transport that keeps the envelopes instead of sending them."""

    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)


@pytest.fixture(autouse=True)
def no_client() -> Iterator[None]:
    """Each test starts and ends with no Sentry client (the SDK's client is global)."""
    sentry_sdk.get_global_scope().set_client(None)
    yield
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


def failing_app(dsn: str | None) -> Flask:
    """A testing app with ``SENTRY_DSN`` set to ``dsn`` and a view that raises."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SENTRY_DSN": dsn})
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer 500, as in production

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    return app


def test_without_a_dsn_sentry_is_not_initialised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    app = failing_app(None)
    assert app.test_client().get("/boom").status_code == 500
    client = sentry_sdk.get_client()
    assert not client.is_active()
    assert client.transport is None


def test_the_dsn_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENTRY_DSN", DSN)
    app = create_app("testing")
    assert app.config["SENTRY_DSN"] == DSN


def test_an_unhandled_error_is_sent_with_the_release() -> None:
    app = failing_app(None)
    app.config["SENTRY_DSN"] = DSN
    transport = CapturingTransport()
    error_tracking.init_app(app, transport=transport)
    assert sentry_sdk.get_client().is_active()

    assert app.test_client().get("/boom").status_code == 500
    sentry_sdk.flush()

    events = [item.payload.json for envelope in transport.envelopes for item in envelope.items]
    (event,) = [event for event in events if event and event.get("exception")]
    (exception,) = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("RuntimeError", "boom")
    assert exception["mechanism"]["type"] == "flask"
    assert event["release"] == error_tracking.release()
    assert event["release"].startswith("{{ cookiecutter.project_slug }}@{{ cookiecutter.version }}")
    assert event["environment"] == "testing"
