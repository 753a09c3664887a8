"""The systemd + nginx deploy target's nginx site: checked with ``nginx -t``, and the real
nginx serving the app through gunicorn on a unix socket handed over by socket activation,
as systemd does.

A missing tool fails the test; ``scripts/tools.sh`` (run by ``scripts/test.sh``) installs
nginx.
"""

import http.client
import json
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from ...helpers import (
    FREE_METRICS_PORTS,
    flask_db,
    free_port,
    json_lines,
    parse_env_file,
    production_env,
    project_venv,
    run,
    stop,
    wait_until,
)
from .deploy_files import (
    APP_DIR,
    DOMAIN,
    SLUG,
    SOCKET_PATH,
    VENV_BIN,
    nginx_wrapper,
    parse_unit,
    tool,
    values,
)


def test_nginx_site_serves_the_domain_with_the_apps_body_limit(project: Path) -> None:
    site = (project / "deploy" / "nginx" / f"{SLUG}.conf").read_text()
    config = (project / SLUG / "config.py").read_text()
    assert "\nDEFAULT_MAX_CONTENT_LENGTH = 1024 * 1024\n" in config  # 1 MiB: nginx's 1m
    assert re.findall(r"^\s*client_max_body_size (\S+);$", site, re.MULTILINE) == ["1m"]
    assert re.findall(r"^\s*server_name (\S+);$", site, re.MULTILINE) == [DOMAIN]
    assert re.findall(r"^\s*server unix:(\S+) ", site, re.MULTILINE) == [SOCKET_PATH]
    # install.sh copies the package to APP_DIR; nginx serves its static folder, if any.
    static = [f"{APP_DIR}/{SLUG}/static/"] if (project / SLUG / "static").is_dir() else []
    assert re.findall(r"^\s*alias (\S+);$", site, re.MULTILINE) == static
    # The app sends the security headers; nginx adds only nosniff, to the static files it
    # serves without the app.
    added = ["X-Content-Type-Options"] if static else []
    assert re.findall(r"^\s*add_header (\S+) ", site, re.MULTILINE) == added


def test_nginx_keeps_connections_to_gunicorn_open(project: Path) -> None:
    """HTTP/1.1 with no Connection: close to an upstream that keeps idle connections, and
    closes them before gunicorn would (its keepalive: 2 s, unset in gunicorn.conf.py)."""
    site = (project / "deploy" / "nginx" / f"{SLUG}.conf").read_text()
    upstream = re.search(rf"^upstream {SLUG} {{\n(.*?)^}}", site, re.MULTILINE | re.DOTALL)
    assert upstream, site
    assert re.search(r"^\s*keepalive \d+;$", upstream.group(1), re.MULTILINE), upstream.group(1)
    assert re.findall(r"^\s*keepalive_timeout (\S+);$", upstream.group(1), re.MULTILINE) == ["1s"]
    assert "keepalive" not in (project / "gunicorn.conf.py").read_text()
    assert re.findall(r"^\s*proxy_http_version (\S+);$", site, re.MULTILINE) == ["1.1"]
    assert re.findall(r"^\s*proxy_set_header Connection (\S+);$", site, re.MULTILINE) == ['""']


def test_nginx_site_passes_nginx_t(project: Path, tmp_path: Path) -> None:
    conf = nginx_wrapper(tmp_path, project / "deploy" / "nginx" / f"{SLUG}.conf")
    result = run([tool("nginx"), "-t", "-p", tmp_path, "-c", conf], cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "[warn]" not in result.stdout and "[emerg]" not in result.stdout, result.stdout


#: The security headers the app sends with every response, each to arrive once.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
PAGE_CSP = (
    "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000"


def assert_sent_once(headers, csp: str, hsts: bool = False) -> None:
    """Each security header is in ``headers`` exactly once, with its value."""
    expected = {**SECURITY_HEADERS, "Content-Security-Policy": csp}
    expected["Strict-Transport-Security"] = HSTS if hsts else None
    for name, value in expected.items():
        assert headers.get_all(name) == ([value] if value else None), (name, headers.items())


class UnixHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection on a unix socket, as nginx's to gunicorn."""

    def __init__(self, socket_path: Path) -> None:
        super().__init__("localhost", timeout=30)
        self.socket_path = socket_path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(str(self.socket_path))


def request(
    port: int | Path,
    method: str,
    path: str,
    host: str = DOMAIN,
    length: int | None = None,
    headers: dict[str, str] | None = None,
):
    """One HTTP request to nginx on 127.0.0.1:port, or to a unix socket: (status, headers,
    body)."""
    if isinstance(port, Path):
        connection = UnixHTTPConnection(port)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host)
        if length is not None:
            connection.putheader("Content-Length", str(length))
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("url_prefix", ["", "/svc"], ids=["root", "prefix"])
def test_nginx_serves_the_app_through_gunicorn_on_a_unix_socket(
    render, postgres_url: str, redis_url: str, short_dir: Path, url_prefix: str
) -> None:
    project = render(database="postgresql", url_prefix=url_prefix)
    venv = project_venv(project)
    deploy = project / "deploy"
    sock, notify_path = short_dir / "web.sock", short_dir / "notify.sock"

    # The environment of the units: the env file, with this test's database and Redis.
    env = {
        **parse_env_file(deploy / f"{SLUG}.env.example"),
        **production_env(postgres_url, redis_url),
    }
    assert env.get("SCRIPT_NAME", "") == url_prefix
    migrated = flask_db(venv, project, env, "upgrade")
    assert migrated.returncode == 0, migrated.stdout

    # gunicorn as the unit starts it, with the socket passed as systemd does ($LISTEN_FDS),
    # and $NOTIFY_SOCKET for Type=notify.
    web = parse_unit(deploy / "systemd" / f"{SLUG}.service")
    (exec_start,) = values(web, "Service", "ExecStart")
    command = exec_start.replace(f"{VENV_BIN}/", f"{venv}/").split()
    # Its bind address, moved here, must stay unused: gunicorn serves the passed socket.
    unused = short_dir / "unused.sock"
    for value in values(web, "Service", "Environment"):
        key, _, value = value.replace(SOCKET_PATH, str(unused)).partition("=")
        env[key] = value
    env.update({"WEB_CONCURRENCY": "1", "NOTIFY_SOCKET": str(notify_path), **FREE_METRICS_PORTS})
    activate = [tool("systemd-socket-activate"), "--listen", sock]
    activate += [f"--setenv={key}={value}" for key, value in env.items()]

    site = (deploy / "nginx" / f"{SLUG}.conf").read_text()
    port = free_port()
    moves = {
        "    listen 80;\n": f"    listen 127.0.0.1:{port};\n",
        "    listen [::]:80;\n": "",
        f"unix:{SOCKET_PATH}": f"unix:{sock}",
        f"alias {APP_DIR}/": f"alias {project}/",
    }
    for old, new in moves.items():
        assert site.count(old) == 1, old
        site = site.replace(old, new)
    (short_dir / "site.conf").write_text(site)
    conf = nginx_wrapper(short_dir, short_dir / "site.conf", listen=f"127.0.0.1:{port}")

    with (
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify,
        open(short_dir / "gunicorn.log", "w+") as gunicorn_log,
    ):
        notify.bind(str(notify_path))
        notify.settimeout(30)
        gunicorn = subprocess.Popen(
            [*map(str, activate), *command],
            cwd=project,
            stdout=gunicorn_log,
            stderr=subprocess.STDOUT,
        )
        nginx = subprocess.Popen([tool("nginx"), "-p", short_dir, "-c", conf], cwd=short_dir)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert nginx.poll() is None, (short_dir / "error.log").read_text()
                    assert time.monotonic() < deadline, "nginx did not listen within 20 s"
                    time.sleep(0.1)

            # systemd creates the socket before anything may connect to it; here the
            # stand-in for systemd is a process of its own, so wait for its socket too.
            while not sock.exists():
                assert gunicorn.poll() is None, "systemd-socket-activate exited"
                assert time.monotonic() < deadline, f"{sock} was not created within 20 s"
                time.sleep(0.1)

            # The first request starts gunicorn (socket activation) and waits for it.
            status, headers, body = request(port, "GET", f"{url_prefix}/health")
            assert status == 200, (status, body, (short_dir / "error.log").read_text())
            assert json.loads(body) == {"status": "ok"}
            assert_sent_once(headers, JSON_CSP)
            assert b"READY=1" in notify.recv(4096)

            # The request ID: the client's is passed on and comes back; without one, nginx
            # makes it ($request_id, in its access log) and the app answers with it.
            given = {"X-Request-ID": "client-request-1"}
            status, headers, _ = request(port, "GET", f"{url_prefix}/health", headers=given)
            assert (status, headers["X-Request-ID"]) == (200, "client-request-1")
            status, headers, _ = request(port, "GET", f"{url_prefix}/health?no-id")
            made = headers["X-Request-ID"]
            access_log = short_dir / "access.log"
            # nginx writes its access line once the response is sent: it may follow it.
            wait_until(
                lambda: f"{made} {url_prefix}/health?no-id\n" in access_log.read_text(),
                "nginx's access line with the request ID it made",
                timeout=5,
                details=access_log.read_text,
            )

            # A client's own X-Forwarded-For is no address to log: nginx appends the one
            # it sees, which gunicorn logs. Nor does its X-Forwarded-Proto make plain HTTP
            # HTTPS: nginx sets the scheme it was reached by, so no HSTS.
            spoofed = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
            status, headers, body = request(port, "GET", f"{url_prefix}/", headers=spoofed)
            assert status == 200 and headers.get_content_type() == "text/html", (status, body)
            assert_sent_once(headers, PAGE_CSP)
            stylesheet = f'href="{url_prefix}/static/style.css"'.encode()
            assert stylesheet in body, body

            status, headers, body = request(port, "GET", f"{url_prefix}/static/style.css")
            assert status == 200 and headers.get_content_type() == "text/css", status
            assert body == (project / SLUG / "static" / "style.css").read_bytes()
            assert headers.get_all("X-Content-Type-Options") == ["nosniff"]

            # The app's errors, as Problem Details or pages, carry the headers too.
            status, headers, _ = request(port, "GET", f"{url_prefix}/api/v1/nothing-here")
            assert status == 404
            assert_sent_once(headers, JSON_CSP)
            status, headers, _ = request(port, "GET", f"{url_prefix}/nothing-here")
            assert status == 404 and headers.get_content_type() == "text/html"
            assert_sent_once(headers, PAGE_CSP)

            # HSTS once the request came over HTTPS: nginx's X-Forwarded-Proto after TLS,
            # trusted by gunicorn on the unix socket that only nginx may use.
            https = {"X-Forwarded-Proto": "https"}
            status, headers, _ = request(sock, "GET", f"{url_prefix}/health", headers=https)
            assert status == 200
            assert_sent_once(headers, JSON_CSP, hsts=True)

            # The app builds absolute URLs from the Host nginx passes on, under the prefix.
            status, headers, _ = request(port, "GET", f"{url_prefix}/todos")
            assert (status, headers["Location"]) == (308, f"http://{DOMAIN}{url_prefix}/todos/")

            # Only the domain's requests reach the site; bodies over 1 MiB stop at nginx.
            assert request(port, "GET", f"{url_prefix}/health", host="other.example")[0] == 421
            too_large = request(port, "POST", f"{url_prefix}/api/v1/todos", length=2 * 1024**2)
            assert too_large[0] == 413
            # The metrics are for this host's scraper only: nginx refuses them itself.
            for path in ("/metrics", "/metrics/", "/metrics?name[]=http_requests_total"):
                assert request(port, "GET", f"{url_prefix}{path}")[0] == 404, path
            if url_prefix:
                status, headers, _ = request(port, "GET", url_prefix)
                assert status == 301 and headers["Location"].endswith(f"{url_prefix}/")
                assert request(port, "GET", "/health")[0] == 404
        finally:
            stop(nginx)
            stop(gunicorn)
            gunicorn_log.seek(0)
            log = gunicorn_log.read()
    assert f"Listening at: unix:{sock}" in log, log
    assert env["GUNICORN_BIND"] == f"unix:{unused}" and not unused.exists()
    # JSON lines. HTTP/1.1 from nginx (keepalive), with the client's address, not the
    # socket's none, and the request IDs.
    access = {
        (line["client"], line["path"], line["status"], line["request_id"])
        for line in json_lines(log)
        if line["logger"] == "gunicorn.access" and " HTTP/1.1" in line["message"]
    }
    health = ("127.0.0.1", f"{url_prefix}/health", 200)
    assert {(*health, "client-request-1"), (*health, made)} <= access, log
    assert "203.0.113.9" not in log, log
    assert "/static/style.css" not in log, "nginx, not gunicorn, serves the static files"
    assert "/metrics" not in log, "nginx, not the app, refuses /metrics"
