"""``.env`` and ``.env.example`` speak of what the chosen deploy target has: the compose
database's password only for Docker, every file they name present."""

import re
from pathlib import Path

import pytest

#: A file name such as ``compose.yaml`` or ``README.md`` in a comment.
FILE_NAME = re.compile(r"\b[\w-]+\.(?:yaml|yml|md|toml|py)\b")


@pytest.mark.parametrize("deploy_target", ["docker", "kubernetes", "systemd-nginx"])
@pytest.mark.parametrize("database", ["postgresql", "mysql"])
def test_dotenv_names_only_what_the_target_has(bake, deploy_target: str, database: str) -> None:
    project: Path = bake(
        project_name=f"Env {deploy_target} {database}", deploy_target=deploy_target,
        database=database, cache="none", worker="none",
    )  # fmt: skip
    for name in (".env", ".env.example"):
        text = (project / name).read_text()
        for file_name in FILE_NAME.findall(text):
            assert (project / file_name).is_file(), f"{name} names {file_name}, which is absent"
        has_password = re.search(r"^(POSTGRES|MARIADB)_PASSWORD=", text, re.MULTILINE)
        assert bool(has_password) == (deploy_target == "docker"), name
        assert ("compose" in text.lower()) == (deploy_target == "docker"), name
