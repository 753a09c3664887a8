"""The home page, the probes, the API's index and its docs page."""

from flask import Flask
from flask_smorest import Api

from . import api, docs, {{ "tasks, " if cookiecutter.worker == "celery" }}views


def init_app(app: Flask, rest_api: Api) -> None:
    """Register the pages and API of ``main``."""
    app.register_blueprint(views.bp)
    app.register_blueprint(docs.bp)
    rest_api.register_blueprint(api.bp)
{%- if cookiecutter.worker == "celery" %}
    rest_api.register_blueprint(tasks.bp)
{%- endif %}
