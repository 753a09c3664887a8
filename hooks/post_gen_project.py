"""Post-generation hook: prune what was not chosen, then write a development ``.env``.

Every file is rendered first; small ``remove_*`` functions delete what the answers did
not choose (the approach of cookiecutter-django's hooks). Runs offline, standard library
only.
"""

import secrets
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


def remove_github_ci() -> None:
    """No GitHub Actions workflow when another CI, or none, was chosen."""
    remove(".github")


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


def main() -> None:
    """Apply the answers of this render."""
    if "{{ cookiecutter.ci }}" != "github":
        remove_github_ci()
    if "{{ cookiecutter.open_source_license }}" == "Proprietary":
        remove_license()
    write_dotenv()


if __name__ == "__main__":
    main()
