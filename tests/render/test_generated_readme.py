"""The generated README reads cleanly in every variant: the description is said once, and
the Layout block's notes stand in one column."""

import re
from pathlib import Path

import pytest

from ..helpers import readme_section

DESCRIPTION = "A Flask service built on the application factory pattern."


@pytest.mark.parametrize("deploy_target", ["docker", "kubernetes", "systemd-nginx"])
@pytest.mark.parametrize("app_style", ["full", "api"])
def test_layout_notes_are_aligned(bake, app_style: str, deploy_target: str) -> None:
    project: Path = bake(
        project_name=f"Layout {app_style} {deploy_target}", app_style=app_style,
        deploy_target=deploy_target, database="postgresql",
    )  # fmt: skip
    block = re.search(r"```\n(.*?)```", readme_section(project, "Layout"), re.S).group(1)
    lines = block.splitlines()
    # A path, at least two spaces, then its note: every note starts in the same column.
    columns = {re.match(r"\S+(?:, \S+)*  +", line).end() for line in lines}
    assert len(columns) == 1, block
    paths = [line.split("  ")[0] for line in lines]
    assert f"{project.name}/core/mount.py" in paths
    assert all((project / path).exists() for path in paths if "," not in path), paths
    assert ("k8s/" in paths, "deploy/" in paths) == (
        deploy_target == "kubernetes", deploy_target == "systemd-nginx"
    )  # fmt: skip


def test_the_description_is_said_once(default_project: Path) -> None:
    readme = (default_project / "README.md").read_text()
    intro = readme.split("\n## ", 1)[0]
    assert intro.startswith(f"# Flask Service\n\n{DESCRIPTION}\n\n")
    assert readme.count("application factory pattern") == 1
    assert intro.count("Flask service") == 1
