"""The systemd + nginx deploy target, checked with the tools that consume it: the units
with ``systemd-analyze verify`` and ``security``, the site with ``nginx -t``, the install
script with shellcheck; and the real nginx serving the app through gunicorn on a unix
socket handed over by socket activation, as systemd does.

A missing tool fails the test; ``scripts/tools.sh`` (run by ``scripts/test.sh``) installs
nginx, and shellcheck comes with ``requirements-dev.txt``.
"""

import grp
import http.client
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..helpers import (
    BIN,
    DEFAULT_SLUG,
    flask_db,
    free_port,
    production_env,
    project_venv,
    run,
    stop,
)

SLUG = DEFAULT_SLUG
DOMAIN = "todo.example.org"
TARGET = {"deploy_target": "systemd-nginx", "domain_name": DOMAIN}

#: Rendered variants: both url_prefix forms, each database's DATABASE_URL and state.
VARIANTS = {
    "postgresql": {"database": "postgresql", "url_prefix": ""},
    "sqlite-prefix": {"database": "sqlite", "url_prefix": "/todo"},
    "mysql-prefix": {"database": "mysql", "url_prefix": "/todo"},
}

#: Highest `systemd-analyze security` exposure level accepted for a service unit.
MAX_EXPOSURE = 3.0

#: Where the units and the site expect the installed service (deploy/install.sh).
APP_DIR = f"/opt/{SLUG}/app"
VENV_BIN = f"/opt/{SLUG}/venv/bin"
SOCKET_PATH = f"/run/{SLUG}.sock"


def tool(name: str) -> str:
    """The path of the system tool ``name``; fails the test when it is not installed."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if not path:
        pytest.fail(f"{name} is not installed: run `bash scripts/test.sh` (scripts/tools.sh)")
    return path


def unit_files(project: Path) -> list[Path]:
    return sorted((project / "deploy" / "systemd").iterdir())


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A unit file as section -> [(key, value)], in order (keys may repeat)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, _, value = line.partition("=")
        current.append((key, value))
    return sections


def values(unit: dict[str, list[tuple[str, str]]], section: str, key: str) -> list[str]:
    return [value for name, value in unit.get(section, []) if name == key]


def parse_env_file(path: Path) -> dict[str, str]:
    """An EnvironmentFile= of KEY=value lines (no quotes used in ours)."""
    lines = (line.strip() for line in path.read_text().splitlines())
    pairs = (line.partition("=") for line in lines if line and not line.startswith("#"))
    return {key: value for key, _, value in pairs}


@pytest.fixture(scope="session")
def render(bake):
    """``render(**answers)``: the systemd-nginx target rendered with ``answers``, once per
    session for each set of answers (the tests only read the rendered files)."""
    projects: dict[tuple, Path] = {}

    def _render(**answers: str) -> Path:
        key = tuple(sorted(answers.items()))
        if key not in projects:
            projects[key] = bake(**TARGET, **answers)
        return projects[key]

    return _render


@pytest.fixture(params=list(VARIANTS), ids=list(VARIANTS))
def project(request, render) -> Path:
    return render(**VARIANTS[request.param])


def test_target_renders_units_site_and_install_script_and_nothing_of_docker(bake, render) -> None:
    project = render()
    deploy = {str(p.relative_to(project)) for p in (project / "deploy").rglob("*") if p.is_file()}
    assert deploy == {
        "deploy/install.sh",
        f"deploy/{SLUG}.env.example",
        f"deploy/nginx/{SLUG}.conf",
        f"deploy/systemd/{SLUG}.socket",
        f"deploy/systemd/{SLUG}.service",
        f"deploy/systemd/{SLUG}-worker.service",
        f"deploy/systemd/{SLUG}-beat.service",
    }
    for name in ("Dockerfile", ".dockerignore", "compose.yaml", "k8s"):
        assert not (project / name).exists(), name
    assert not (bake(deploy_target="docker") / "deploy").exists()


def test_units_run_the_documented_commands_as_the_service_user(project: Path) -> None:
    units = {path.name: parse_unit(path) for path in unit_files(project)}
    socket_unit = units[f"{SLUG}.socket"]
    web = units[f"{SLUG}.service"]
    worker = units[f"{SLUG}-worker.service"]
    beat = units[f"{SLUG}-beat.service"]
    celery = f"{VENV_BIN}/celery -A {SLUG}.worker:celery_app"

    assert values(socket_unit, "Socket", "ListenStream") == [SOCKET_PATH]
    assert values(web, "Service", "Environment") == [f"GUNICORN_BIND=unix:{SOCKET_PATH}"]
    assert values(web, "Unit", "Requires") == [f"{SLUG}.socket"]
    assert values(web, "Service", "ExecStart") == [
        f"{VENV_BIN}/gunicorn -c gunicorn.conf.py {SLUG}.wsgi:app"
    ]
    assert values(worker, "Service", "ExecStart") == [f"{celery} worker --loglevel INFO"]
    assert values(beat, "Service", "ExecStart") == [
        f"{celery} beat --loglevel INFO --schedule /var/lib/{SLUG}/celerybeat-schedule"
    ]
    sqlite = "sqlite" in parse_env_file(project / "deploy" / f"{SLUG}.env.example")["DATABASE_URL"]
    for unit in (web, worker, beat):
        assert values(unit, "Service", "User") == [SLUG]
        assert values(unit, "Service", "WorkingDirectory") == [APP_DIR]
        assert values(unit, "Service", "EnvironmentFile") == [f"/etc/{SLUG}/{SLUG}.env"]
        state = values(unit, "Service", "StateDirectory")
        assert state == ([SLUG] if sqlite or unit is beat else []), state


def test_env_file_configures_production(project: Path) -> None:
    env = parse_env_file(project / "deploy" / f"{SLUG}.env.example")
    site = (project / "deploy" / "nginx" / f"{SLUG}.conf").read_text()
    prefix = re.search(r"location (\S*)/ \{\n\s+proxy_pass", site).group(1)

    assert env["FLASK_CONFIG"] == "production"
    assert env["SECRET_KEY"] == ""  # install.sh writes a fresh one
    assert env["REDIS_URL"].startswith("redis://")
    assert env.get("SCRIPT_NAME", "") == prefix
    if env["DATABASE_URL"].startswith("sqlite"):
        assert env["DATABASE_URL"] == f"sqlite:////var/lib/{SLUG}/{SLUG}.sqlite3"
    else:
        assert "CHANGE-ME" in env["DATABASE_URL"]  # install.sh stops until it is set


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
    assert "add_header Strict-Transport-Security" not in site  # HSTS only with TLS


def systemd_root(project: Path, root: Path) -> list[str]:
    """Lay out ``root`` as a host where deploy/install.sh ran, for ``--root=``.

    ``systemd-analyze verify`` checks that each Exec*= command exists, so
    ``/opt/<slug>/venv/bin/...`` must be there: in a root directory it can be, as a stub
    for each command (the virtualenv's must be gunicorn or celery, which requirements.txt
    installs; any other must exist on this host), next to a copy of the host's system
    units for the default dependencies (sysinit.target and the like). Returns the unit
    names, installed in ``root/etc/systemd/system``.
    """
    (root / "usr" / "lib" / "systemd").mkdir(parents=True)
    shutil.copytree(
        "/usr/lib/systemd/system", root / "usr" / "lib" / "systemd" / "system", symlinks=True
    )
    for name in ("bin", "sbin", "lib64"):  # merged /usr, as on Debian
        (root / "usr" / name).mkdir()
        (root / name).symlink_to(f"usr/{name}")
    (root / "lib").symlink_to("usr/lib")
    units = root / "etc" / "systemd" / "system"
    units.mkdir(parents=True)
    for path in unit_files(project):
        shutil.copy(path, units / path.name)
        for key, value in (kv for section in parse_unit(path).values() for kv in section):
            if not key.startswith("Exec"):
                continue
            command = Path(value.split()[0])
            if command.parent == Path(VENV_BIN):
                assert command.name in {"gunicorn", "celery"}, command
            else:
                assert command.is_file() and os.access(command, os.X_OK), command
            stub = root / command.relative_to("/")
            stub.parent.mkdir(parents=True, exist_ok=True)
            stub.write_text("#!/bin/sh\n")
            stub.chmod(0o755)
    return [path.name for path in unit_files(project)]


def test_units_pass_systemd_analyze_verify(project: Path, tmp_path: Path) -> None:
    names = systemd_root(project, tmp_path)
    # verify exits 0 even on unknown keys and bad values: any line it prints is a finding.
    result = run([tool("systemd-analyze"), "verify", f"--root={tmp_path}", *names], cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout


def test_systemd_analyze_verify_in_the_root_reports_problems(render, tmp_path: Path) -> None:
    """The root directory hides no finding: a typo and a missing command are reported."""
    project = render()
    names = systemd_root(project, tmp_path)
    web = tmp_path / "etc" / "systemd" / "system" / f"{SLUG}.service"
    web.write_text(web.read_text().replace("[Service]\n", "[Service]\nNoNewPrivilege=yes\n"))
    (tmp_path / VENV_BIN.lstrip("/") / "gunicorn").unlink()
    result = run([tool("systemd-analyze"), "verify", f"--root={tmp_path}", *names], cwd=tmp_path)
    assert "Unknown key 'NoNewPrivilege'" in result.stdout, result.stdout
    assert f"{VENV_BIN}/gunicorn is not executable" in result.stdout, result.stdout


def test_service_units_expose_at_most_3(project: Path, tmp_path: Path, record_property) -> None:
    names = systemd_root(project, tmp_path)
    exposures = {}
    for name in names:
        if not name.endswith(".service"):
            continue
        result = run(
            [tool("systemd-analyze"), "security", "--offline=yes", f"--root={tmp_path}", name],
            cwd=tmp_path,
        )
        match = re.search(
            rf"Overall exposure level for {re.escape(name)}: (\d+\.\d)", result.stdout
        )
        assert match, result.stdout
        exposures[name] = float(match.group(1))
    record_property("exposure", exposures)
    assert len(exposures) == 3
    assert all(level <= MAX_EXPOSURE for level in exposures.values()), exposures


def test_socket_unit_runs_no_command(project: Path) -> None:
    """`systemd-analyze security` scores the sandbox of a unit's processes and is made
    for service units; the socket unit starts none (systemd itself listens), which is
    what keeps it out of the exposure test above."""
    socket_unit = parse_unit(project / "deploy" / "systemd" / f"{SLUG}.socket")
    assert set(socket_unit) == {"Unit", "Socket", "Install"}
    assert not [key for key, _ in socket_unit["Socket"] if key.startswith("Exec")]
    assert values(socket_unit, "Socket", "SocketMode") == ["0600"]


def nginx_wrapper(directory: Path, site: Path, listen: str | None = None) -> Path:
    """Write ``directory/nginx.conf``, a main config that includes ``site``, with every
    path nginx writes (pid, logs, temp files) inside ``directory``, in the foreground.

    With ``listen``, a default server there answers 421 to requests for any other host,
    so only requests for the site's server_name reach the site.
    """
    temp = directory / "temp"
    temp.mkdir()
    user = ""
    if os.geteuid() == 0:
        # nginx's workers would drop to nobody; run them as the current user instead.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};"
    default_server = f"server {{ listen {listen} default_server; return 421; }}" if listen else ""
    conf = directory / "nginx.conf"
    conf.write_text(f"""{user}
daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log info;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {directory}/access.log;
    client_body_temp_path {temp}/client_body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    {default_server}
    include {site};
}}
""")
    return conf


def test_nginx_site_passes_nginx_t(project: Path, tmp_path: Path) -> None:
    conf = nginx_wrapper(tmp_path, project / "deploy" / "nginx" / f"{SLUG}.conf")
    result = run([tool("nginx"), "-t", "-p", tmp_path, "-c", conf], cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "[warn]" not in result.stdout and "[emerg]" not in result.stdout, result.stdout


def test_install_script_passes_shellcheck(project: Path) -> None:
    shellcheck = BIN / "shellcheck"
    if not shellcheck.exists():
        pytest.fail("shellcheck is missing from .venv: pip install -r requirements-dev.txt")
    scripts = sorted((project / "deploy").glob("*.sh"))
    assert scripts
    result = run([shellcheck, *scripts], cwd=project)
    assert result.returncode == 0, result.stdout


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A directory with a short path: unix socket paths are limited to 107 bytes."""
    with tempfile.TemporaryDirectory(prefix="sdn", dir="/tmp") as directory:
        path = Path(directory)
        path.chmod(0o755)
        yield path


def request(port: int, method: str, path: str, host: str = DOMAIN, length: int | None = None):
    """One HTTP request to nginx on 127.0.0.1:port: (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host)
        if length is not None:
            connection.putheader("Content-Length", str(length))
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("url_prefix", ["", "/todo"], ids=["root", "prefix"])
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
    env.update({"WEB_CONCURRENCY": "1", "NOTIFY_SOCKET": str(notify_path)})
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
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["X-Frame-Options"] == "DENY"
            assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
            assert b"READY=1" in notify.recv(4096)

            status, headers, body = request(port, "GET", f"{url_prefix}/")
            assert status == 200 and headers.get_content_type() == "text/html", (status, body)
            stylesheet = f'href="{url_prefix}/static/style.css"'.encode()
            assert stylesheet in body, body

            status, headers, body = request(port, "GET", f"{url_prefix}/static/style.css")
            assert status == 200 and headers.get_content_type() == "text/css", status
            assert body == (project / SLUG / "static" / "style.css").read_bytes()

            # The app builds absolute URLs from the Host nginx passes on, under the prefix.
            status, headers, _ = request(port, "GET", f"{url_prefix}/todos")
            assert (status, headers["Location"]) == (308, f"http://{DOMAIN}{url_prefix}/todos/")

            # Only the domain's requests reach the site; bodies over 1 MiB stop at nginx.
            assert request(port, "GET", f"{url_prefix}/health", host="other.example")[0] == 421
            too_large = request(port, "POST", f"{url_prefix}/api/v1/todos", length=2 * 1024**2)
            assert too_large[0] == 413
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
    assert f'"GET {url_prefix}/health HTTP/1.0" 200' in log, log
    assert "/static/style.css" not in log, "nginx, not gunicorn, serves the static files"
