"""Todos, the example feature: {{ "pages, " if cookiecutter.app_style == "full" }}API{{ " and tasks" if cookiecutter.worker == "celery" }}."""

from flask import Flask
from flask_smorest import Api

from . import api{{ ", tasks" if cookiecutter.worker == "celery" }}{{ ", views" if cookiecutter.app_style == "full" }}
from .schemas import AttachmentSchema


def init_app(app: Flask, rest_api: Api) -> None:
    """Register the {{ "pages and " if cookiecutter.app_style == "full" }}API of the todos."""
{%- if cookiecutter.app_style == "full" %}
    app.register_blueprint(views.bp)
{%- endif %}
    rest_api.register_blueprint(api.bp)
    # A method field dumps the attachment, naming its schema by reference only.
    rest_api.spec.components.schema("Attachment", schema=AttachmentSchema)
{%- if cookiecutter.worker == "celery" %}
    tasks.init_app(app)
{%- endif %}
