"""Error tracking with Sentry (sentry-sdk): unhandled errors of requests{{ ", of Celery tasks" if cookiecutter.worker == "celery" }}
and error log lines are sent to the project named by ``SENTRY_DSN``.

Without ``SENTRY_DSN`` the SDK is not initialised at all: nothing is sent, nothing is
patched. The release is ``{{ cookiecutter.project_slug }}@<installed version>`` (the
package's metadata, that is ``pyproject.toml``'s ``version``), the environment is the
config's name (``FLASK_CONFIG``).
"""

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
    """The release Sentry groups errors by: ``<distribution>@<version>``, the installed
    package's version, or ``pyproject.toml``'s where the code runs from its directory
    without being installed (``uv sync --no-install-project``, as deploy/install.sh and
    the Dockerfile's first stage do)."""
    try:
        number = version(DISTRIBUTION)
    except PackageNotFoundError:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        number = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    return f"{DISTRIBUTION}@{number}"


def init_app(app: Flask, **options: Any) -> None:
    """Initialise sentry-sdk from ``app.config["SENTRY_DSN"]``, or do nothing without one.

    sentry-sdk's defaults send no personal data (client addresses, cookies, bodies).

    :param app: the app; its config gives the DSN and, by its ``CONFIG_NAME``, the
        environment.
    :param options: more keyword arguments of ``sentry_sdk.init`` (a test passes its own
        ``transport``).
    """
    dsn = app.config.get("SENTRY_DSN")
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
