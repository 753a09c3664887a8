"""gunicorn settings (https://docs.gunicorn.org/en/stable/settings.html), from the environment.

The workers write metrics to ``PROMETHEUS_MULTIPROC_DIR`` (a temporary directory unless set);
the arbiter serves their sum on ``METRICS_HOST:METRICS_PORT``, never on the app's port.
"""

import logging
import os
import shutil
import tempfile
from pathlib import Path

# Set before the package is imported: prometheus_client picks its multiprocess mode then.
# The mark tells on_exit to remove a directory made here, also after a reload (SIGHUP).
TEMPORARY_MARK = ".temporary"
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="prometheus-")
    (Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]) / TEMPORARY_MARK).touch()
metrics_dir = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])

from {{ cookiecutter.project_slug }}.config import env_log_format  # noqa: E402
{% if cookiecutter.tracing == "opentelemetry" -%}
from {{ cookiecutter.project_slug }}.core import tracing  # noqa: E402
{% endif -%}
from {{ cookiecutter.project_slug }}.core.logs import (  # noqa: E402
    ACCESS_LOG_FORMAT,
    gunicorn_logging_config,
)

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:{{ cookiecutter.http_port }}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# The arbiter imports the app before forking: a bad setting stops gunicorn at once.
# A reload (SIGHUP) forks workers of the same code: a new release needs a restart.
preload_app = True
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = ACCESS_LOG_FORMAT
# Python's warnings as log lines (logger py.warnings), not plain text on stderr.
logging.captureWarnings(True)
logconfig_dict = gunicorn_logging_config(
    env_log_format(os.environ.get("FLASK_CONFIG", "production")), loglevel.upper()
)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No control socket (gunicornc): it would be made in $HOME, maybe not writable.
control_socket_disable = True

metrics_port = int(os.environ.get("METRICS_PORT", "9464"))

# The hooks below import prometheus_client and the metrics module when they run.


def on_starting(server):
    """Empty the metrics directory at start (not on a reload): old samples would add up."""
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
    """Start the tracer provider in each worker: its export thread would not survive a fork."""
    tracing.start_provider()
{%- endif %}
