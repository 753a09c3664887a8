"""Entry point of the Celery worker and beat.

``celery -A {{ cookiecutter.project_slug }}.worker:celery_app worker`` (or ``beat``).

Like the ``flask`` command, it first reads ``.env`` and ``.flaskenv`` from the working
directory or the nearest parent that has them (Flask's ``load_dotenv``), never over
variables already set: in development ``.env`` names the config, while deployments set
the environment and ship no ``.env``.
"""

from flask.cli import load_dotenv

from . import create_app

load_dotenv()
celery_app = create_app().extensions["celery"]
