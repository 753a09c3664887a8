"""Extension objects, created unbound here and bound by the application factory.

Each extension follows Flask's extension pattern (``ext.init_app(app)``), so one
module-level object serves every app the factory builds, including the test apps.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from flask import Flask
from flask.globals import request_ctx
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


@contextmanager
def request_functions_for(app: Flask, blueprints: Iterable[str]) -> Iterator[None]:
    """Bind extensions to ``app`` in this block so that the request functions they
    register for every request (``before_request``, ``after_request``,
    ``teardown_request``) run for the requests of ``blueprints`` only, in their order.
{%- if cookiecutter.app_style == "full" %}

    Flask-Limiter, Flask-Login and Flask-WTF's ``CSRFProtect`` register such functions
    in ``init_app``, with no option to scope them, though only a few blueprints need
    them: a probe or an API call would run all of them (70,000 of the 1,469,000
    instructions of ``GET /health`` under gunicorn, by callgrind).
{%- else %}

    Flask-Limiter registers such functions in ``init_app``, with no option to scope them,
    though only the blueprints of its limited views need them: a probe would run them.
{%- endif %}
    Flask has no public way to move a function to a blueprint's scope after the fact, so
    this moves it in Flask's registries (``before_request_funcs`` and the like, ``{scope:
    [functions]}``), which Flask documents as internal: ``tests/test_request_costs.py``
    fails if a new Flask stops running the functions so.

    :param app: the app being built.
    :param blueprints: the names of the blueprints whose requests need the functions (a
        nested blueprint's requests are its parent's too).
    """
    registries = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    kept = [list(registry[None]) for registry in registries]
    yield
    for registry, every_request in zip(registries, kept, strict=True):
        added = [function for function in registry[None] if function not in every_request]
        registry[None] = every_request
        for name in blueprints:
            registry[name].extend(added)


class DecoratedLimiter(Limiter):
    """Flask-Limiter's ``Limiter`` for an app whose only limits decorate their views.

    Flask-Limiter checks a request twice: in a ``before_request`` hook, for the limits of
    every route (``default_limits``, ``application_limits``, ``meta_limits``, blueprint
    limits), and in the decorator of a limited view, for that view's limits. This app
    declares none of the first kind, so the hook would only find that out again on every
    request of the blueprints it runs for (``ratelimits.LIMITED_BLUEPRINTS``); it returns
    at once here. The decorators' checks (``ratelimits``) are Flask-Limiter's own.

    The limiter keeps a request's state (the limits it checked, for the ``X-RateLimit-*``
    headers) in ``context``, which its ``after_request`` and ``teardown_request`` functions
    read three times a request. Flask-Limiter's property goes through werkzeug's proxy of
    the request context two or three times a call; this one takes the context object once
    and keeps the state where Flask-Limiter does (59,000 of the 668,000 instructions of a
    request, by cachegrind).

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
#: CSRF tokens of the forms, checked by the page blueprints (``forms.check_csrf``).
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
#: The blueprints of the pages, the only requests that use the session: they alone run
#: the request functions of ``csrf`` and ``login_manager`` (``init_page_extensions``).
#: A page blueprint you add goes here too.
PAGE_BLUEPRINTS = ("auth", "todos")


def init_page_extensions(app: Flask) -> None:
    """Bind ``csrf`` and ``login_manager`` to ``app``, their request functions for the
    requests of ``PAGE_BLUEPRINTS`` only (``request_functions_for``).

    Flask-Login's ``after_request`` function sets, refreshes or clears the remember-me
    cookie: it reads the session, so that any response it ran for would say ``Vary:
    Cookie`` (Flask's rule for a session read), an API call's or a probe's too.
    CSRFProtect's ``before_request`` function checks nothing here
    (``WTF_CSRF_CHECK_DEFAULT`` is off, ``forms.check_csrf`` checks the pages' forms).
    """
    with request_functions_for(app, PAGE_BLUEPRINTS):
        csrf.init_app(app)
        login_manager.init_app(app)
{%- endif %}
