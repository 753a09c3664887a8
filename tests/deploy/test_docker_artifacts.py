"""The Docker and GitHub Actions artifacts, checked with the tools that consume them."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from ..helpers import BIN, DATABASES, run

DOCKER_GITHUB_VARIANT = {
    "database": "postgresql",
    "cache": "redis",
    "worker": "celery",
    "deploy_target": "docker",
    "ci": "github",
}


@pytest.fixture(scope="module")
def docker(bake):
    """``docker(**answers)``: the docker target with GitHub CI, rendered with ``answers``."""

    def _render(**answers: str) -> Path:
        return bake(**{**DOCKER_GITHUB_VARIANT, **answers})

    return _render


def run_tool(name: str, *args: str, cwd: Path) -> None:
    """Run the template's tool ``name`` (from .venv) in ``cwd``; assert it exits 0."""
    result = run([BIN / name, *args], cwd=cwd, timeout=120)
    assert result.returncode == 0, f"{' '.join([name, *args])} failed:\n{result.stdout}"


def dockerfile_instructions(path: Path) -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", path.read_text())
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("url_prefix", ["", "/svc"])
def test_dockerfile_passes_hadolint(docker, url_prefix, database):
    project = docker(url_prefix=url_prefix, database=database)

    run_tool("hadolint", "--failure-threshold", "warning", "Dockerfile", cwd=project)


def test_dockerfile_copies_files_the_project_has_and_the_context_keeps(docker):
    project = docker()
    kept = {
        line[1:].rstrip("/")
        for line in (project / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }

    sources = [
        instruction.split()[1]
        for instruction in dockerfile_instructions(project / "Dockerfile")
        if instruction.startswith("COPY ") and "--from=" not in instruction
    ]

    # The builder stage builds the project wheel from the whole (filtered) context.
    assert "." in sources
    for source in sources:
        if source != ".":
            assert (project / source).exists(), source
            assert source in kept, f"{source} is excluded by .dockerignore"
    # What `uv sync --locked` reads: pyproject.toml, uv.lock, the files they name, the package.
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    readme = pyproject["project"]["readme"]
    for needed in ["pyproject.toml", "uv.lock", readme, project.name]:
        assert (project / needed).exists(), needed
        assert needed in kept, f"{needed} is excluded by .dockerignore"


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("vendor.compose-spec", "compose.yaml"),
        ("vendor.github-workflows", ".github/workflows/ci.yml"),
    ],
)
@pytest.mark.parametrize("database", DATABASES)
def test_file_matches_its_schema(docker, database, schema, path):
    """compose.yaml and the GitHub workflow validate against check-jsonschema's schemas."""
    run_tool("check-jsonschema", "--builtin-schema", schema, path, cwd=docker(database=database))


def test_github_workflow_keeps_github_expressions_unrendered(docker):
    project = docker()
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()

    assert "${{ github." in workflow
    assert "{%" not in workflow
    assert "endraw" not in workflow


@pytest.mark.parametrize("url_prefix", ["", "/svc"])
def test_healthchecks_probe_health_under_url_prefix(docker, url_prefix):
    project = docker(url_prefix=url_prefix, http_port="8080")
    expected_url = f"http://127.0.0.1:8080{url_prefix}/health"

    instructions = dockerfile_instructions(project / "Dockerfile")
    (healthcheck,) = [i for i in instructions if i.startswith("HEALTHCHECK ")]
    assert re.findall(r"http://[^'\"]+", healthcheck) == [expected_url]
    script_names = re.findall(r"\bSCRIPT_NAME=(\S+)", " ".join(instructions))
    assert script_names == ([url_prefix] if url_prefix else [])

    compose = yaml.safe_load((project / "compose.yaml").read_text())
    web_check = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert re.findall(r"http://[^'\"]+", web_check) == [expected_url]
    assert compose["services"]["web"]["ports"] == ["8080:8080"]


def test_metrics_ports_listen_in_the_container_and_are_published_nowhere(docker):
    project = docker(http_port="8080")
    instructions = " ".join(dockerfile_instructions(project / "Dockerfile"))
    assert "METRICS_HOST=0.0.0.0" in instructions.split()
    assert "PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus" in instructions.split()
    assert re.findall(r"\bEXPOSE (\S+)", instructions) == ["8080"]
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    services = compose["services"]
    published = {name: svc["ports"] for name, svc in services.items() if "ports" in svc}
    assert published == {"web": ["8080:8080"]}


@pytest.mark.parametrize(
    ("database", "db_image", "url_scheme"),
    [
        ("postgresql", "postgres:17", "postgresql+psycopg://"),
        ("mysql", "mariadb:11", "mysql+pymysql://"),
        ("sqlite", None, "sqlite:////data/"),
    ],
)
def test_compose_runs_the_chosen_database(docker, database, db_image, url_scheme):
    project = docker(database=database)
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    services = compose["services"]
    assert services["web"]["environment"]["DATABASE_URL"].startswith(url_scheme)
    if db_image:
        assert services["db"]["image"] == db_image
        assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    else:
        assert "db" not in services
        assert "depends_on" not in services["migrate"]
        assert services["web"]["volumes"] == ["app-data:/data"]
    workflow = (project / ".github" / "workflows" / "ci.yml").read_text()
    assert (db_image or "") in workflow
