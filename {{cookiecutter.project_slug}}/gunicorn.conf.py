"""gunicorn settings (https://docs.gunicorn.org/en/stable/settings.html).

Each value can be set from the environment. ``SCRIPT_NAME`` (a sub-path to mount the
app under) is read by the application factory, which mounts the app there; then
``{{ cookiecutter.project_slug }}/wsgi.py`` takes it out of the environment, so that
gunicorn does not strip it again.

The access log's client address (``%(h)s``) is ``REMOTE_ADDR`` as the app leaves it: behind
a trusted proxy, ``wsgi.py`` takes it from ``X-Forwarded-For``.
"""

import os
{%- if cookiecutter.tracing == "opentelemetry" %}

from {{ cookiecutter.project_slug }} import tracing
{%- endif %}

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
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No gunicorn control socket (gunicornc): it would be created in $HOME, which the service
# user may not be able to write.
control_socket_disable = True
{%- if cookiecutter.tracing == "opentelemetry" %}


def post_fork(server, worker) -> None:
    """In each worker, once forked: start OpenTelemetry's tracer provider (when tracing is
    on). The app was imported, and instrumented, in the arbiter (``preload_app``); the
    provider's export thread would not survive the fork, so each worker makes its own."""
    tracing.start_provider()
{%- endif %}
