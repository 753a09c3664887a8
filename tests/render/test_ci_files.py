"""The generated project's CI configuration: valid for its CI service, one file only."""

from pathlib import Path

import pytest
import yaml

from ..helpers import BIN, run


@pytest.mark.parametrize("database", ["postgresql", "mysql", "sqlite"])
@pytest.mark.parametrize("cache", ["redis", "none"])
def test_gitlab_ci_matches_its_schema(bake, database: str, cache: str) -> None:
    project = bake(ci="gitlab", database=database, cache=cache, worker="none")
    assert not (project / ".github").exists()
    result = run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.gitlab-ci", ".gitlab-ci.yml"],
        cwd=project,
    )
    assert result.returncode == 0, result.stdout
    test_job = yaml.safe_load((project / ".gitlab-ci.yml").read_text())["test"]
    services = [service["alias"] for service in test_job.get("services", [])]
    expected = {"postgresql": ["postgres"], "mysql": ["mariadb"], "sqlite": []}[database]
    assert services == expected + (["redis"] if cache == "redis" else [])
    assert "db check" in " ".join(test_job["script"])


def test_ci_none_writes_no_ci_file(bake) -> None:
    project: Path = bake(ci="none")
    assert not (project / ".github").exists()
    assert not (project / ".gitlab-ci.yml").exists()


def test_github_ci_has_no_gitlab_file(bake) -> None:
    assert not (bake(ci="github") / ".gitlab-ci.yml").exists()
