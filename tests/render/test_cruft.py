"""Template updates with cruft: ``cruft create`` records the template, ``cruft update``
brings a later template change into a project with commits of its own, ``cruft check``
tells the two apart; renders are deterministic but for the secrets of ``.env``.

The template under test is the working tree (committed into a git repository of the
test's own), not only the last commit of this clone.
"""

import json
import shutil
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

from ..helpers import BIN, DEFAULT_SLUG, ROOT, project_files, run

#: git's identity for the commits the tests make, and no user configuration.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Template Test",
    "GIT_AUTHOR_EMAIL": "template-test@example.com",
    "GIT_COMMITTER_NAME": "Template Test",
    "GIT_COMMITTER_EMAIL": "template-test@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
}


def git(cwd: Path, *args: str) -> str:
    """Run ``git ARGS`` in ``cwd``; its output. Fails the test when git fails."""
    result = run(["git", *args], cwd=cwd, env=GIT_ENV)
    assert result.returncode == 0, f"git {' '.join(args)}:\n{result.stdout}"
    return result.stdout


def commit_all(repo: Path, message: str) -> None:
    """Stage every change of ``repo`` (a git work tree) and commit it."""
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", message)


def template_repository(destination: Path) -> Path:
    """A git repository at ``destination`` whose one commit holds the template's working
    tree as it is now: tracked and new files, without what .gitignore ignores."""
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    git(destination, "init", "--quiet")
    commit_all(destination, "The template as the tests found it")
    return destination


def cruft(project: Path, *args: str):
    """Run ``cruft ARGS`` (the template's pinned cruft) in ``project``."""
    return run([BIN / "cruft", *args], cwd=project, env=GIT_ENV)


def bump(lock: str, package: str) -> str:
    """``lock`` (uv.lock's text) with ``package``'s version given one more patch level:
    a stand-in for a dependency update (the hashes are left as they are; nothing installs
    it)."""
    head = f'\nname = "{package}"\nversion = "'
    start = lock.index(head) + len(head)
    end = lock.index('"', start)
    major_minor, _, patch = lock[start:end].rpartition(".")
    return f"{lock[:start]}{major_minor}.{int(patch) + 1}{lock[end:]}"


def test_cruft_update_brings_a_template_change_into_an_edited_project(tmp_path: Path) -> None:
    template = template_repository(tmp_path / "template")
    answers = {"project_name": "Flask Service", "database": "sqlite", "ci": "github"}
    created = cruft(tmp_path, "create", "--no-input", "--output-dir", "out",
                    "--extra-context", json.dumps(answers), str(template))  # fmt: skip
    assert created.returncode == 0, created.stdout
    project = tmp_path / "out" / DEFAULT_SLUG
    state = json.loads((project / ".cruft.json").read_text())
    assert state["commit"] == git(template, "rev-parse", "HEAD").strip()
    assert state["context"]["cookiecutter"]["database"] == "sqlite"
    version = json.loads((ROOT / "cookiecutter.json").read_text())["_template_version"]
    assert state["context"]["cookiecutter"]["_template_version"] == version
    dotenv = (project / ".env").read_bytes()

    # The team's own work: an edited README and config.py, a file of their own.
    git(project, "init", "--quiet")
    commit_all(project, "Generated with cruft")
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("\n## ", "\nOur team's notes.\n\n## ", 1))
    config = project / DEFAULT_SLUG / "config.py"
    config.write_text(config.read_text() + "\nTEAM_SETTING = 1\n")
    (project / "NOTES.md").write_text("Ours.\n")
    # A dependency update of their own (Dependabot's, or `uv lock --upgrade-package`).
    lock = project / "uv.lock"
    lock.write_text(bump(lock.read_text(), "werkzeug"))
    team_lock = lock.read_bytes()
    commit_all(project, "Team edits")
    assert cruft(project, "check").returncode == 0

    # The template's change: a line in a shared file the team did not touch, a line at
    # the end of one it did, and a new file.
    generated = template / "{{cookiecutter.project_slug}}"
    with (generated / ".gitignore").open("a") as gitignore:
        gitignore.write("\n.template-added/\n")
    with (generated / "README.md").open("a") as template_readme:
        template_readme.write("\nA line the template added.\n")
    template_lock = generated / "uv.lock"
    template_lock.write_text(bump(template_lock.read_text(), "flask"))
    contributing = "How to contribute to {{ cookiecutter.project_name }}.\n"
    (generated / "CONTRIBUTING.md").write_text(contributing)
    commit_all(template, "Template change")
    assert cruft(project, "check").returncode != 0, "cruft check missed the template change"

    updated = cruft(project, "update", "-y")
    assert updated.returncode == 0, updated.stdout
    assert (project / ".gitignore").read_text().endswith("\n.template-added/\n")
    assert (project / "CONTRIBUTING.md").read_text() == "How to contribute to Flask Service.\n"
    assert "\nOur team's notes.\n" in readme.read_text()
    assert readme.read_text().endswith("\nA line the template added.\n")
    assert config.read_text().endswith("\nTEAM_SETTING = 1\n")
    assert (project / "NOTES.md").read_text() == "Ours.\n"
    assert list(project.rglob("*.rej")) == []
    assert (project / ".env").read_bytes() == dotenv, "cruft update rewrote .env"
    assert lock.read_bytes() == team_lock, "cruft update patched uv.lock"
    assert (
        json.loads((project / ".cruft.json").read_text())["commit"]
        == git(template, "rev-parse", "HEAD").strip()
    )
    assert cruft(project, "check").returncode == 0


VARIANTS = [
    {},
    {"app_style": "api", "database": "mysql", "cache": "none", "worker": "none",
     "deploy_target": "kubernetes", "ci": "gitlab", "use_cors": "true"},
    {"database": "sqlite", "deploy_target": "systemd-nginx", "ci": "none",
     "url_prefix": "/svc", "open_source_license": "Proprietary"},
    {"database": "postgresql", "cache": "none", "worker": "celery", "python_version": "3.13",
     "deploy_target": "kubernetes", "open_source_license": "Apache-2.0"},
]  # fmt: skip


@pytest.mark.parametrize("answers", VARIANTS, ids=lambda a: "-".join(a.values()) or "default")
def test_renders_with_the_same_answers_differ_only_in_dotenv_secrets(
    tmp_path: Path, answers: dict[str, str]
) -> None:
    renders = []
    for name in ("first", "second"):
        path = cookiecutter(str(ROOT), no_input=True, extra_context=answers,
                            output_dir=str(tmp_path / name))  # fmt: skip
        renders.append(Path(path))
    first, second = (
        {path.relative_to(render): path.read_bytes() for path in project_files(render)}
        for render in renders
    )
    first_env, second_env = first.pop(Path(".env")), second.pop(Path(".env"))
    assert first == second
    secrets = [
        line.partition(b"=")[2]
        for line in first_env.splitlines()
        if line.startswith(b"SECRET_KEY=")
    ]
    assert secrets and first_env != second_env
    # No file but .env holds the render's secrets.
    assert not [name for name, content in first.items() if secrets[0] in content]
