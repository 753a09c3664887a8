"""gunicorn settings (https://docs.gunicorn.org/en/stable/settings.html).

Each value can be set from the environment. ``SCRIPT_NAME`` (a sub-path to mount the
app under) is read by the application factory, which mounts the app there; then
``{{ cookiecutter.project_slug }}/wsgi.py`` takes it out of the environment, so that
gunicorn does not strip it again.
"""

import ipaddress
import os

from gunicorn.glogging import Logger


class ProxiedClientLogger(Logger):
    """gunicorn's logger, whose access log names the client behind a trusted proxy.

    For a request from a trusted proxy that carries ``X-Forwarded-For``, the log's client
    address (``%(h)s``) is the header's last address, the one the proxy appended: not the
    proxy's own address, nor nothing at all when it connects on a unix socket. A request
    from any other peer is logged with the peer's address, whatever its header says.
    Trusted as gunicorn trusts forwarded headers: a unix socket (only nginx may connect to
    the systemd unit's), or a peer within ``forwarded_allow_ips``.
    """

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        forwarded = environ.get("HTTP_X_FORWARDED_FOR", "").rpartition(",")[2].strip()
        if forwarded and self.trusted(environ.get("REMOTE_ADDR", "")):
            atoms["h"] = forwarded
        return atoms

    def trusted(self, peer: str) -> bool:
        """Whether ``peer`` (REMOTE_ADDR; empty on a unix socket) is a trusted proxy."""
        allowed = self.cfg.forwarded_allow_ips
        if not peer or "*" in allowed:
            return True
        address = ipaddress.ip_address(peer)
        return any(address in ipaddress.ip_network(entry, strict=False) for entry in allowed)


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
logger_class = ProxiedClientLogger
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No gunicorn control socket (gunicornc): it would be created in $HOME, which the service
# user may not be able to write.
control_socket_disable = True
