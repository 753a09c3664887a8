"""Entry point of the Celery worker and beat.

``celery -A {{ cookiecutter.project_slug }}.worker:celery_app worker`` (or ``beat``).

Like the ``flask`` command, it first reads ``.env`` and ``.flaskenv`` from the working
directory or the nearest parent that has them (Flask's ``load_dotenv``), never over
variables already set: in development ``.env`` names the config, while deployments set
the environment and ship no ``.env``.

Logging is the app's (``LOG_FORMAT``, logs.py), set up by the factory: the worker's and
beat's lines are JSON objects or text like the web process's.
"""

import logging

from celery.signals import setup_logging
from flask.cli import load_dotenv

from . import create_app


@setup_logging.connect
def keep_app_logging(loglevel: int | None = None, **_: object) -> None:
    """Keep the logging the app factory set up, instead of Celery's own, at the level of
    the worker's ``--loglevel`` (Celery's ``setup_logging`` signal: with a receiver,
    Celery configures no logger)."""
    if loglevel:
        logging.getLogger().setLevel(loglevel)


load_dotenv()
celery_app = create_app().extensions["celery"]
