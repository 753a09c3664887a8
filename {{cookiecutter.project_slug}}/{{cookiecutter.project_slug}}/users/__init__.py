"""Users: accounts, {{ "the sign-up and log-in pages, " if cookiecutter.app_style == "full" }}API tokens."""

from flask import Flask
from flask_smorest import Api

from . import api{{ ", views" if cookiecutter.app_style == "full" }}


def init_app(app: Flask, rest_api: Api) -> None:
    """Register the {{ "pages and " if cookiecutter.app_style == "full" }}API of the users."""
{%- if cookiecutter.app_style == "full" %}
    app.register_blueprint(views.bp)
{%- endif %}
    rest_api.register_blueprint(api.bp)
