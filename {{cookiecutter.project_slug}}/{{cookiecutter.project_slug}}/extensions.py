"""Extension objects, created unbound here and bound by the application factory.

Each extension follows Flask's extension pattern (``ext.init_app(app)``), so one
module-level object serves every app the factory builds, including the test apps.
"""

from celery import Celery, Task
from flask import Flask
from flask_caching import Cache
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
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
cache = Cache()
csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for ``app`` and store it in ``app.extensions["celery"]``.

    This is the pattern of Flask's "Background Tasks with Celery" guide: every task runs
    inside an application context, and tasks are declared with ``@shared_task`` so they
    bind to whichever Celery app is current.

    :param app: the Flask app; its ``CELERY`` config key holds Celery's settings.
    :returns: the Celery app, also set as the default one.
    """

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app
