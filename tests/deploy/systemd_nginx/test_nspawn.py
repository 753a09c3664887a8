"""The systemd + nginx target for real: a minimal Debian booted under systemd-nspawn
(nspawn.py), the rendered project installed with ``deploy/install.sh`` as its README
says, then served, reloaded, restarted, rebooted and upgraded under a light load.

The container shares this host's network: it reaches the loopback PostgreSQL and Redis
and PyPI, and its nginx takes port 80 of the host, so one such test runs at a time (a
file lock) and port 80 must be free. Timings (boot, install.sh, first request, reboot)
are recorded as the test's ``timings`` property and printed.
"""

import json
import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest
from filelock import FileLock

from ...helpers import wait_until
from ..rootfs import debootstrap_root
from .deploy_files import SLUG
from .load import Load, fetch
from .nspawn import Container, missing_tools

PACKAGES = ["systemd", "systemd-sysv", "dbus", "nginx", "python3", "python3-venv", "curl"]
DOMAIN = "example.com"  # the default domain_name
SOURCE = f"/srv/{SLUG}"  # where the project is copied, as a checkout would be
ENV_FILE = f"/etc/{SLUG}/{SLUG}.env"
SERVICES = [f"{SLUG}.service", f"{SLUG}-worker.service", f"{SLUG}-beat.service"]
UNITS = [f"{SLUG}.socket", *SERVICES, "nginx.service"]
INSTALL = ["bash", "-c", f"cd {SOURCE} && bash deploy/install.sh"]
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


def test_install_sh_serves_reloads_restarts_reboots_and_upgrades_under_systemd(
    bake, postgres_url: str, redis_url: str, tmp_path: Path, record_property
) -> None:
    missing = missing_tools()
    if missing:
        pytest.fail(f"cannot boot a container here, missing: {', '.join(missing)}")
    root = debootstrap_root("systemd", PACKAGES)
    project = bake(deploy_target="systemd-nginx")
    timings: dict[str, float] = {}
    with FileLock(str(PORT_LOCK)):
        assert_port_80_free()
        container = Container(f"sdn{os.getpid()}", root, tmp_path)
        try:
            timings["boot"] = container.boot()

            # The project, copied to the host as a checkout would be (no .env).
            archive = subprocess.run(
                ["tar", "-C", project, "--exclude=./.env", "-cf", "-", "."],
                stdout=subprocess.PIPE,
                check=True,
            ).stdout
            unpack = subprocess.run(
                ["nsenter", "-t", str(container.leader), "-a",
                 "sh", "-c", f"mkdir -p {SOURCE} && tar -C {SOURCE} -xf -"],
                input=archive,
                check=False,
            )  # fmt: skip
            assert unpack.returncode == 0

            # The first run writes the env file and stops on its placeholder.
            first = container.run(INSTALL)
            assert first.returncode == 1, first.stdout
            assert f"set DATABASE_URL in {ENV_FILE} (it still says CHANGE-ME)" in first.stdout
            settings = container.run(["cat", ENV_FILE]).stdout
            assert re.search(r"^SECRET_KEY=[0-9a-f]{64}$", settings, re.MULTILINE), settings
            settings = re.sub(r"(?m)^DATABASE_URL=.*$", f"DATABASE_URL={postgres_url}", settings)
            settings = re.sub(r"(?m)^REDIS_URL=.*$", f"REDIS_URL={redis_url}", settings)
            write = container.run(["sh", "-c", f"cat > {ENV_FILE}"], input=settings)
            assert write.returncode == 0, write.stdout

            started = time.monotonic()
            install = container.run(INSTALL)
            timings["install.sh"] = time.monotonic() - started
            assert install.returncode == 0, install.stdout
            assert "disabling Debian's default nginx site" in install.stdout, install.stdout
            started = time.monotonic()
            assert fetch("/health", DOMAIN)[0] == 200
            timings["first request"] = time.monotonic() - started
            assert_serving(container)

            # Beat's start-up is in the journal while beat runs, not once it stops.
            beat = f"{SLUG}-beat.service"
            wait_until(lambda: "celery beat v" in journal(container, beat), "beat's banner", 15)
            assert container.run(["systemctl", "is-active", beat]).stdout.strip() == "active"

            # The access log names the client (127.0.0.1), from nginx's X-Forwarded-For.
            access = [line for line in journal(container, SERVICES[0]).splitlines()
                      if '"GET /health HTTP/1.1" 200' in line]  # fmt: skip
            assert access and all(line.startswith("127.0.0.1 - - [") for line in access), access

            # A reload replaces gunicorn's workers; no request fails meanwhile.
            arbiter = main_pid(container, SERVICES[0])
            with Load("/health", DOMAIN) as load:
                time.sleep(0.5)
                reload = container.run(["systemctl", "reload", SERVICES[0]])
                time.sleep(2)
            assert reload.returncode == 0, reload.stdout
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

            # An upgrade: install.sh again, with no failed request.
            with Load("/health", DOMAIN) as load:
                started = time.monotonic()
                upgrade = container.run(INSTALL)
                timings["install.sh again"] = time.monotonic() - started
            assert upgrade.returncode == 0, upgrade.stdout
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
