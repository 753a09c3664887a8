"""Container plumbing of the image tests: buildah and podman set up for this machine, the
stand-in for the ``python:3.11-slim`` base image, building an image, running containers
on the host's network and stopping them.

The recipe is ../shared/DESIGN.md's "Running deploy targets for real": runc (crun fails
here), ulimits the sandbox allows, a storage and registries configuration of our own,
all in ``CONTAINERS`` outside the clone, so the base image and the storage survive the
run. Parallel test workers share them through file locks.
"""

import contextlib
import functools
import json
import os
import re
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from ...helpers import answers, run, wait_until
from ..rootfs import ROOTFS_CACHE, debootstrap_root

#: The storage, configuration and records of the image tests.
CONTAINERS = ROOTFS_CACHE / "containers"
#: The storage's run state: podman's cleanup process refuses a runroot over 50
#: characters, and then each container takes 20 s (conmon's timeout) to be seen exited.
RUNROOT = Path("/run/cookiecutter-flask-service/containers")
#: The Python of the base image stand-in (Debian bookworm's); render with this version.
PYTHON_VERSION = "3.11"
BASE_PACKAGES = ["python3", "python3-venv", "python3-pip", "python-is-python3"]
BASE_IMAGE = f"localhost/python:{PYTHON_VERSION}-slim"
#: The name the generated Dockerfile's ``FROM python:3.11-slim`` resolves to.
BASE_ALIAS = f"docker.io/library/python:{PYTHON_VERSION}-slim"
BASE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
TOOLS = ("buildah", "podman", "runc")
#: The base image's label naming the root filesystem it was imported from.
LABEL = "cookiecutter-flask-service.rootfs"


def run_id() -> str:
    """The id of this test run, the same in every xdist worker of it."""
    return os.environ.setdefault("PYTEST_XDIST_TESTRUNUID", uuid.uuid4().hex)


@functools.cache
def engine_env() -> dict[str, str]:
    """The environment variables that point buildah and podman at our configuration
    (written once into ``CONTAINERS``).

    :raises pytest.fail.Exception: naming the missing tools when buildah, podman or runc
        is not installed.
    """
    missing = [tool for tool in TOOLS if not shutil.which(tool, path=BASE_PATH)]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: install them with `bash scripts/tools.sh`")
    CONTAINERS.mkdir(parents=True, exist_ok=True)
    nofile = subprocess.run(
        ["sh", "-c", "ulimit -Hn"], stdout=subprocess.PIPE, text=True, check=True
    ).stdout.strip()
    files = {
        "containers.conf": (
            "[containers]\n"
            f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc=32768:32768"]\n'
            "[engine]\n"
            'runtime = "runc"\n'
        ),
        "storage.conf": (
            "[storage]\n"
            'driver = "overlay"\n'
            f'graphroot = "{CONTAINERS / "storage"}"\n'
            f'runroot = "{RUNROOT}"\n'
        ),
        "registries.conf": "unqualified-search-registries = []\n",
    }
    with FileLock(str(CONTAINERS / "conf.lock")):
        for name, text in files.items():
            path = CONTAINERS / name
            if not path.exists() or path.read_text() != text:
                path.write_text(text)
    return {
        "CONTAINERS_CONF": str(CONTAINERS / "containers.conf"),
        "CONTAINERS_STORAGE_CONF": str(CONTAINERS / "storage.conf"),
        "CONTAINERS_REGISTRIES_CONF": str(CONTAINERS / "registries.conf"),
    }


def tool(*args: str | Path, timeout: int = 120, check: bool = True) -> str:
    """Run ``buildah``/``podman ARGS`` with our configuration; return its output (stdout
    and stderr). With ``check``, fail with the output when it exits non-zero."""
    result = run(list(args), cwd=CONTAINERS, env=engine_env(), timeout=timeout)
    if check:
        assert result.returncode == 0, f"{' '.join(map(str, args[:3]))} failed:\n{result.stdout}"
    return result.stdout


def base_image() -> float | None:
    """Make sure the base image stand-in is in the storage: the debootstrap'ed root
    (tests/deploy/rootfs.py) without ``EXTERNALLY-MANAGED``, imported as ``BASE_IMAGE``
    and tagged ``BASE_ALIAS``; labelled with the root's name, so a new root is imported
    again.

    :returns: the seconds the import took in this test run, or None when an earlier
        run imported it.
    """
    root = debootstrap_root("python-slim", BASE_PACKAGES)
    record = CONTAINERS / "base-image.json"
    with FileLock(str(CONTAINERS / "base-image.lock")):
        labels = f'{{{{index .Labels "{LABEL}"}}}}'
        label = tool("podman", "image", "inspect", "--format", labels, BASE_ALIAS, check=False)
        if label.strip() != root.name:
            earlier = tool("podman", "images", "--quiet", BASE_ALIAS).split()
            started = time.monotonic()
            managed = f"./usr/lib/python{PYTHON_VERSION}/EXTERNALLY-MANAGED"
            archive = subprocess.Popen(
                ["tar", "-C", root, f"--exclude={managed}", "-cf", "-", "."],
                stdout=subprocess.PIPE,
            )
            imported = subprocess.run(
                ["podman", "import", "--change", f"ENV PATH={BASE_PATH}",
                 "--change", f"LABEL {LABEL}={root.name}", "-", BASE_IMAGE],
                stdin=archive.stdout, env={**os.environ, **engine_env()},
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False,
            )  # fmt: skip
            archive.stdout.close()
            assert archive.wait() == 0 and imported.returncode == 0, imported.stdout
            tool("podman", "tag", BASE_IMAGE, BASE_ALIAS)
            for old in earlier:
                tool("podman", "rmi", old, check=False)  # refused while images build on it
            seconds = round(time.monotonic() - started, 1)
            record.write_text(json.dumps({"run": run_id(), "seconds": seconds}))
        imported_by = json.loads(record.read_text()) if record.exists() else {}
    return imported_by.get("seconds") if imported_by.get("run") == run_id() else None


@dataclass
class Build:
    """An image built from a rendered project: its tag, build seconds and size (MB)."""

    tag: str
    seconds: float
    size_mb: float


def build(project: Path, name: str) -> Build:
    """The image of ``project`` as ``localhost/<name>:<run id>``, built once per test run
    (parallel workers wait on a lock and share it) with
    ``buildah bud --layers=false --format docker --network host``: no layer cache (a
    stale bind-mounted layer would hide a broken build) and the Docker format (OCI drops
    HEALTHCHECK). Earlier runs' images of ``name`` are removed first.
    """
    repository = f"localhost/{name}"
    tag = f"{repository}:{run_id()[:12]}"
    record = CONTAINERS / f"build-{name}.json"
    with FileLock(str(CONTAINERS / f"build-{name}.lock")):
        known = json.loads(record.read_text()) if record.exists() else {}
        if known.get("tag") != tag or not tool("podman", "images", "--quiet", tag).strip():
            for old in tool("podman", "images", "--quiet", repository).split():
                tool("podman", "rmi", "--force", old, check=False)
            started = time.monotonic()
            tool("buildah", "bud", "--layers=false", "--format", "docker", "--network", "host",
                 "--tag", tag, project, timeout=600)  # fmt: skip
            seconds = round(time.monotonic() - started, 1)
            size = int(tool("podman", "image", "inspect", "--format", "{{.Size}}", tag))
            known = {"tag": tag, "seconds": seconds, "size_mb": round(size / 1e6)}
            record.write_text(json.dumps(known))
    return Build(**known)


def image_config(tag: str) -> dict:
    """The image's configuration (``Cmd``, ``User``, ``Env``...) and its ``Healthcheck``
    (None when it has none)."""
    (image,) = json.loads(tool("podman", "image", "inspect", tag))
    return {**image["Config"], "Healthcheck": image.get("Healthcheck")}


@dataclass
class Container:
    """A container started by ``container()``."""

    id: str

    def logs(self) -> str:
        return tool("podman", "logs", self.id, check=False)

    def hostname(self) -> str:
        return tool("podman", "inspect", "--format", "{{.Config.Hostname}}", self.id).strip()

    def running(self) -> bool:
        return tool("podman", "inspect", "--format", "{{.State.Running}}", self.id) == "true\n"

    def exec(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """``podman exec`` in the container, with ``env`` added to its environment; the
        completed process, output in stdout."""
        command = ["podman", "exec", *env_options(env or {}), self.id, *args]
        return run(command, cwd=CONTAINERS, env=engine_env(), timeout=60)

    def stop(self, grace: int, pre_stop: list[str] = ()) -> tuple[int, float]:
        """Stop as Kubernetes does: run the ``pre_stop`` command in the container, then
        ``podman stop``: SIGTERM, SIGKILL when ``grace`` seconds have passed since the
        start of the stop.

        :returns: the container's exit code (137 when it had to be killed) and the
            seconds from the start of the stop to the container's exit.
        """
        started = time.monotonic()
        if pre_stop:
            result = self.exec(*pre_stop)
            assert result.returncode == 0, f"preStop {pre_stop}: {result.stdout}"
        left = max(0, round(grace - (time.monotonic() - started)))
        tool("podman", "stop", "--time", str(left), self.id, timeout=left + 30)
        seconds = round(time.monotonic() - started, 1)
        return int(tool("podman", "inspect", "--format", "{{.State.ExitCode}}", self.id)), seconds


def env_options(env: dict[str, str]) -> list[str]:
    """``--env KEY=VALUE`` options for ``env``."""
    return [f"--env={key}={value}" for key, value in env.items()]


@contextlib.contextmanager
def container(tag: str, *command: str, env: dict[str, str], options: list[str] = ()
              ) -> Iterator[Container]:  # fmt: skip
    """Run ``tag`` (``command`` instead of its CMD when given) detached on the host's
    network with ``env`` and podman ``options``; yield it; remove it at exit.

    podman cannot time the image's HEALTHCHECK here (its timers need systemd, and it
    says so in its output): the tests run it with ``podman healthcheck run``.
    """
    output = tool(
        "podman", "run", "--detach", "--network", "host", *env_options(env), *options, tag,
        *command,
    )  # fmt: skip
    (container_id,) = re.findall(r"^[0-9a-f]{64}$", output, re.MULTILINE)
    started = Container(container_id)
    try:
        yield started
    finally:
        tool("podman", "rm", "--force", "--time", "0", started.id, check=False)


def run_once(tag: str, *command: str, env: dict[str, str], options: list[str] = ()) -> str:
    """Run ``command`` in a throwaway container of ``tag`` on the host's network; fail
    with its output unless it exits 0; return the output."""
    return tool(
        "podman", "run", "--rm", "--network", "host", *env_options(env), *options, tag, *command
    )


@contextlib.contextmanager
def volume() -> Iterator[str]:
    """A named volume of its own (what compose's named volumes are); removed at exit."""
    name = f"cfs-{uuid.uuid4().hex[:12]}"
    tool("podman", "volume", "create", name)
    try:
        yield name
    finally:
        tool("podman", "volume", "rm", "--force", name, check=False)


def port_lock(port: int) -> FileLock:
    """A lock held while a container listens on the host's ``port`` (the image's fixed
    port, on the host's network): tests of parallel workers take turns."""
    return FileLock(str(CONTAINERS / f"port-{port}.lock"))


def wait_for(web: Container, url: str, timeout: float = 60) -> float:
    """Wait until ``url`` (the app in ``web``) answers, whatever its status.

    :returns: the seconds it took.
    :raises AssertionError: with the container's logs when it stops or stays silent.
    """
    started = time.monotonic()
    wait_until(lambda: answers(url), f"{url}: an answer", timeout, web.running, web.logs)
    return round(time.monotonic() - started, 1)
