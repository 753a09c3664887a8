"""A Debian booted under systemd-nspawn, on this host's network, following
../shared/DESIGN.md's recipe: cgroup v2 in a private mount namespace, in a cgroup of its
own; commands run in it with nsenter.

The root filesystem is an overlay: the cached debootstrap root below, a directory of the
test above, so that the cached root stays clean and the container keeps its state across
a reboot (``--volatile=overlay`` would drop it). The overlay is mounted in the same
private mount namespace, so it goes away with the container.
"""

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

#: The container's environment: none of this process's (pip settings and the like).
ENVIRONMENT = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "LANG": "C.UTF-8",
}
CGROUP2 = Path("/sys/fs/cgroup/unified")
#: What the Debian installer writes to /etc/hosts and debootstrap does not: without it
#: ``localhost`` (the env file's database and Redis host) does not resolve, nor the
#: host's name (sudo says it cannot resolve it).
HOSTS = """127.0.0.1\tlocalhost
127.0.1.1\t{hostname}
::1\t\tlocalhost ip6-localhost ip6-loopback
"""


class Container:
    """A Debian root booted with systemd as PID 1: ``boot()``, ``run()``, ``reboot()``,
    ``stop()``. ``state`` holds the overlay's upper and work directories."""

    def __init__(self, name: str, root: Path, state: Path) -> None:
        self.name, self.root, self.state = name, root, state
        self.cgroup = CGROUP2 / f"nspawn-{name}"
        self.nspawn: subprocess.Popen | None = None
        self.leader = 0
        self.console = state / "console.log"

    def boot(self, timeout: float = 60) -> float:
        """Boot the container and wait until its systemd reports the system running;
        returns the seconds it took. Fails with the console's output."""
        assert self.nspawn is None, "already booted"
        for name in ("upper", "work", "merged"):
            (self.state / name).mkdir(exist_ok=True)
        if not (self.root / "etc/hosts").exists():
            (self.state / "upper/etc").mkdir(exist_ok=True)
            hostname = (self.root / "etc/hostname").read_text().strip()
            (self.state / "upper/etc/hosts").write_text(HOSTS.format(hostname=hostname))
        self.cgroup.mkdir(exist_ok=True)
        overlay = f"lowerdir={self.root},upperdir={self.state}/upper,workdir={self.state}/work"
        script = f"""set -e
umount -R /sys/fs/cgroup
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t overlay overlay -o {overlay} {self.state}/merged
echo $$ > /sys/fs/cgroup/nspawn-{self.name}/cgroup.procs
exec systemd-nspawn -b -D {self.state}/merged -M {self.name} --register=no \\
    --keep-unit --console=passive
"""
        started = time.monotonic()
        with self.console.open("a") as console:
            self.nspawn = subprocess.Popen(
                ["unshare", "--mount", "--propagation", "private", "bash", "-c", script],
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = started + timeout
        while True:
            assert self.nspawn.poll() is None, f"nspawn exited:\n{self.console.read_text()}"
            assert time.monotonic() < deadline, f"no boot in {timeout} s:\n{self.log()}"
            if not self.leader:
                found = subprocess.run(
                    ["pgrep", "-P", str(self.nspawn.pid), "-x", "systemd"],
                    stdout=subprocess.PIPE,
                    text=True,
                    check=False,
                )
                self.leader = int(found.stdout.split()[0]) if found.stdout.strip() else 0
            if self.leader:
                state = self.run(["systemctl", "is-system-running", "--wait"], timeout=timeout)
                if state.stdout.strip() in ("running", "degraded"):
                    assert state.stdout.strip() == "running", self.run(
                        ["systemctl", "--failed", "--no-pager"]
                    ).stdout
                    return time.monotonic() - started
            time.sleep(0.1)

    def run(
        self,
        command: list[str],
        input: str | None = None,
        timeout: float = 300,
        stderr: int = subprocess.STDOUT,
    ) -> subprocess.CompletedProcess:
        """Run ``command`` as root in the container, in its environment (ENVIRONMENT);
        stderr merged into ``stdout`` unless ``stderr=subprocess.PIPE``."""
        return subprocess.run(
            self.argv(command),
            input=input,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            timeout=timeout,
            check=False,
        )

    def argv(self, command: list[str]) -> list[str]:
        """The host's command line that runs ``command`` as ``run()`` does, for a
        process of the container that runs in the background (``subprocess.Popen``)."""
        assert self.leader, "not booted"
        return ["nsenter", "-t", str(self.leader), "-a", "env", "-i",
                *(f"{key}={value}" for key, value in ENVIRONMENT.items()), *command]  # fmt: skip

    def log(self) -> str:
        """The console's output and, when systemd answers, its failed units."""
        text = self.console.read_text()
        if self.leader and self.nspawn and self.nspawn.poll() is None:
            text += self.run(["systemctl", "--failed", "--no-pager"], timeout=10).stdout
        return text

    def reboot(self) -> float:
        """``systemctl reboot``: wait for nspawn to exit, boot again on the same state;
        returns the seconds from the command to the system running again."""
        started = time.monotonic()
        self.run(["systemctl", "reboot"])
        self.wait_exit(60)
        self.remove_cgroups()
        self.boot()
        return time.monotonic() - started

    def wait_exit(self, timeout: float) -> None:
        """Wait for nspawn to exit: SIGTERM (a clean poweroff) after ``timeout``, SIGKILL
        after twice that."""
        assert self.nspawn is not None
        try:
            self.nspawn.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.nspawn.send_signal(signal.SIGTERM)
            try:
                self.nspawn.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.nspawn.kill()
                self.nspawn.wait()
        self.nspawn, self.leader = None, 0

    def stop(self) -> None:
        """Power the container off (SIGTERM to nspawn if systemd does not answer) and
        remove its cgroup directories and nspawn's leftovers on the host."""
        if self.nspawn is not None:
            if self.nspawn.poll() is None and self.leader:
                self.run(["systemctl", "poweroff"], timeout=30)
            self.wait_exit(30)
        self.remove_cgroups()
        shutil.rmtree(Path("/run/systemd/nspawn/propagate") / self.name, ignore_errors=True)

    def remove_cgroups(self) -> None:
        """Remove the container's cgroup tree, deepest first (killing any process left)."""
        if not self.cgroup.exists():
            return
        if (self.cgroup / "cgroup.kill").exists():
            (self.cgroup / "cgroup.kill").write_text("1")
        for directory in sorted(
            (path for path in self.cgroup.rglob("*") if path.is_dir()),
            key=lambda path: len(path.parts),
            reverse=True,
        ):
            directory.rmdir()
        for _ in range(50):
            try:
                self.cgroup.rmdir()
                return
            except OSError:
                time.sleep(0.1)
        self.cgroup.rmdir()


def missing_tools() -> list[str]:
    """The tools a container needs that this host lacks."""
    tools = ("systemd-nspawn", "unshare", "nsenter", "pgrep")
    return [name for name in tools if not shutil.which(name)] + (
        [] if CGROUP2.is_dir() and os.geteuid() == 0 else ["root and cgroup v2 at " + str(CGROUP2)]
    )
