"""Post-generation hook: prune what was not chosen, then write a development ``.env``.

Every file is rendered first; small ``remove_*`` functions delete what the answers did
not choose (the approach of cookiecutter-django's hooks). Runs offline, standard library
only.
"""

import re
import secrets
import shlex
import shutil
import tomllib
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
#: The templates of ``flask scaffold``; their paths name what they write.
SCAFFOLD = f"{PACKAGE}/core/scaffold/templates"


def remove_pages() -> None:
    """API-only style: no pages, forms, Jinja templates or static files, nor their tests, nor
    the scaffold's templates of them."""
    remove(
        f"{PACKAGE}/core/error_pages.py",
        f"{PACKAGE}/users/views.py",
        f"{PACKAGE}/users/forms.py",
        f"{PACKAGE}/todos/views.py",
        f"{PACKAGE}/todos/forms.py",
        f"{PACKAGE}/templates",
        f"{PACKAGE}/static",
        SCAFFOLD + "/{package}/{name}/views.py.jinja",
        SCAFFOLD + "/{package}/{name}/forms.py.jinja",
        SCAFFOLD + "/{package}/templates",
        SCAFFOLD + "/tests/pages",
        "tests/pages",
    )


def remove_lines(relative: str, *needles: str) -> None:
    """Delete the lines of a file that hold any of ``needles`` (for the files copied
    copied without rendering, the Flask templates, which no template condition can reach)."""
    path = PROJECT / relative
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(
        "".join(line for line in lines if not any(needle in line for needle in needles)),
        encoding="utf-8",
    )


def remove_example() -> None:
    """No example feature: no todos package, pages, migration, tests, nor links to them."""
    remove(
        f"{PACKAGE}/todos",
        f"{PACKAGE}/templates/todos",
        "migrations/versions/0002_todos.py",
        "tests/pages/test_todos.py",
        "tests/pages/test_todos_tasks.py",
        "tests/test_todos_api.py",
        "tests/test_todos_cache.py",
        "tests/test_todos_tasks.py",
        "tests/test_api_costs.py",
    )
    if (PROJECT / PACKAGE / "templates").is_dir():
        remove_lines(f"{PACKAGE}/templates/base.html", "todos.index")
        remove_lines(f"{PACKAGE}/templates/index.html", "todos.index", "what there is to do")


def remove_cache() -> None:
    """No cache layer: no cache module, with its settings, nor cache tests (the code paths
    are left out at render time)."""
    remove(f"{PACKAGE}/core/cache.py", "tests/test_cache.py", "tests/test_todos_cache.py")


def remove_redis() -> None:
    """Neither cache nor worker: no Redis, so rate limits are counted in memory only."""
    remove("tests/test_rate_limits_redis.py")


def remove_celery() -> None:
    """No background worker: no Celery app with its settings, tasks, worker entry point or
    their tests, and no worker or beat process in the deploy artifacts."""
    remove(
        f"{PACKAGE}/core/tasks.py",
        f"{PACKAGE}/core/task_metrics.py",
        f"{PACKAGE}/worker.py",
        f"{PACKAGE}/main/tasks.py",
        f"{PACKAGE}/todos/tasks.py",
        "tests/test_tasks.py",
        "tests/test_todos_tasks.py",
        "tests/pages/test_todos_tasks.py",
        "tests/test_worker.py",
        "tests/test_task_metrics.py",
        "k8s/worker-deployment.yaml",
        "k8s/beat-deployment.yaml",
        f"deploy/systemd/{PACKAGE}-worker.service",
        f"deploy/systemd/{PACKAGE}-beat.service",
    )


def remove_cors() -> None:
    """No CORS: no CORS module, with its settings, nor its tests."""
    remove(f"{PACKAGE}/core/cors.py", "tests/test_cors.py")


def remove_error_tracking() -> None:
    """No Sentry: no error-tracking module nor its tests."""
    remove(f"{PACKAGE}/core/error_tracking.py", "tests/test_error_tracking.py")


def remove_tracing() -> None:
    """No OpenTelemetry: no tracing module nor its tests."""
    remove(f"{PACKAGE}/core/tracing.py", "tests/test_tracing.py")


def remove_docker() -> None:
    """No image build for systemd + nginx: the service runs from a virtualenv on the host."""
    remove("Dockerfile", ".dockerignore")


def remove_compose() -> None:
    """Compose is the Docker target's deployment, with its guide; Kubernetes has its
    manifests instead."""
    remove("compose.yaml", "compose.md")


def remove_kubernetes() -> None:
    """Kubernetes manifests and their guide only for the kubernetes target."""
    remove("k8s")


def remove_systemd_nginx() -> None:
    """systemd units, nginx site, install script and their guide only for the
    systemd-nginx target."""
    remove("deploy")


def remove_license() -> None:
    """A proprietary project ships no open-source LICENSE file."""
    remove("LICENSE")


def normalized(name: str) -> str:
    """A distribution name as uv.lock writes it (PEP 503): lowercase, runs of ``-_.`` as ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_names(requirements: list[str]) -> set[str]:
    """The normalized distribution names of PEP 508 requirement strings."""
    return {normalized(re.match(r"[A-Za-z0-9._-]+", line).group()) for line in requirements}


def lock_blocks(text: str) -> tuple[str, list[str]]:
    """Split uv.lock's text into its header (``version``, ``requires-python``...) and
    the text of each ``[[package]]`` table; joined with newlines they give ``text`` back."""
    header, *packages = text.split("\n[[package]]\n")
    return header, [f"[[package]]\n{block}" for block in packages]


def drop_entries(block: str, array: str, keep) -> str:
    """Remove from ``block`` each line of its multi-line ``array`` (``dependencies = [``)
    that names a package ``keep(name)`` rejects."""
    lines, inside = [], False
    for line in block.splitlines(keepends=True):
        if line.startswith(f"{array} = ["):
            inside = True
        elif inside and line.startswith("]"):
            inside = False
        elif inside and not keep(re.search(r'name = "([^"]+)"', line).group(1)):
            continue
        lines.append(line)
    return "".join(lines)


def keep_extras(block: str, extras: set[str]) -> str:
    """Remove from a package's ``[package.optional-dependencies]`` table the extras not in
    ``extras`` (no kept package asks for them); the table goes when none is left."""
    head, found, rest = block.partition("[package.optional-dependencies]\n")
    if not found:
        return block
    body, blank, tail = rest.partition("\n\n")  # the table ends at a blank line or the end
    entries = re.split(r"(?m)^(?=[a-z0-9._-]+ = \[)", body + ("\n" if blank else ""))
    kept = "".join(entry for entry in entries if entry.partition(" = ")[0] in extras)
    if not kept:
        return head + tail if blank else head[:-1]
    return head + found + kept + ("\n" + tail if blank else "")


def reachable(tables: list[dict], entries: list[dict]) -> dict[int, set[str]]:
    """The packages that the dependency ``entries`` reach, directly or not, as indices
    into ``tables`` (uv.lock's ``[[package]]`` tables), each with the extras asked of it.

    An entry is ``{"name": ..., "extra": [...]}``, with ``"version"`` where the lock
    holds several versions of that name (a fork by Python version); an extra's entries
    are followed as well (``celery[redis]`` reaches ``kombu[redis]``).
    """
    index = {(table["name"], table["version"]): i for i, table in enumerate(tables)}
    only = {table["name"]: i for i, table in enumerate(tables)}  # names without a fork
    found: dict[int, set[str]] = {}
    while entries:
        entry = entries.pop()
        package = (
            index[entry["name"], entry["version"]] if "version" in entry else only[entry["name"]]
        )
        new = set(entry.get("extra", [])) - found.get(package, set())
        if package not in found:
            entries += tables[package].get("dependencies", [])
        elif not new:
            continue
        found.setdefault(package, set()).update(new)
        for extra in new:
            entries += tables[package]["optional-dependencies"][extra]
    return found


#: A package's ``sdist`` line and ``wheels`` array: download URLs and hashes, most of the
#: lock's text, which the pruning never reads; left out of what ``tomllib`` parses.
ARTIFACTS = re.compile(r"^sdist = [^\n]*\n|^wheels = \[\n.*?^\](?:\n|\Z)", re.M | re.S)


def prune_lock() -> None:
    """Prune ``uv.lock`` (the template's lock of every option at once, made by
    ``scripts/lock.py``) to what this project's ``pyproject.toml`` needs.

    Keeps the packages reachable from the project's dependencies and dev group, following
    extras (``celery[redis]`` reaches ``kombu[redis]``); drops the extras no kept
    package asks for; writes the project's name and version and its own dependencies into
    its entry. Offline, without uv: ``uv lock --check`` accepts the result, and
    ``uv lock`` leaves it as it is (both tested for every dependency set).
    """
    lock = PROJECT / "uv.lock"
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = requirement_names(project["dependencies"])
    header, blocks = lock_blocks(lock.read_text(encoding="utf-8"))
    tables = [tomllib.loads(ARTIFACTS.sub("", block))["package"][0] for block in blocks]
    root = next(i for i, table in enumerate(tables) if "editable" in table["source"])
    kept = reachable(
        tables,
        [
            *(entry for entry in tables[root]["dependencies"] if entry["name"] in wanted),
            *(entry for group in tables[root]["dev-dependencies"].values() for entry in group),
        ],
    )
    kept[root] = set()

    name, version = normalized(project["name"]), project["version"]
    version = re.sub(r"\d+", lambda number: str(int(number.group())), version)
    text = [header]
    for index, block in enumerate(blocks):
        if index == root:
            block = re.sub(r'^name = ".*"$', f'name = "{name}"', block, count=1, flags=re.M)
            block = re.sub(
                r'^version = ".*"$', f'version = "{version}"', block, count=1, flags=re.M
            )
            block = drop_entries(block, "dependencies", wanted.__contains__)
            block = drop_entries(block, "requires-dist", wanted.__contains__)
        elif index in kept:
            block = keep_extras(block, kept[index])
        else:
            continue
        text.append(block)
    if not any("resolution-markers" in tables[i] for i in kept):
        text[0] = re.sub(r"^resolution-markers = \[\n.*?^\]\n", "", header, flags=re.M | re.S)
    lock.write_text("\n".join(text), encoding="utf-8")


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
    if "{{ cookiecutter.example }}" == "none":
        remove_example()
    if "{{ cookiecutter.cache }}" == "none":
        remove_cache()
    if "{{ cookiecutter.worker }}" == "none":
        remove_celery()
    if "{{ cookiecutter.cache }}" == "none" and "{{ cookiecutter.worker }}" == "none":
        remove_redis()
    if "{{ cookiecutter.use_cors }}" != "True":
        remove_cors()
    if "{{ cookiecutter.error_tracking }}" != "sentry":
        remove_error_tracking()
    if "{{ cookiecutter.tracing }}" != "opentelemetry":
        remove_tracing()
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
    prune_lock()
    write_dotenv()
    print_next_steps()


if __name__ == "__main__":
    main()
