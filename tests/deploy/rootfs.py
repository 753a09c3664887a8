"""Debian root filesystems for running the deploy targets for real (no registry and no
Docker engine here): a stand-in for the ``python:X-slim`` base image, and a Debian to
boot under systemd-nspawn.

Bootstrapped with debootstrap (about 90 s each) into ``ROOTFS_CACHE``, outside the
clone, and kept there for later runs: a root is rebuilt only when its package list
changes. The recipe is ../shared/DESIGN.md's "Running deploy targets for real".
"""

import hashlib
import os
import shutil
from pathlib import Path

from filelock import FileLock

from ..helpers import run

#: Where the roots are kept: ``$ROOTFS_CACHE``, else ``~/.cache/cookiecutter-flask-service``.
ROOTFS_CACHE = Path(
    os.environ.get("ROOTFS_CACHE", Path.home() / ".cache" / "cookiecutter-flask-service")
)
SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
#: The machine's own CA certificates (its TLS egress is signed by one of them).
LOCAL_CAS = Path("/usr/local/share/ca-certificates")


def debootstrap_root(name: str, packages: list[str]) -> Path:
    """A Debian ``SUITE`` minbase root filesystem holding ``packages``, with this
    machine's CA certificates trusted and its ``/etc/resolv.conf``.

    :param name: names the root (``ROOTFS_CACHE/<name>-<hash of packages>``).
    :param packages: Debian packages for debootstrap's ``--include``.
    :returns: the root's path; built once, under a file lock, marked ``ready`` last.
    :raises AssertionError: naming the step and its output when a step fails, or when
        not running as root (debootstrap and chroot need it).
    """
    assert os.geteuid() == 0, "debootstrap needs root: run the template tests as root"
    digest = hashlib.sha256(" ".join(sorted(packages)).encode()).hexdigest()[:12]
    root = ROOTFS_CACHE / f"{name}-{digest}"
    ROOTFS_CACHE.mkdir(parents=True, exist_ok=True)
    with FileLock(str(ROOTFS_CACHE / f"{root.name}.lock")):
        if (root / ".ready").exists():
            return root
        shutil.rmtree(root, ignore_errors=True)
        include = ",".join(sorted({*packages, "ca-certificates"}))
        step(["debootstrap", "--variant=minbase", f"--include={include}", SUITE, root, MIRROR])
        target = root / "usr/local/share/ca-certificates"
        target.mkdir(parents=True, exist_ok=True)
        for certificate in LOCAL_CAS.glob("*.crt"):
            shutil.copy(certificate, target / certificate.name)
        step(["chroot", root, "update-ca-certificates"])
        resolv = root / "etc/resolv.conf"
        resolv.unlink(missing_ok=True)
        shutil.copy("/etc/resolv.conf", resolv)
        (root / ".ready").write_text("ok\n")
    return root


def step(command: list[str | Path]) -> None:
    """Run one step of a bootstrap; fail with its output when it fails."""
    result = run(command, cwd=ROOTFS_CACHE, timeout=1800)
    assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout[-5000:]}"
