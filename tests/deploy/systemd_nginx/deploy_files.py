"""What the systemd + nginx tests know of the target: its answers and variants, where
the installed service lives, and readers of its unit, env and site files; a root
directory for ``systemd-analyze --root``; a main nginx config around the site."""

import grp
import os
import pwd
import shutil
from pathlib import Path

import pytest

from ...helpers import DEFAULT_SLUG

SLUG = DEFAULT_SLUG
DOMAIN = "todo.example.org"
TARGET = {"deploy_target": "systemd-nginx", "domain_name": DOMAIN}

#: Rendered variants: both url_prefix forms, each database's DATABASE_URL and state.
VARIANTS = {
    "postgresql": {"database": "postgresql", "url_prefix": ""},
    "sqlite-prefix": {"database": "sqlite", "url_prefix": "/svc"},
    "mysql-prefix": {"database": "mysql", "url_prefix": "/svc"},
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


def systemd_root(project: Path, root: Path) -> list[str]:
    """Lay out ``root`` as a host where deploy/install.sh ran, for ``--root=``.

    ``systemd-analyze verify`` checks that each Exec*= command exists, so
    ``/opt/<slug>/venv/bin/...`` must be there: in a root directory it can be, as a stub
    for each command (the virtualenv's must be gunicorn or celery, which uv.lock
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
    log_format ids '$request_id $request_uri';
    access_log {directory}/access.log ids;
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
