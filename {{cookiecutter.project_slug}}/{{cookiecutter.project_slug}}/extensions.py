"""Extension objects, created unbound here and bound by the application factory."""

from typing import Any

{% if cookiecutter.cache == "redis" %}from flask_caching import Cache
{% endif %}{% if cookiecutter.use_cors %}from flask_cors import CORS
{% endif %}from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
{% if cookiecutter.app_style == "full" %}from flask_login import LoginManager
{% endif %}from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
{%- if cookiecutter.app_style == "full" %}
from flask_wtf import CSRFProtect
{%- endif %}
from sqlalchemy import Connection, Engine, MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base with deterministic constraint names, which Alembic needs."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class BindableSession(Session):
    """Flask-SQLAlchemy's session, which uses a bind given to the session itself.

    The tests bind every session to one connection whose transaction they roll back
    (SQLAlchemy's "Joining a Session into an External Transaction").
    """

    def get_bind(
        self,
        mapper: Any | None = None,
        clause: Any | None = None,
        bind: Engine | Connection | None = None,
        **kwargs: Any,
    ) -> Engine | Connection:
        return super().get_bind(mapper, clause, bind or self.bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": BindableSession})
migrate = Migrate()
#: Rate limits by client address; only the views decorated in ``core.ratelimits`` count.
limiter = Limiter(key_func=get_remote_address)
{%- if cookiecutter.cache == "redis" %}
cache = Cache()
{%- endif %}
{%- if cookiecutter.use_cors %}
#: CORS on the API only, never with credentials: the API uses bearer tokens, not cookies.
cors = CORS(resources={r"/api/*": {}}, supports_credentials=False)
{%- endif %}
{%- if cookiecutter.app_style == "full" %}
#: CSRF protection for every blueprint; API blueprints exempt themselves (``ApiBlueprint``).
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
{%- endif %}
