"""gunicorn settings (https://docs.gunicorn.org/en/stable/settings.html).

Each value can be set from the environment. ``SCRIPT_NAME`` (a sub-path to mount the
app under) is read by the application factory, which mounts the app there; then
``{{ cookiecutter.project_slug }}/wsgi.py`` takes it out of the environment, so that
gunicorn does not strip it again.

Prometheus metrics (``{{ cookiecutter.project_slug }}/core/metrics.py``): every worker writes its samples
to files in ``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode; unless
set, a temporary directory removed at exit; emptied at start), and the arbiter serves
their sum on ``METRICS_HOST:METRICS_PORT`` (127.0.0.1:9464 by default), never on the
app's port.

The access log's client address (``client``) is ``REMOTE_ADDR`` as the app leaves it:
behind a trusted proxy, ``wsgi.py`` takes it from ``X-Forwarded-For``.

Logging: gunicorn's error and access logs and the app's lines go to stderr, one JSON object
per line or text (``LOG_FORMAT``, by default that of ``FLASK_CONFIG``; see core/logs.py).
"""

import logging
import os
import shutil
import tempfile
from pathlib import Path

# Set before the package is imported (below, for its logging settings): prometheus_client
# picks its multiprocess mode when the app imports it. A temporary directory made here
# holds a mark, which tells on_exit to remove it, also after a reload (SIGHUP reads this
# file again, with the variable set).
TEMPORARY_MARK = ".temporary"
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-")
    (Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]) / TEMPORARY_MARK).touch()
metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])

{% if cookiecutter.tracing == "opentelemetry" -%}
from {{ cookiecutter.project_slug }}.core import tracing  # noqa: E402
{% endif -%}
from {{ cookiecutter.project_slug }}.config import env_log_format  # noqa: E402
from {{ cookiecutter.project_slug }}.core.logs import (  # noqa: E402
    ACCESS_LOG_FORMAT,
    gunicorn_logging_config,
)

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
access_log_format = ACCESS_LOG_FORMAT
# Python's warnings as log lines (logger py.warnings), not plain text on stderr.
logging.captureWarnings(True)
logconfig_dict = gunicorn_logging_config(
    env_log_format(os.environ.get("FLASK_CONFIG", "production")), loglevel.upper()
)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No gunicorn control socket (gunicornc): it would be created in $HOME, which the service
# user may not be able to write.
control_socket_disable = True

metrics_port = int(os.environ.get("METRICS_PORT", "9464"))

# The hooks below import prometheus_client and the metrics module when they run.


def on_starting(server):
    """Empty the metrics directory once per start (not on a reload, SIGHUP, which keeps
    the workers' totals): samples of an earlier run would add up with this one's."""
    for stale in metrics_dir.glob("*.db"):
        stale.unlink()


def on_exit(server):
    """Remove the metrics directory when it is a temporary one made above."""
    if (metrics_dir / TEMPORARY_MARK).exists():
        shutil.rmtree(metrics_dir, ignore_errors=True)


def when_ready(server):
    """Serve the metrics of every worker on ``METRICS_PORT`` from the arbiter."""
    from {{ cookiecutter.project_slug }}.core import metrics

    metrics.serve(metrics_port)


def child_exit(server, worker):
    """Drop the live gauges (requests in progress, the database pool) of a worker gone."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
{%- if cookiecutter.tracing == "opentelemetry" %}


def post_fork(server, worker) -> None:
    """In each worker, once forked: start OpenTelemetry's tracer provider (when tracing is
    on). The app was imported, and instrumented, in the arbiter (``preload_app``); the
    provider's export thread would not survive the fork, so each worker makes its own."""
    tracing.start_provider()
{%- endif %}
