"""WSGI entry point: ``gunicorn -c gunicorn.conf.py {{ cookiecutter.project_slug }}.wsgi:app``.

Under gunicorn the Flask logger writes through gunicorn's error log handlers, at the
level given to gunicorn (``--log-level``, see gunicorn.conf.py).
"""

import logging

from . import create_app

app = create_app()

gunicorn_logger = logging.getLogger("gunicorn.error")
if gunicorn_logger.handlers:
    app.logger.handlers = gunicorn_logger.handlers
    app.logger.setLevel(gunicorn_logger.level)
