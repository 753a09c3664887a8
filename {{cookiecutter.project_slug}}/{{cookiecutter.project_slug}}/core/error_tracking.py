"""Error tracking with Sentry: unhandled errors and error log lines, when ``SENTRY_DSN`` is set."""

import os
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import sentry_sdk
from flask import Flask
{%- if cookiecutter.worker == "celery" %}
from sentry_sdk.integrations.celery import CeleryIntegration
{%- endif %}
from sentry_sdk.integrations.flask import FlaskIntegration
from sentry_sdk.integrations.sqlalchemy import SqlalchemyIntegration

#: The distribution whose version names the release.
DISTRIBUTION = "{{ cookiecutter.project_slug }}"


def release() -> str:
    """The release Sentry groups errors by: ``<distribution>@<version>``."""
    try:
        number = version(DISTRIBUTION)
    except PackageNotFoundError:
        # Run from its directory, not installed (uv sync --no-install-project, deploy targets).
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        number = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    return f"{DISTRIBUTION}@{number}"


def init_app(app: Flask, **options: Any) -> None:
    """Initialise sentry-sdk from ``SENTRY_DSN``, if set; ``options`` go to ``sentry_sdk.init``."""
    # Sentry's client key (DSN) from the environment, unless app sets it; without it nothing
    # is sent.
    app.config.setdefault("SENTRY_DSN", os.environ.get("SENTRY_DSN") or None)
    dsn = app.config["SENTRY_DSN"]
    if not dsn:
        return
    sentry_sdk.init(
        dsn=dsn,
        release=release(),
        environment=app.config["CONFIG_NAME"],
        integrations=[
            FlaskIntegration(),
            SqlalchemyIntegration(),
{%- if cookiecutter.worker == "celery" %}
            CeleryIntegration(),
{%- endif %}
        ],
        **options,
    )
