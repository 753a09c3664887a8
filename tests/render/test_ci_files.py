"""The generated project's CI configuration: valid for its CI service, one file only; its
weekly run on the newest dependencies; its dependency-update configuration (Dependabot on
GitHub, Renovate on GitLab)."""

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


#: The variants of the scheduled job's tests: each database, with and without Redis.
SERVICE_VARIANTS = [
    {"database": database, "cache": cache, "worker": "none"}
    for database in ("postgresql", "mysql", "sqlite")
    for cache in ("redis", "none")
]


def assert_upgrades_then_tests(commands: list[str]) -> None:
    """Assert ``commands`` upgrade the lock, install it, migrate, then run the suite last,
    with the coverage gate."""
    upgrade, sync = commands.index("uv lock --upgrade"), commands.index("uv sync --locked")
    (migrate,) = [i for i, command in enumerate(commands) if command.endswith(" db upgrade")]
    assert upgrade < sync < migrate < len(commands) - 1, commands
    assert commands[-1].split()[-2:] == ["pytest", "--cov"], commands
    assert sum("pytest" in command for command in commands) == 1, commands


@pytest.mark.parametrize(
    "answers", SERVICE_VARIANTS, ids=lambda a: f"{a['database']}-{a['cache']}"
)
def test_github_tests_the_newest_dependencies_weekly(bake, answers: dict[str, str]) -> None:
    project = bake(ci="github", **answers)
    schema_valid(project, "vendor.github-workflows", ".github/workflows/ci.yml")
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert {"push", "pull_request", "schedule"} <= set(triggers)
    ((cron,),) = [entry.values() for entry in triggers["schedule"]]
    fields = cron.split()  # once a week: any day of the month, one day of the week
    assert len(fields) == 5 and fields[2:4] == ["*", "*"] and fields[4].isdigit(), cron
    jobs = workflow["jobs"]
    job, test = jobs["latest-dependencies"], jobs["test"]
    assert job["if"] == "github.event_name == 'schedule'"
    # The regular jobs run on every event, the schedule included.
    assert [name for name, other in jobs.items() if "if" in other] == ["latest-dependencies"]
    assert job.get("services") == test.get("services")
    assert job["env"] == test["env"]
    assert [step["uses"] for step in job["steps"] if "uses" in step] == [
        step["uses"] for step in test["steps"] if "uses" in step
    ]
    (install,) = [step for step in test["steps"] if step.get("name") == "Install uv"]
    assert install in job["steps"]
    commands = [line for step in job["steps"] for line in step.get("run", "").splitlines()]
    assert_upgrades_then_tests(commands)
    (suite,) = [step for step in test["steps"] if step.get("name") == "Test"]
    assert job["steps"][-1] == suite


@pytest.mark.parametrize(
    "answers", SERVICE_VARIANTS, ids=lambda a: f"{a['database']}-{a['cache']}"
)
def test_gitlab_tests_the_newest_dependencies_in_scheduled_pipelines(
    bake, answers: dict[str, str]
) -> None:
    project = bake(ci="gitlab", **answers)
    schema_valid(project, "vendor.gitlab-ci", ".gitlab-ci.yml")
    pipeline = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
    job = pipeline["latest-dependencies"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    # The test job's stage, services and variables, by `extends`.
    assert job["extends"] == "test"
    assert not {"stage", "services", "variables", "image"} & set(job)
    assert_upgrades_then_tests(job["before_script"] + job["script"])
    # The test job's own commands: its migrations, test database and suite.
    test_script = pipeline["test"]["script"]
    assert job["script"] == [command for command in test_script if command in job["script"]]
    assert job["before_script"][0] == pipeline["default"]["before_script"][0]  # the uv pin
    # The other jobs run as before: no pipeline rules, no rule on the pipeline's source.
    assert "workflow" not in pipeline
    for name, other in pipeline.items():
        if isinstance(other, dict) and "script" in other and name != "latest-dependencies":
            assert "CI_PIPELINE_SOURCE" not in str(other.get("rules", [])), name


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
