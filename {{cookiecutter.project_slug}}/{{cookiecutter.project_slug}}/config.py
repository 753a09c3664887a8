{%- set use_redis = cookiecutter.cache == "redis" or cookiecutter.worker == "celery" -%}
{%- set connect_to = ["the database" if cookiecutter.database != "sqlite", "Redis" if use_redis] | select | join(" or ") -%}
"""Config classes chosen by ``FLASK_CONFIG``, read from the environment when instantiated."""

import os
from typing import Any

from dotenv import find_dotenv, load_dotenv
from limits import parse_many

#: Default request body limit in bytes (1 MiB); larger bodies get 413 Content Too Large.
DEFAULT_MAX_CONTENT_LENGTH = 1024 * 1024
#: Default attempts to log in (API tokens{{ " and the login page" if cookiecutter.app_style == "full" }}) per client address.
DEFAULT_LOGIN_RATE_LIMIT = "10 per minute; 100 per hour"
#: Default registrations per client address.
DEFAULT_REGISTER_RATE_LIMIT = "5 per minute; 20 per hour"
#: ``LOG_FORMAT`` of each config when the variable is unset (see logs.py).
DEFAULT_LOG_FORMATS = {"development": "text", "testing": "text", "production": "json"}


{#- The development database of each choice, and what its comment adds. #}
{%- set dev_url, dev_note = {
    "postgresql": ("postgresql+psycopg://postgres@localhost:5432/" ~ cookiecutter.project_slug, ""),
    "mysql": ("mysql+pymysql://root@localhost:3306/" ~ cookiecutter.project_slug ~ "?charset=utf8mb4", " (utf8mb4: full Unicode)"),
    "sqlite": ("sqlite:///" ~ cookiecutter.project_slug ~ ".sqlite3", " (in the instance folder)"),
}[cookiecutter.database] %}

#: Database of the development config when ``DATABASE_URL`` is unset{{ dev_note }}.
{%- if (dev_url | length) + 29 > 99 %}
DEVELOPMENT_DATABASE_URL = (
    "{{ dev_url }}"
)
{%- else %}
DEVELOPMENT_DATABASE_URL = "{{ dev_url }}"
{%- endif %}


class ConfigError(RuntimeError):
    """A configuration cannot start: a variable is missing or malformed."""


def env_int(name: str, default: int) -> int:
    """Read the environment variable ``name`` as an integer, ``default`` when unset or empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(
            f"{name} must be an integer, got {raw!r} (for example {name}={default})"
        ) from None
{%- if connect_to %}


def env_seconds(name: str, default: float) -> float:
    """Read the environment variable ``name`` as a positive number of seconds (``0.5``),
    ``default`` when unset or empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0
    if not 0 < seconds < float("inf"):
        raise ConfigError(
            f"{name} must be a positive number of seconds, got {raw!r}"
            f" (for example {name}={default})"
        )
    return seconds
{%- endif %}


def env_rate_limit(name: str, default: str) -> str:
    """Read ``name`` as rate limits of the ``limits`` package (``10 per minute; 100 per hour``)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        parse_many(raw)
    except ValueError:
        raise ConfigError(f"{name} must be rate limits such as {default!r}, got {raw!r}") from None
    return raw


def env_log_format(config_name: str) -> str:
    """Read ``LOG_FORMAT`` (``json`` or ``text``), by default that of ``config_name``."""
    raw = os.environ.get("LOG_FORMAT", "").strip().lower()
    if not raw:
        return DEFAULT_LOG_FORMATS.get(config_name, "json")
    if raw not in ("json", "text"):
        raise ConfigError(f"LOG_FORMAT must be json or text, got {raw!r}")
    return raw


def require(name: str, config_name: str) -> str:
    """Return the environment variable ``name``; ``ConfigError`` when it is unset or empty."""
    value = os.environ.get(name)
    if not value:
        raise ConfigError(
            f"{name} is required when FLASK_CONFIG={config_name}; "
            "set it in the environment (see .env.example)"
        )
    return value


class Config:
    """Settings shared by every environment; subclasses adjust them in ``__init__``."""

    CONFIG_NAME = "base"

    def __init__(self) -> None:
        self.APP_NAME = {{ cookiecutter.project_name | python_string }}
        self.SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
{%- if cookiecutter.database == "mysql" %}
        #: Replace connections before MySQL's wait_timeout (8 hours) closes them.
        self.SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {
            "pool_pre_ping": True,
            "pool_recycle": 3600,
        }
{%- else %}
        self.SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
{%- endif %}
{%- if connect_to %}
        #: Seconds to wait for {{ connect_to }} to accept a connection (then 503).
        self.CONNECT_TIMEOUT = env_seconds("CONNECT_TIMEOUT", 2)
{%- endif %}
{%- if use_redis %}
        self.REDIS_URL: str | None = os.environ.get("REDIS_URL")
        #: Seconds to wait for a reply from Redis once connected.
        self.REDIS_SOCKET_TIMEOUT = env_int("REDIS_SOCKET_TIMEOUT", 5)
{%- endif %}
        #: Seconds a client is asked to wait (``Retry-After``) when a dependency is down.
        self.RETRY_AFTER = env_int("RETRY_AFTER", 5)
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
        self.LOG_FORMAT = env_log_format(self.CONFIG_NAME)
        self.MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", DEFAULT_MAX_CONTENT_LENGTH)
        #: Lifetime of an API bearer token, in seconds.
        self.API_TOKEN_MAX_AGE = env_int("API_TOKEN_MAX_AGE", 3600)
        #: The OpenAPI document (flask-smorest): ``/api/v1/openapi.json``.
        self.API_TITLE = self.APP_NAME
        self.API_VERSION = "1"
        self.OPENAPI_VERSION = "3.1.0"
        self.OPENAPI_URL_PREFIX = "/api/v1"
        self.OPENAPI_JSON_PATH = "openapi.json"
        #: Sub-path the app is mounted under (``mount``), also the OpenAPI document's server.
        self.SCRIPT_NAME = os.environ.get("SCRIPT_NAME", "").rstrip("/")
        self.API_SPEC_OPTIONS = {"servers": [{"url": self.SCRIPT_NAME or "/"}]}
        #: A ``werkzeug.security.generate_password_hash`` method.
        self.PASSWORD_HASH_METHOD = "scrypt"
        #: Attempts per client address (Flask-Limiter, see ``ratelimits``).
        self.LOGIN_RATE_LIMIT = env_rate_limit("LOGIN_RATE_LIMIT", DEFAULT_LOGIN_RATE_LIMIT)
        self.REGISTER_RATE_LIMIT = env_rate_limit(
            "REGISTER_RATE_LIMIT", DEFAULT_REGISTER_RATE_LIMIT
        )
        self.RATELIMIT_HEADERS_ENABLED = True
{%- if cookiecutter.app_style == "full" %}
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
{%- endif %}


class DevelopmentConfig(Config):
    """Local development: debug on; a local database{{ " and Redis" if use_redis }} by default."""

    CONFIG_NAME = "development"

    def __init__(self) -> None:
        # The nearest .env; variables already in the environment win over it.
        load_dotenv(find_dotenv(usecwd=True))
        super().__init__()
        self.DEBUG = True
        self.SECRET_KEY = self.SECRET_KEY or "dev"
        self.SQLALCHEMY_DATABASE_URI = self.SQLALCHEMY_DATABASE_URI or DEVELOPMENT_DATABASE_URL
{%- if use_redis %}
        self.REDIS_URL = self.REDIS_URL or "redis://localhost:6379/0"
{%- endif %}


class TestingConfig(Config):
    """The test suite: ``TEST_DATABASE_URL``, or an in-memory SQLite{{ "; Redis only when set" if use_redis }}."""

    CONFIG_NAME = "testing"

    def __init__(self) -> None:
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "testing"
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
        #: One PBKDF2 round keeps the suite fast. Only ever for tests.
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"
        #: Limits no test reaches but the tests of the limits, which set their own.
        self.LOGIN_RATE_LIMIT = self.REGISTER_RATE_LIMIT = "1000 per minute"


class ProductionConfig(Config):
    """Production: refuses to start (``ConfigError``) without its secret and its services."""

    CONFIG_NAME = "production"

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = require("SECRET_KEY", self.CONFIG_NAME)
        self.SQLALCHEMY_DATABASE_URI = require("DATABASE_URL", self.CONFIG_NAME)
{%- if use_redis %}
        self.REDIS_URL = require("REDIS_URL", self.CONFIG_NAME)
{%- endif %}
{%- if cookiecutter.app_style == "full" %}
        self.SESSION_COOKIE_SECURE = True
{%- endif %}


CONFIGS: dict[str, type[Config]] = {
    cls.CONFIG_NAME: cls for cls in (DevelopmentConfig, TestingConfig, ProductionConfig)
}


def load_config(name: str | None = None) -> Config:
    """Build the config for ``name``, by default ``FLASK_CONFIG`` (``production`` if unset)."""
    if name is None:
        name = os.environ.get("FLASK_CONFIG", "production")
    if name not in CONFIGS:
        raise ConfigError(
            f"FLASK_CONFIG must be one of {', '.join(CONFIGS)}; got {name!r} "
            "(for example FLASK_CONFIG=development)"
        )
    return CONFIGS[name]()
