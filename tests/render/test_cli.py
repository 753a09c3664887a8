"""What rendering prints on the real command line, run as a user runs it (``cookiecutter .``
from the template's directory, ``HOME`` in a temporary directory for cookiecutter's replay
files): a render says where the project is and what to run first; a refused render tells
how to render again with the other answers kept, and the command it prints, with the
refused answer changed as it says, works in a shell.
"""

import json
import os
import shlex
import subprocess
import tomllib
from pathlib import Path

from ..helpers import BIN, ROOT, readme_section, shell_commands

#: Answers a shell would mangle unless quoted, and non-default choices to keep.
KEPT = {
    "project_name": "Rerun Svc",
    "author_name": 'O\'Brien "Z" C:\\dir $HOME `id` ; é',
    "description": "Tracks what's left & what's done: $(echo no) 100%",
    "database": "sqlite",
    "use_cors": "true",
    "url_prefix": "/svc",
}


def shell(command: str | list[str], home: Path) -> subprocess.CompletedProcess:
    """Run ``command`` (a bash line, or argv) from the template's directory."""
    env = {**os.environ, "HOME": str(home)}
    env.pop("COOKIECUTTER_CONFIG", None)
    args = ["bash", "-c", command] if isinstance(command, str) else command
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_printed_command_renders_with_the_answers_kept(tmp_path: Path) -> None:
    output = tmp_path / "out"
    answers = [f"{name}={value}" for name, value in KEPT.items()]
    first = shell(
        [BIN / "cookiecutter", "--no-input", ".", "--output-dir", output, *answers,
         "author_email=jane"],
        tmp_path,
    )  # fmt: skip
    assert first.returncode != 0
    assert "ERROR: author_email='jane' must be an e-mail address" in first.stderr
    assert "change author_email at its end and run it:" in first.stderr
    assert not any(output.iterdir())
    command = next(line for line in first.stderr.splitlines() if " -m cookiecutter " in line)
    assert command.endswith(" author_email=jane")

    second = shell(command.removesuffix("jane") + "jane@example.org", tmp_path)
    assert second.returncode == 0, second.stderr
    project = output / "rerun_svc"
    metadata = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    assert metadata["authors"] == [{"name": KEPT["author_name"], "email": "jane@example.org"}]
    assert metadata["description"] == KEPT["description"]
    assert (project / "tests" / "test_cors.py").is_file()
    assert "DATABASE_URL=sqlite:///" in (project / ".env").read_text()
    replay = json.loads((tmp_path / ".cookiecutter_replay" / f"{ROOT.name}.json").read_text())
    assert replay["cookiecutter"]["url_prefix"] == "/svc"


def test_render_prints_where_the_project_is_and_its_first_commands(tmp_path: Path) -> None:
    output = tmp_path / "out"
    done = shell(
        [BIN / "cookiecutter", "--no-input", ".", "--output-dir", output,
         "project_name=Next Steps", "database=mysql", "app_style=api"],
        tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    printed = [line.strip() for line in done.stdout.splitlines() if line.startswith("    ")]
    cd, *commands = printed
    project = Path(shlex.split(cd)[1])
    assert cd == f"cd {project}" and project == output / "next_steps" and project.is_dir()
    quickstart = shell_commands(readme_section(project, "Quickstart"))
    assert commands == quickstart[: len(commands)]
    assert commands[-1] == ".venv/bin/flask --app next_steps run --debug"
    assert any(line.startswith("mysql ") for line in commands)
    assert len(done.stdout.splitlines()) <= 10
