"""The application factory and the config classes."""

from pathlib import Path

import pytest

from {{ cookiecutter.project_slug }} import create_app
from {{ cookiecutter.project_slug }}.config import (
    DEFAULT_MAX_CONTENT_LENGTH,
    ConfigError,
    load_config,
)
from {{ cookiecutter.project_slug }}.users.models import User

PRODUCTION_ENV = {
    "SECRET_KEY": "s3cret",
    "DATABASE_URL": "sqlite://",
{%- if cookiecutter.cache == "redis" or cookiecutter.worker == "celery" %}
    "REDIS_URL": "redis://localhost:6379/0",
{%- endif %}
}


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment that satisfies the production config."""
    monkeypatch.setenv("FLASK_CONFIG", "production")
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_testing_config() -> None:
    app = create_app("testing")
    assert app.testing
    assert app.config["CONFIG_NAME"] == "testing"
    assert app.config["MAX_CONTENT_LENGTH"] == DEFAULT_MAX_CONTENT_LENGTH


def test_mapping_overrides_testing_config() -> None:
    app = create_app({"MAX_CONTENT_LENGTH": 10})
    assert app.testing
    assert app.config["MAX_CONTENT_LENGTH"] == 10


def test_flask_config_selects_production(production_env: pytest.MonkeyPatch) -> None:
    app = create_app()
    assert not app.debug and not app.testing
    assert app.config["SECRET_KEY"] == "s3cret"
{%- if cookiecutter.cache == "redis" %}
    assert app.config["CACHE_TYPE"] == "RedisCache"
{%- endif %}
{%- if cookiecutter.app_style == "full" %}
    assert app.config["SESSION_COOKIE_SECURE"] is True
{%- endif %}


@pytest.mark.parametrize(
    ("config", "prefix"), [("production", "scrypt:32768:8:1$"), ("testing", "pbkdf2:sha256:1$")]
)
def test_password_hash_method(
    production_env: pytest.MonkeyPatch, config: str, prefix: str
) -> None:
    """Production keeps werkzeug's strong default; only the tests hash cheaply."""
    with create_app(config).app_context():
        user = User(username="alice")
        user.set_password("long enough secret")
    assert user.password_hash.startswith(prefix)


def test_production_is_the_default(production_env: pytest.MonkeyPatch) -> None:
    production_env.delenv("FLASK_CONFIG")
    assert create_app().config["CONFIG_NAME"] == "production"


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_refuses_to_start_without(
    production_env: pytest.MonkeyPatch, missing: str
) -> None:
    production_env.delenv(missing)
    with pytest.raises(ConfigError, match=f"^{missing} is required when FLASK_CONFIG=production"):
        create_app()


def test_unknown_config_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_CONFIG", "staging")
    with pytest.raises(ConfigError, match="FLASK_CONFIG must be one of"):
        create_app()


@pytest.mark.parametrize(
    ("name", "log_format"), [("development", "text"), ("testing", "text"), ("production", "json")]
)
def test_log_format_defaults_by_config(
    production_env: pytest.MonkeyPatch, tmp_path: Path, name: str, log_format: str
) -> None:
    production_env.chdir(tmp_path)  # no .env: the development config would load the project's
    production_env.delenv("LOG_FORMAT", raising=False)
    assert log_format == load_config(name).LOG_FORMAT
    production_env.setenv("LOG_FORMAT", "text" if log_format == "json" else "json")
    assert log_format != load_config(name).LOG_FORMAT


def test_unknown_log_format_is_refused(production_env: pytest.MonkeyPatch) -> None:
    production_env.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ConfigError, match="LOG_FORMAT must be json or text"):
        load_config("production")


def test_malformed_integer_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "1MB")
    with pytest.raises(ConfigError, match="MAX_CONTENT_LENGTH must be an integer"):
        create_app("testing")


def test_integer_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "2048")
    assert create_app("testing").config["MAX_CONTENT_LENGTH"] == 2048
{%- if cookiecutter.database != "sqlite" or cookiecutter.cache == "redis" or cookiecutter.worker == "celery" %}


def test_seconds_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONNECT_TIMEOUT", "0.5")
    assert create_app("testing").config["CONNECT_TIMEOUT"] == 0.5


@pytest.mark.parametrize("value", ["2s", "0", "-1", "nan", "inf"])
def test_malformed_seconds_name_the_variable(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CONNECT_TIMEOUT", value)
    with pytest.raises(ConfigError, match="CONNECT_TIMEOUT must be a positive number of seconds"):
        create_app("testing")
{%- endif %}


def test_development_reads_dotenv_but_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    (tmp_path / ".env").write_text(
        "SECRET_KEY=from-dotenv\nDATABASE_URL=sqlite:///from-dotenv.db\nLOG_LEVEL=debug\n"
    )
    monkeypatch.chdir(tmp_path)
    for name in ("SECRET_KEY", "DATABASE_URL", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LOG_LEVEL", "warning")
    app = create_app("development")
    assert app.debug
    assert app.config["SECRET_KEY"] == "from-dotenv"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///from-dotenv.db"
    assert app.config["LOG_LEVEL"] == "WARNING"
