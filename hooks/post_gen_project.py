"""Post-generation hook: prune what was not chosen, then write a development ``.env``.

Every file is rendered first; small ``remove_*`` functions delete what the answers did
not choose (the approach of cookiecutter-django's hooks). Runs offline, standard library
only.
"""

import re
import secrets
import shlex
import shutil
from pathlib import Path

PROJECT = Path.cwd()


def remove(*relative_paths: str) -> None:
    """Delete files or directories of the generated project; missing ones are ignored."""
    for relative in relative_paths:
        path = PROJECT / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def remove_gitlab_ci() -> None:
    """No GitLab CI file when another CI, or none, was chosen."""
    remove(".gitlab-ci.yml")


def remove_github_ci() -> None:
    """No GitHub Actions workflow, nor Dependabot configuration, when another CI, or none,
    was chosen."""
    remove(".github")


def remove_renovate() -> None:
    """Renovate keeps the dependencies current on GitLab only (Dependabot on GitHub)."""
    remove("renovate.json")


PACKAGE = "{{ cookiecutter.project_slug }}"


def remove_pages() -> None:
    """API-only style: no pages, forms, Jinja templates or static files, nor their tests."""
    remove(
        f"{PACKAGE}/auth.py",
        f"{PACKAGE}/todos.py",
        f"{PACKAGE}/forms.py",
        f"{PACKAGE}/templates",
        f"{PACKAGE}/static",
        "tests/test_auth.py",
        "tests/test_auth_rate_limits.py",
        "tests/test_todos.py",
    )


def remove_cache() -> None:
    """No cache layer: no cache tests (the code paths are left out at render time)."""
    remove("tests/test_cache.py")


def remove_redis() -> None:
    """Neither cache nor worker: no Redis, so rate limits are counted in memory only."""
    remove("tests/test_rate_limits_redis.py")


def remove_celery() -> None:
    """No background worker: no Celery app, tasks, worker entry point or their tests, and
    no worker or beat process in the deploy artifacts."""
    remove(
        f"{PACKAGE}/tasks.py",
        f"{PACKAGE}/task_metrics.py",
        f"{PACKAGE}/worker.py",
        f"{PACKAGE}/api/tasks.py",
        "tests/test_tasks.py",
        "tests/test_worker.py",
        "tests/test_task_metrics.py",
        "k8s/worker-deployment.yaml",
        "k8s/beat-deployment.yaml",
        f"deploy/systemd/{PACKAGE}-worker.service",
        f"deploy/systemd/{PACKAGE}-beat.service",
    )


def remove_cors() -> None:
    """No CORS: no CORS tests."""
    remove("tests/test_cors.py")


def remove_docker() -> None:
    """No image build for systemd + nginx: the service runs from a virtualenv on the host."""
    remove("Dockerfile", ".dockerignore")


def remove_compose() -> None:
    """Compose is the Docker target's deployment; Kubernetes has its manifests instead."""
    remove("compose.yaml")


def remove_kubernetes() -> None:
    """Kubernetes manifests only for the kubernetes target."""
    remove("k8s")


def remove_systemd_nginx() -> None:
    """systemd units, nginx site and install script only for the systemd-nginx target."""
    remove("deploy")


def remove_license() -> None:
    """A proprietary project ships no open-source LICENSE file."""
    remove("LICENSE")


#: Variables of ``.env.example`` that get a fresh random value in ``.env``.
SECRETS = ("SECRET_KEY", "POSTGRES_PASSWORD", "MARIADB_PASSWORD")


def write_dotenv() -> None:
    """Write ``.env`` from ``.env.example``, each of ``SECRETS`` a fresh 32-byte hex value.

    ``.env`` is ignored by git; each rendered project gets its own secrets, from the
    ``secrets`` module (a CSPRNG).
    """
    lines = []
    for line in (PROJECT / ".env.example").read_text(encoding="utf-8").splitlines():
        name = line.partition("=")[0]
        lines.append(f"{name}={secrets.token_hex(32)}" if name in SECRETS else line)
    (PROJECT / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")


def print_next_steps() -> None:
    """Print, to stdout, where the project is and what to run first: ``cd`` into it, then
    the first commands block of its README's quick start, as written there."""
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.partition("\n## Quickstart")[2]
    commands = re.search(r"```bash\n(.*?)```", quickstart, re.DOTALL).group(1)
    print(
        f"Created {PROJECT}. Next, as in its README.md (Quickstart):\n\n"
        f"    cd {shlex.quote(str(PROJECT))}\n"
        + "".join(f"    {line}\n" for line in commands.splitlines())
    )


def main() -> None:
    """Apply the answers of this render."""
    if "{{ cookiecutter.app_style }}" == "api":
        remove_pages()
    if "{{ cookiecutter.cache }}" == "none":
        remove_cache()
    if "{{ cookiecutter.worker }}" == "none":
        remove_celery()
    if "{{ cookiecutter.cache }}" == "none" and "{{ cookiecutter.worker }}" == "none":
        remove_redis()
    if "{{ cookiecutter.use_cors }}" != "True":
        remove_cors()
    deploy_target = "{{ cookiecutter.deploy_target }}"
    if deploy_target == "systemd-nginx":
        remove_docker()
    if deploy_target != "docker":
        remove_compose()
    if deploy_target != "kubernetes":
        remove_kubernetes()
    if deploy_target != "systemd-nginx":
        remove_systemd_nginx()
    if "{{ cookiecutter.ci }}" != "github":
        remove_github_ci()
    if "{{ cookiecutter.ci }}" != "gitlab":
        remove_gitlab_ci()
        remove_renovate()
    if "{{ cookiecutter.open_source_license }}" == "Proprietary":
        remove_license()
    write_dotenv()
    print_next_steps()


if __name__ == "__main__":
    main()
