"""Extension objects, created unbound here and bound by the application factory.

Each extension follows Flask's extension pattern (``ext.init_app(app)``), so one
module-level object serves every app the factory builds, including the test apps.
"""

from collections import defaultdict

{% if cookiecutter.app_style == "full" %}from flask import Response, request
{% endif %}from flask.globals import request_ctx
{% if cookiecutter.cache == "redis" %}from flask_caching import Cache
{% endif %}{% if cookiecutter.use_cors %}from flask_cors import CORS
{% endif %}from flask_limiter import Limiter
from flask_limiter._extension import LimiterContext
from flask_limiter.util import get_remote_address
{% if cookiecutter.app_style == "full" %}from flask_login import LoginManager
{% endif %}from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
{%- if cookiecutter.app_style == "full" %}
from flask_wtf import CSRFProtect
{%- endif %}
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base whose constraint names are deterministic on every database.

    Alembic needs named constraints to alter or drop them later; the convention is the
    one in SQLAlchemy's "Configuring Constraint Naming Conventions".
    """

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()


class DecoratedLimiter(Limiter):
    """Flask-Limiter's ``Limiter`` for an app whose only limits decorate their views.

    Flask-Limiter checks a request twice: in a ``before_request`` hook, for the limits of
    every route (``default_limits``, ``application_limits``, ``meta_limits``, blueprint
    limits), and in the decorator of a limited view, for that view's limits. This app
    declares none of the first kind, so the hook would only find that out again on every
    request (a quarter of the time of ``/health`` in a profile); it returns at once here.
    The decorators' checks (``ratelimits``) are Flask-Limiter's own.

    The limiter keeps a request's state (the limits it checked, for the ``X-RateLimit-*``
    headers) in ``context``, which its ``after_request`` and ``teardown_request`` functions
    read on every request. Flask-Limiter's property goes through werkzeug's proxy of the
    request context two or three times a call; this one takes the context object once
    and keeps the state where Flask-Limiter does (59,000 of the 668,000 instructions of
    ``GET /health``, by cachegrind).

    Both are Flask-Limiter's, not its documented API: ``tests/test_request_costs.py``
    fails if a new version stops calling them so.
    """

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        if not in_middleware:
            super()._check_request_limit(callable_name, in_middleware)

    @property
    def context(self) -> LimiterContext:
        ctx = request_ctx._get_current_object()
        contexts = getattr(ctx, "_limiter_request_context", None)
        if contexts is None:
            contexts = ctx._limiter_request_context = defaultdict(LimiterContext)
        return contexts[self]


#: Rate limits, by client address (``REMOTE_ADDR``, which ``wsgi.py`` takes from a trusted
#: proxy's ``X-Forwarded-For``). No default limit: only the routes decorated with the
#: limits of ``ratelimits`` are counted. Unlike the other extensions, Flask-Limiter keeps
#: its storage on this object: the last app bound sets it (one app per process).
limiter = DecoratedLimiter(key_func=get_remote_address)
{%- if cookiecutter.cache == "redis" %}
cache = Cache()
{%- endif %}
{%- if cookiecutter.use_cors %}
#: CORS on the API only; origins from ``CORS_ORIGINS``. No credentials: the API uses
#: bearer tokens, never cookies, so ``*`` can never be paired with credentials.
cors = CORS(resources={r"/api/*": {}}, supports_credentials=False)
{%- endif %}
{%- if cookiecutter.app_style == "full" %}


class PageLoginManager(LoginManager):
    """Flask-Login's ``LoginManager``, whose remember-me cookie is looked after for the
    pages that log users in and out, not for every request.

    ``init_app`` registers an ``after_request`` function that sets, refreshes or clears
    the remember-me cookie. It reads the session, so every response, an API call's and a
    probe's too, would pay for that and say ``Vary: Cookie`` (Flask's rule for a session
    read). Only the page blueprints (``page_blueprints``) use the session: the API
    authenticates each request with a bearer token, and the probes nobody. The function
    returns at once for any other request. The method is Flask-Login's, not part of its
    documented API: ``tests/test_request_costs.py`` fails if a new version stops calling
    it so.
    """

    #: The blueprints whose views log users in and out, or need a logged-in user.
    page_blueprints = frozenset({"auth", "todos"})

    def _update_remember_cookie(self, response: Response) -> Response:
        if request.blueprint in self.page_blueprints:
            return super()._update_remember_cookie(response)
        return response


#: CSRF tokens of the forms, checked by the page blueprints (``forms.check_csrf``).
csrf = CSRFProtect()
login_manager = PageLoginManager()
login_manager.login_view = "auth.login"
{%- endif %}
