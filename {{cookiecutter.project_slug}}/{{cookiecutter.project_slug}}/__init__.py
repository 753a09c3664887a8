"""{{ cookiecutter.project_name | docstring_text }}: the application factory."""

from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import main, {{ "todos, " if cookiecutter.example == "todos" }}users
from .config import TestingConfig, load_config
from .core import (
{%- if cookiecutter.cache == "redis" %}
    cache,
{%- endif %}
    converters,
{%- if cookiecutter.use_cors %}
    cors,
{%- endif %}
    database,
{%- if cookiecutter.app_style == "full" %}
    error_pages,
{%- endif %}
{%- if cookiecutter.error_tracking == "sentry" %}
    error_tracking,
{%- endif %}
    errors,
    logs,
    metrics,
    mount,
    openapi,
    ratelimits,
    scaffold,
    security,
{%- if cookiecutter.worker == "celery" %}
    tasks,
{%- endif %}
{%- if cookiecutter.tracing == "opentelemetry" %}
    tracing,
{%- endif %}
)
from .extensions import {{ ["csrf" if cookiecutter.app_style == "full", "db", "login_manager" if cookiecutter.app_style == "full", "migrate"] | select | join(", ") }}


def create_app(config: str | Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask application.

    :param config: a config name (``development``, ``testing``, ``production``), a mapping
        of settings over the testing config, or None for ``FLASK_CONFIG``.
    :raises config.ConfigError: when the configuration is unknown or incomplete.
    """
    app = Flask(__name__)
    if isinstance(config, Mapping):
        app.config.from_object(TestingConfig())
        app.config.update(config)
    else:
        app.config.from_object(load_config(config))
    register_extensions(app)
    register_blueprints(app)
    scaffold.init_app(app)
    errors.init_app(app)
{%- if cookiecutter.app_style == "full" %}
    error_pages.init_app(app)
{%- endif %}
    register_middleware(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extensions and the infrastructure to ``app``."""
    logs.init_app(app)
    app.logger.setLevel(app.config["LOG_LEVEL"])
    mount.init_app(app)  # first: a path outside the sub-path goes no further
{%- if cookiecutter.error_tracking == "sentry" %}
    error_tracking.init_app(app)
{%- endif %}
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db)
    metrics.init_app(app)
    ratelimits.init_app(app)
{%- if cookiecutter.cache == "redis" %}
    cache.init_app(app)
{%- endif %}
{%- if cookiecutter.use_cors %}
    cors.init_app(app)
{%- endif %}
{%- if cookiecutter.app_style == "full" %}
    csrf.init_app(app)
    login_manager.init_app(app)
{%- endif %}
{%- if cookiecutter.worker == "celery" %}
    tasks.init_app(app)
{%- endif %}
{%- if cookiecutter.tracing == "opentelemetry" %}
    tracing.init_app(app)
{%- endif %}
    converters.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Register each feature's pages and API; a feature you add goes here too."""
    rest_api = openapi.init_app(app)
    main.init_app(app, rest_api)
    users.init_app(app, rest_api)
{%- if cookiecutter.example == "todos" %}
    todos.init_app(app, rest_api)
{%- endif %}


def register_middleware(app: Flask) -> None:
    """Wrap the app in its WSGI middleware; the last is outermost."""
    app.wsgi_app = security.SecurityHeaders(app.wsgi_app)
    app.wsgi_app = metrics.RequestMetrics(app.wsgi_app)
    app.wsgi_app = logs.RequestLogFields(app.wsgi_app)
