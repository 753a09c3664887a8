"""Entry point of the Celery worker: ``celery -A {{ cookiecutter.project_slug }}.worker:celery_app worker``."""

from . import create_app

celery_app = create_app().extensions["celery"]
