"""gunicorn settings (https://docs.gunicorn.org/en/stable/settings.html).

Each value can be set from the environment. ``SCRIPT_NAME`` (a sub-path to mount the
app under) is read by the application factory, which mounts the app there; then
``{{ cookiecutter.project_slug }}/wsgi.py`` takes it out of the environment, so that
gunicorn does not strip it again.

The access log's client address (``%(h)s``, ``client`` in JSON) is ``REMOTE_ADDR`` as the
app leaves it: behind a trusted proxy, ``wsgi.py`` takes it from ``X-Forwarded-For``.

Logging: gunicorn's error and access logs and the app's lines go to stderr, one JSON object
per line or text (``LOG_FORMAT``, by default that of ``FLASK_CONFIG``; see logs.py).
"""

import os

from {{ cookiecutter.project_slug }}.config import env_log_format
from {{ cookiecutter.project_slug }}.logs import gunicorn_logging_config

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:{{ cookiecutter.http_port }}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# The arbiter imports the app once, before it forks the workers: an app that cannot start
# (a missing setting) stops gunicorn at once, with the error, and under systemd READY=1
# follows the import. The workers share the imported code; a reload (SIGHUP) forks new
# workers of that same code, so a new release needs a restart.
preload_app = True
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = gunicorn_logging_config(
    env_log_format(os.environ.get("FLASK_CONFIG", "production")), loglevel.upper()
)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No gunicorn control socket (gunicornc): it would be created in $HOME, which the service
# user may not be able to write.
control_socket_disable = True
