"""{{ cookiecutter.project_name | docstring_text }}: the application factory."""

from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import (
    api,
    converters,
    database,
{%- if cookiecutter.error_tracking == "sentry" %}
    error_tracking,
{%- endif %}
    errors,
    logs,
    metrics,
    mount,
    ratelimits,
    security,
    sessions,
{%- if cookiecutter.tracing == "opentelemetry" %}
    tracing,
{%- endif %}
)
{%- if cookiecutter.app_style == "full" %}
from .auth import bp as auth_bp
{%- endif %}
from .config import TestingConfig, load_config
from .extensions import {{ ["cache" if cookiecutter.cache == "redis", "cors" if cookiecutter.use_cors, "db", "init_page_extensions" if cookiecutter.app_style == "full", "migrate"] | select | join(", ") }}
from .main import bp as main_bp
{%- if cookiecutter.worker == "celery" %}
from .tasks import celery_init_app
{%- endif %}
{%- if cookiecutter.app_style == "full" %}
from .todos import bp as todos_bp
{%- endif %}


def create_app(config: str | Mapping[str, Any] | None = None) -> Flask:
    """Build and configure the Flask application (the application factory).

    :param config: ``None`` to use the config named by ``FLASK_CONFIG``; a name
        (``development``, ``testing``, ``production``); or a mapping of settings applied
        over the testing config, as the Flask tutorial's ``test_config``.
    :returns: the configured app with its extensions and blueprints registered.
    :raises config.ConfigError: when the configuration is unknown or incomplete.
    """
    app = Flask(__name__)
    if isinstance(config, Mapping):
        app.config.from_object(TestingConfig())
        app.config.update(config)
    else:
        app.config.from_object(load_config(config))
    logs.init_app(app)
    app.logger.setLevel(app.config["LOG_LEVEL"])
{%- if cookiecutter.error_tracking == "sentry" %}
    error_tracking.init_app(app)
{%- endif %}

    db.init_app(app)
    database.init_app(app)
    metrics.init_app(app)
    migrate.init_app(app, db)
    ratelimits.init_app(app)
{%- if cookiecutter.cache == "redis" %}
    cache.init_app(app)
{%- endif %}
{%- if cookiecutter.use_cors %}
    cors.init_app(app)
{%- endif %}
{%- if cookiecutter.app_style == "full" %}
    init_page_extensions(app)
{%- endif %}
{%- if cookiecutter.worker == "celery" %}
    celery_init_app(app)
{%- endif %}
    converters.init_app(app)
    api.init_app(app)
    errors.init_app(app)
    sessions.init_app(app)
{%- if cookiecutter.tracing == "opentelemetry" %}
    tracing.init_app(app)
{%- endif %}

    app.register_blueprint(main_bp)
{%- if cookiecutter.app_style == "full" %}
    app.register_blueprint(auth_bp)
    app.register_blueprint(todos_bp)
{%- endif %}
    mount.init_app(app)
    # WSGI middleware around all of the above, the mount's 404 included; the last outermost.
    app.wsgi_app = security.SecurityHeaders(app.wsgi_app)
    app.wsgi_app = metrics.RequestMetrics(app.wsgi_app)
    app.wsgi_app = logs.RequestLogFields(app.wsgi_app)
    return app
