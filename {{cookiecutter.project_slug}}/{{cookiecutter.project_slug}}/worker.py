"""Entry point of the Celery worker and beat:
``celery -A {{ cookiecutter.project_slug }}.worker:celery_app worker`` (or ``beat``)."""

import logging

from celery.signals import setup_logging
from flask.cli import load_dotenv

from . import create_app


@setup_logging.connect
def keep_app_logging(loglevel: int | None = None, **_: object) -> None:
    """Keep the app's logging (a receiver stops Celery's own) at the worker's ``--loglevel``."""
    if loglevel:
        logging.getLogger().setLevel(loglevel)


# .env and .flaskenv, as the flask command reads them, never over variables already set.
load_dotenv()
celery_app = create_app().extensions["celery"]
