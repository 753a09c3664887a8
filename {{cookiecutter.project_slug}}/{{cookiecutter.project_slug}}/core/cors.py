"""CORS on the API (Flask-CORS): browsers may call it from the origins in ``CORS_ORIGINS``."""

import os

from flask import Flask

from ..extensions import cors


def env_list(name: str) -> list[str]:
    """Read a comma-separated list from the environment variable ``name`` (empty if unset)."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def init_app(app: Flask) -> None:
    """Bind CORS to ``app``, its origins from ``CORS_ORIGINS`` unless ``app`` sets them."""
    # Origins allowed to call the API from a browser, e.g. https://app.example.com
    app.config.setdefault("CORS_ORIGINS", env_list("CORS_ORIGINS"))
    cors.init_app(app)
