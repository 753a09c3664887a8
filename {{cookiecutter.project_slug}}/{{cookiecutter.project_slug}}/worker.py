"""Entry point of the Celery worker and beat.

``celery -A {{ cookiecutter.project_slug }}.worker:celery_app worker`` (or ``beat``).
"""

from . import create_app

celery_app = create_app().extensions["celery"]
