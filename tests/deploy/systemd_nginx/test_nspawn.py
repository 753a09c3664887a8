"""The systemd + nginx target for real: a minimal Debian booted under systemd-nspawn
(nspawn.py), the rendered project installed by the commands of its deploy guide,
``deploy/README.md``, taken from the text in order, then served, reloaded, restarted,
rebooted and upgraded under a light load.

The steps of that guide, where this machine can run them:

1. its ``apt-get`` line, without the servers' packages (``postgresql``,
   ``redis-server``): the README lets the database and Redis run elsewhere, and here
   they must, since the container shares the host's network, where PostgreSQL and
   Redis already listen on 5432 and 6379. The root holds neither nginx nor
   python3-venv, so the line installs them.
2. ``sudo -u postgres createuser --pwprompt`` and ``createdb --owner`` need a local
   server's unix socket, which this host's PostgreSQL does not offer: the test does the
   same over its connection (a role named like the project, with a password, owning a
   database of that name), and puts the password into the env file in place of
   CHANGE-ME, as the README says; the service then runs as that owner, no superuser.
   REDIS_URL becomes the test worker's Redis database.
3. ``sudo bash deploy/install.sh`` from the project's directory: the first run stops
   on the placeholder, the second installs; the same command later is the upgrade
   ("Every release"), with the README's ``systemctl reload`` tried under load before.
4. "Check it": ``systemctl status`` exits 0, ``curl .../ready`` prints the ready body,
   ``journalctl ... -f``, in the background, shows a request made meanwhile.
5. certbot is not run: it needs the domain's DNS to point here and Let's Encrypt's
   ACME servers to reach this host.

The container also reaches PyPI, and its nginx takes port 80 of the host, so one such
test runs at a time (a file lock) and port 80 must be free. Timings (boot, the
``apt-get`` line, install.sh, first request, reboot) are recorded as the test's
``timings`` property and printed.
"""

import contextlib
import json
import os
import re
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from filelock import FileLock

from ...helpers import json_lines, service_url, shell_commands, stop, wait_until
from ..rootfs import debootstrap_root
from .deploy_files import SLUG
from .load import Load, fetch
from .nspawn import Container, missing_tools

#: A minimal Debian server; the README's apt-get line installs the rest.
PACKAGES = ["systemd", "systemd-sysv", "dbus", "sudo", "python3", "curl"]
#: The servers' packages, left out of the README's apt-get line (see step 1 above).
SERVER_PACKAGES = {"postgresql", "mariadb-server", "redis-server"}
DOMAIN = "example.com"  # the default domain_name
SOURCE = f"/srv/{SLUG}"  # where the project is copied, as a checkout would be
ENV_FILE = f"/etc/{SLUG}/{SLUG}.env"
SERVICES = [f"{SLUG}.service", f"{SLUG}-worker.service", f"{SLUG}-beat.service"]
UNITS = [f"{SLUG}.socket", *SERVICES, "nginx.service"]
#: Highest `systemd-analyze security` exposure level accepted inside the container.
MAX_EXPOSURE = 2.0
PORT_LOCK = Path("/tmp/cookiecutter-flask-service-port-80.lock")


def assert_port_80_free() -> None:
    """Fail, saying so, when something listens on port 80 of this host."""
    for family, address in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        with socket.socket(family) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((address, 80))
            except OSError as error:
                pytest.fail(
                    f"port 80 of this host is taken ({address}: {error}); the container's "
                    "nginx needs it: stop what listens there (ss -ltnp 'sport = :80')"
                )


def deploy_steps(project: Path) -> dict[str, list[str]]:
    """The commands of the deploy guide ``deploy/README.md``, for each numbered step
    ("1", "2", ...) and for the text after the steps ("after")."""
    section = (project / "deploy" / "README.md").read_text()
    parts = re.split(r"(?m)^(\d+)\. ", section)
    steps = dict(zip(parts[1::2], parts[2::2], strict=True))
    last = parts[-2]
    steps[last], steps["after"] = re.split(r"\n\n(?=\S)", steps[last], maxsplit=1)
    return {name: shell_commands(text) for name, text in steps.items()}


def shell(container: Container, command: str, **options) -> subprocess.CompletedProcess:
    """Run a README ``command`` with bash in the container, in the project's directory."""
    return container.run(["bash", "-c", f"cd {SOURCE} && {command}"], **options)


@contextlib.contextmanager
def owned_database(name: str, password: str) -> Iterator[None]:
    """What ``createuser --pwprompt NAME`` and ``createdb --owner NAME NAME`` do, on the
    test's PostgreSQL server: a login role ``name`` with ``password`` (no superuser)
    and a database ``name`` that it owns. Both are dropped before and after."""
    admin = urlsplit(service_url("TEST_POSTGRES_URL"))._replace(scheme="postgresql").geturl()

    def drop(connection: psycopg.Connection) -> None:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'DROP ROLE IF EXISTS "{name}"')

    with psycopg.connect(admin, autocommit=True) as connection:
        drop(connection)
        connection.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}'")
        connection.execute(f'CREATE DATABASE "{name}" OWNER "{name}"')
    try:
        yield
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            drop(connection)


def check_it(container: Container, lines: list[str], log: Path) -> None:
    """Run the README's "Check it" ``lines``: each exits 0, and ``curl .../ready``
    prints a ready body; a line ending in ``-f`` (journalctl) goes to ``follows()``."""
    for line in lines:
        if line.split("#")[0].split()[-1] == "-f":
            follows(container, line, log)
            continue
        result = shell(container, line, stderr=subprocess.PIPE)
        assert result.returncode == 0, (line, result.stdout, result.stderr)
        if "/ready" in line:
            body = json.loads(result.stdout)
            assert body == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def follows(container: Container, line: str, log: Path) -> None:
    """Run ``line`` in the container in the background, its output to ``log``; it must
    print the journal, then the access log line of a request made meanwhile."""
    with log.open("w") as output:
        process = subprocess.Popen(
            container.argv(["bash", "-c", line]), stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    request = "GET /health?followed HTTP/1.1"  # in the access line's message
    running = {"alive": lambda: process.poll() is None, "details": log.read_text}
    try:
        wait_until(lambda: log.read_text().strip(), f"{line}: its first lines", **running)
        assert fetch("/health?followed", DOMAIN)[0] == 200
        wait_until(lambda: request in log.read_text(), f"{line}: {request}", **running)
    finally:
        stop(process)


def journal(container: Container, unit: str) -> str:
    return container.run(["journalctl", "-u", unit, "-o", "cat", "--no-pager"]).stdout


def main_pid(container: Container, unit: str) -> str:
    return container.run(["systemctl", "show", "-p", "MainPID", "--value", unit]).stdout.strip()


def assert_serving(container: Container) -> None:
    """Every unit active; /health, /ready and the index page through nginx, also for a
    request naming no known host (Debian's default site is disabled)."""
    active = container.run(["systemctl", "is-active", *UNITS])
    assert active.stdout.split() == ["active"] * len(UNITS), (UNITS, active.stdout)
    status, _, body = fetch("/health", DOMAIN)
    assert (status, json.loads(body)) == (200, {"status": "ok"}), body
    status, _, body = fetch("/ready", DOMAIN)
    assert status == 200, body
    assert json.loads(body)["checks"] == {"database": "ok", "redis": "ok"}, body
    status, content_type, body = fetch("/", DOMAIN)
    assert (status, content_type) == (200, "text/html"), body[:500]
    assert fetch("/health", "127.0.0.1")[0] == 200


def copy_project(container: Container, project: Path) -> None:
    """Copy the rendered ``project`` to SOURCE in the container, as a checkout would be
    (no .env)."""
    archive = subprocess.run(
        ["tar", "-C", project, "--exclude=./.env", "-cf", "-", "."],
        stdout=subprocess.PIPE,
        check=True,
    ).stdout
    unpack = subprocess.run(
        container.argv(["sh", "-c", f"mkdir -p {SOURCE} && tar -C {SOURCE} -xf -"]),
        input=archive,
        check=False,
    )
    assert unpack.returncode == 0


def test_readme_install_serves_reloads_restarts_reboots_and_upgrades_under_systemd(
    bake, redis_url: str, tmp_path: Path, record_property
) -> None:
    missing = missing_tools()
    if missing:
        pytest.fail(f"cannot boot a container here, missing: {', '.join(missing)}")
    root = debootstrap_root("systemd", PACKAGES)
    project = bake(deploy_target="systemd-nginx")
    steps = deploy_steps(project)
    (packages,) = steps["1"]
    create_role, create_database = steps["2"]
    assert f"createuser --pwprompt {SLUG}" in create_role, create_role
    assert f"createdb --owner {SLUG} {SLUG}" in create_database, create_database
    install, install_again = steps["3"][:2]
    password = secrets.token_hex(16)
    timings: dict[str, float] = {}
    with FileLock(str(PORT_LOCK)), owned_database(SLUG, password):
        assert_port_80_free()
        container = Container(f"sdn{os.getpid()}", root, tmp_path)
        try:
            timings["boot"] = container.boot()
            copy_project(container, project)

            # 1. apt-get answered "y" at its prompt, as a user does.
            started = time.monotonic()
            words = [word for word in packages.split() if word not in SERVER_PACKAGES]
            result = shell(container, " ".join(words), input="y\n", timeout=900)
            timings["apt-get"] = time.monotonic() - started
            assert result.returncode == 0, (packages, result.stdout[-5000:])

            # 3. The first run writes the env file and stops on its placeholder ...
            first = shell(container, install)
            assert first.returncode == 1, (install, first.stdout)
            assert f"set DATABASE_URL in {ENV_FILE} (it still says CHANGE-ME)" in first.stdout
            settings = container.run(["cat", ENV_FILE]).stdout
            assert re.search(r"^SECRET_KEY=[0-9a-f]{64}$", settings, re.MULTILINE), settings
            # ... which takes the password of step 2; Redis is the test worker's.
            settings = settings.replace("CHANGE-ME", password)
            database_url = f"postgresql+psycopg://{SLUG}:{password}@localhost:5432/{SLUG}"
            assert f"\nDATABASE_URL={database_url}\n" in settings, settings
            settings = re.sub(r"(?m)^REDIS_URL=.*$", f"REDIS_URL={redis_url}", settings)
            write = container.run(["sh", "-c", f"cat > {ENV_FILE}"], input=settings)
            assert write.returncode == 0, write.stdout

            started = time.monotonic()
            result = shell(container, install_again)
            timings["install.sh"] = time.monotonic() - started
            assert result.returncode == 0, (install_again, result.stdout)
            assert "disabling Debian's default nginx site" in result.stdout, result.stdout
            started = time.monotonic()
            assert fetch("/health", DOMAIN)[0] == 200
            timings["first request"] = time.monotonic() - started
            assert_serving(container)
            check_it(container, steps["4"], tmp_path / "follow.log")

            # The metrics: nginx refuses them; gunicorn and the worker serve them on this
            # host's loopback (METRICS_HOST's default), for a scraper on the host.
            assert fetch("/metrics", DOMAIN)[0] == 404
            status, _, metrics = fetch("/metrics", "127.0.0.1", 9464)
            assert status == 200 and b'endpoint="/health",method="GET",status="200"' in metrics
            assert fetch("/metrics", "127.0.0.1", 9465)[0] == 200

            # Beat's start-up is in the journal while beat runs, not once it stops.
            beat = f"{SLUG}-beat.service"
            wait_until(lambda: "beat: Starting..." in journal(container, beat), "beat's start", 15)
            assert container.run(["systemctl", "is-active", beat]).stdout.strip() == "active"

            # The access log names the client (127.0.0.1), from nginx's X-Forwarded-For.
            lines = json_lines(journal(container, SERVICES[0]))
            access = [line for line in lines if line.get("path") == "/health" and "client" in line]
            assert access and all(line["client"] == "127.0.0.1" for line in access), access

            # A reload replaces gunicorn's workers; no request fails meanwhile.
            arbiter = main_pid(container, SERVICES[0])
            (reload,) = [line for line in steps["after"] if "systemctl reload" in line]
            with Load("/health", DOMAIN) as load:
                time.sleep(0.5)
                result = shell(container, reload)
                time.sleep(2)
            assert result.returncode == 0, (reload, result.stdout)
            assert load.count > 20 and not load.failures, load.failures
            assert main_pid(container, SERVICES[0]) == arbiter
            assert "Hang up: Master" in journal(container, SERVICES[0])

            # The worker restarts and is ready again.
            worker = SERVICES[1]
            ready = journal(container, worker).count(" ready.")
            before = main_pid(container, worker)
            restart = container.run(["systemctl", "restart", worker])
            assert restart.returncode == 0, restart.stdout
            assert main_pid(container, worker) not in (before, "0")
            wait_until(
                lambda: journal(container, worker).count(" ready.") > ready, "worker ready", 15
            )

            exposures = {}
            for service in SERVICES:
                analyze = container.run(["systemd-analyze", "security", "--no-pager", service])
                level = re.search(r"Overall exposure level for \S+: (\d+\.\d)", analyze.stdout)
                assert level, analyze.stdout
                exposures[service] = float(level.group(1))
            record_property("exposure in the container", exposures)
            assert all(level <= MAX_EXPOSURE for level in exposures.values()), exposures

            # An upgrade ("Every release"): install.sh again, with no failed request.
            upgrade = steps["after"][0]
            with Load("/health", DOMAIN) as load:
                started = time.monotonic()
                result = shell(container, upgrade)
                timings["install.sh again"] = time.monotonic() - started
            assert result.returncode == 0, (upgrade, result.stdout)
            assert load.count > 20 and not load.failures, load.failures
            assert_serving(container)

            # A reboot brings everything back by itself.
            timings["reboot"] = container.reboot()
            started = time.monotonic()
            assert fetch("/health", DOMAIN)[0] == 200
            timings["first request after reboot"] = time.monotonic() - started
            assert_serving(container)
        finally:
            container.stop()
            rounded = {name: round(seconds, 2) for name, seconds in timings.items()}
            record_property("timings", rounded)
            print("systemd-nspawn timings (s):", rounded)
