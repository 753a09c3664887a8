"""The systemd + nginx deploy target's units, env file and install script, checked with
the tools that consume them: ``systemd-analyze verify`` and ``security``, shellcheck.
(The nginx site is checked, and run for real, in test_nginx.py.)

A missing tool fails the test; shellcheck comes with ``requirements-dev.txt``.
"""

import re
import signal
import subprocess
from pathlib import Path

import pytest

from ...helpers import BIN, parse_env_file, run
from .deploy_files import (
    APP_DIR,
    MAX_EXPOSURE,
    SLUG,
    SOCKET_PATH,
    VENV_BIN,
    parse_unit,
    systemd_root,
    tool,
    unit_files,
    values,
)


def test_target_renders_units_site_and_install_script_and_nothing_of_docker(bake, render) -> None:
    project = render()
    deploy = {str(p.relative_to(project)) for p in (project / "deploy").rglob("*") if p.is_file()}
    assert deploy == {
        "deploy/README.md",
        "deploy/install.sh",
        f"deploy/{SLUG}.env.example",
        f"deploy/nginx/{SLUG}.conf",
        f"deploy/systemd/{SLUG}.socket",
        f"deploy/systemd/{SLUG}.service",
        f"deploy/systemd/{SLUG}-worker.service",
        f"deploy/systemd/{SLUG}-beat.service",
    }
    for name in ("Dockerfile", ".dockerignore", "compose.yaml", "compose.md", "k8s"):
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
    assert values(web, "Service", "Environment") == [
        f"GUNICORN_BIND=unix:{SOCKET_PATH}",
        "PYTHONUNBUFFERED=1",
    ]
    assert values(web, "Unit", "Requires") == [f"{SLUG}.socket"]
    assert values(web, "Service", "ExecStart") == [
        f"{VENV_BIN}/gunicorn -c gunicorn.conf.py {SLUG}.wsgi:app"
    ]
    # --quiet: no plain-text banner among the JSON lines (see test_processes).
    assert values(worker, "Service", "ExecStart") == [f"{celery} --quiet worker --loglevel INFO"]
    # The worker's metrics: its pool processes' samples in its private /tmp, served on
    # 127.0.0.1 (the default, which the env file keeps).
    assert values(worker, "Service", "Environment") == [
        "PYTHONUNBUFFERED=1",
        "PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus",
    ]
    assert values(worker, "Service", "PrivateTmp") == ["yes"]
    assert "METRICS_HOST" not in parse_env_file(project / "deploy" / f"{SLUG}.env.example")
    assert values(beat, "Service", "ExecStart") == [
        f"{celery} --quiet beat --loglevel INFO --schedule /var/lib/{SLUG}/celerybeat-schedule"
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


def essential_package(path: str) -> str | None:
    """The Debian package that ships ``path`` on this host, if it is Essential (on every
    Debian system, minbase included), else None."""
    result = run([tool("dpkg"), "-S", path], cwd=Path("/"))
    assert result.returncode == 0, f"no Debian package ships {path}:\n{result.stdout}"
    owners = [line.partition(": ")[0] for line in result.stdout.splitlines()]
    (package,) = [owner for owner in owners if not owner.startswith("diversion by")]
    query = [tool("dpkg-query"), "-W", "-f=${Essential}", package]
    return package if run(query, cwd=Path("/")).stdout == "yes" else None


def test_units_run_nothing_a_minimal_debian_lacks(project: Path) -> None:
    """Every Exec*= command is the virtualenv's or comes with an Essential package: a
    minimal Debian (debootstrap --variant=minbase) has no procps, so no /bin/kill."""
    for path in unit_files(project):
        for section in parse_unit(path).values():
            for key, value in section:
                command = value.lstrip("@-:+!").split()[0] if key.startswith("Exec") else ""
                if command and not command.startswith(f"{VENV_BIN}/"):
                    assert essential_package(command), f"{path.name}: {key}={value}"


def test_reload_signals_the_main_process_with_the_shells_own_kill(render) -> None:
    """ExecReload=, with ${MAINPID} substituted as systemd does, sends SIGHUP to the
    main process with no PATH at all: kill is the shell's builtin."""
    web = parse_unit(render() / "deploy" / "systemd" / f"{SLUG}.service")
    (reload,) = values(web, "Service", "ExecReload")
    assert reload.startswith("/bin/sh -c '") and reload.endswith("'"), reload
    # SIGHUP's default action, whatever this run inherited (nohup ignores it, and children
    # keep an ignored signal ignored).
    main = subprocess.Popen(
        ["sleep", "60"], preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL)
    )
    try:
        script = reload.removeprefix("/bin/sh -c '").removesuffix("'")
        script = script.replace("${MAINPID}", str(main.pid))
        result = run(["/bin/sh", "-c", script], cwd=Path("/"), env={"PATH": None})
        assert result.returncode == 0, result.stdout
        assert main.wait(timeout=10) == -signal.SIGHUP
    finally:
        main.kill()
        main.wait()


def test_socket_unit_runs_no_command(project: Path) -> None:
    """`systemd-analyze security` scores the sandbox of a unit's processes and is made
    for service units; the socket unit starts none (systemd itself listens), which is
    what keeps it out of the exposure test above."""
    socket_unit = parse_unit(project / "deploy" / "systemd" / f"{SLUG}.socket")
    assert set(socket_unit) == {"Unit", "Socket", "Install"}
    assert not [key for key, _ in socket_unit["Socket"] if key.startswith("Exec")]
    assert values(socket_unit, "Socket", "SocketMode") == ["0600"]


def test_install_script_passes_shellcheck(project: Path) -> None:
    shellcheck = BIN / "shellcheck"
    if not shellcheck.exists():
        pytest.fail("shellcheck is missing from .venv: pip install -r requirements-dev.txt")
    scripts = sorted((project / "deploy").glob("*.sh"))
    assert scripts
    result = run([shellcheck, *scripts], cwd=project)
    assert result.returncode == 0, result.stdout
