"""The generated project's CI configuration: valid for its CI service, one file only; its
dependency-update configuration (Dependabot on GitHub, Renovate on GitLab)."""

import json
import tomllib
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
    assert not (project / "renovate.json").exists()


def test_github_ci_has_no_gitlab_file(bake) -> None:
    assert not (bake(ci="github") / ".gitlab-ci.yml").exists()


DEPLOY_TARGETS = ["docker", "kubernetes", "systemd-nginx"]


def schema_valid(project: Path, schema: str, path: str) -> None:
    """Assert ``project``'s file ``path`` matches check-jsonschema's builtin ``schema``."""
    result = run([BIN / "check-jsonschema", "--builtin-schema", schema, path], cwd=project)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("deploy_target", DEPLOY_TARGETS)
def test_dependabot_covers_uv_actions_and_the_images_there_are(bake, deploy_target: str) -> None:
    project = bake(ci="github", deploy_target=deploy_target, database="postgresql")
    schema_valid(project, "vendor.dependabot", ".github/dependabot.yml")
    updates = yaml.safe_load((project / ".github/dependabot.yml").read_text())["updates"]
    expected = {"uv", "github-actions"}
    expected |= {"docker"} if (project / "Dockerfile").exists() else set()
    expected |= {"docker-compose"} if (project / "compose.yaml").exists() else set()
    assert {update["package-ecosystem"] for update in updates} == expected
    groups = [group for update in updates for group in update.get("groups", {}).values()]
    assert groups and all(group["update-types"] == ["minor", "patch"] for group in groups)
    assert not (project / "renovate.json").exists()


@pytest.mark.parametrize("deploy_target", DEPLOY_TARGETS)
def test_renovate_covers_python_ci_images_and_the_images_there_are(
    bake, deploy_target: str
) -> None:
    project = bake(ci="gitlab", deploy_target=deploy_target, database="postgresql")
    schema_valid(project, "vendor.renovate", "renovate.json")
    config = json.loads((project / "renovate.json").read_text())
    expected = {"pep621", "gitlabci"}
    expected |= {"dockerfile"} if (project / "Dockerfile").exists() else set()
    expected |= {"docker-compose"} if (project / "compose.yaml").exists() else set()
    assert set(config["enabledManagers"]) == expected
    grouped = {manager for rule in config["packageRules"] for manager in rule["matchManagers"]}
    assert grouped == expected


def test_ci_checks_for_template_updates_where_cruft_made_the_project(bake) -> None:
    github = bake(ci="github")
    steps = yaml.safe_load((github / ".github/workflows/ci.yml").read_text())["jobs"]["test"]
    check = [step for step in steps["steps"] if step.get("run") == "cruft check"]
    assert [step["if"] for step in check] == ["hashFiles('.cruft.json') != ''"]
    gitlab = bake(ci="gitlab")
    job = yaml.safe_load((gitlab / ".gitlab-ci.yml").read_text())["template-update"]
    assert job["rules"] == [{"exists": [".cruft.json"]}]
    assert job["script"][-1] == "cruft check"
    for project in (github, gitlab):
        dev = tomllib.loads((project / "pyproject.toml").read_text())["dependency-groups"]["dev"]
        assert any(requirement.startswith("cruft>=") for requirement in dev)
        assert '\nname = "cruft"\n' in (project / "uv.lock").read_text()
