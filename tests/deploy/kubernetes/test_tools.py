"""The Kubernetes deploy target (``k8s/``, applied with ``kubectl apply -k``): the hook
refuses SQLite for it, and the tools that consume the manifests accept them:
kubernetes-validate in strict mode against the oldest and the newest Kubernetes version
we support, kubectl's kustomize, and checkov. (The wiring of the manifests is read in
test_manifests.py; the containers' commands run for real in test_containers.py.)

A missing tool fails the test. kubernetes-validate comes with ``requirements-dev.txt``;
checkov pins ``packaging<24``, which pytest cannot use, so it gets a virtualenv of its own
under ``.cache/tools/``, built on first use.
"""

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from ...helpers import refused
from .rendered import (
    ACCEPTED_CHECKOV_FINDINGS,
    KUBERNETES_VERSIONS,
    NAME,
    SECRET_KEYS,
    SLUG,
    Rendered,
    kubectl,
    kubernetes_validate,
)

# --- the hooks ----------------------------------------------------------------------------


def test_sqlite_is_refused_for_kubernetes(tmp_path: Path, capfd) -> None:
    err = refused(tmp_path, capfd, database="sqlite", deploy_target="kubernetes")
    assert "database='sqlite' cannot be combined with deploy_target='kubernetes'" in err
    assert "database=postgresql" in err


def test_kubernetes_target_keeps_the_image_and_drops_the_other_targets(
    rendered: Rendered,
) -> None:
    assert (rendered.path / "Dockerfile").is_file()
    assert (rendered.path / ".dockerignore").is_file()
    assert not (rendered.path / "compose.yaml").exists()
    assert not (rendered.path / "deploy").exists()


def test_other_targets_have_no_manifests(default_project: Path) -> None:
    assert not (default_project / "k8s").exists()


# --- the tools that consume the manifests ------------------------------------------------


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_manifests_pass_kubernetes_validate_strict(rendered: Rendered, version: str) -> None:
    files = rendered.manifest_files()
    assert len(files) >= 10, files
    result = kubernetes_validate(version, *files, cwd=rendered.k8s)
    assert result.returncode == 0, result.stdout


def test_kubernetes_validate_strict_rejects_a_misspelt_field(
    prefix_variant: Rendered, tmp_path: Path
) -> None:
    deployment = (prefix_variant.k8s / "web-deployment.yaml").read_text()
    typo = tmp_path / "web-deployment.yaml"
    typo.write_text(deployment.replace("readinessProbe:", "readynessProbe:"))
    result = kubernetes_validate(KUBERNETES_VERSIONS[-1], typo, cwd=tmp_path)
    assert result.returncode != 0
    assert "readynessProbe" in result.stdout


def test_kustomization_lists_every_manifest_but_the_secret_example(rendered: Rendered) -> None:
    kustomization = yaml.safe_load((rendered.k8s / "kustomization.yaml").read_text())
    files = {path.name for path in rendered.manifest_files()}
    resources = kustomization["resources"]
    assert len(resources) == len(set(resources)), resources
    assert "secret.example.yaml" in files
    assert set(resources) == files - {"secret.example.yaml"}
    assert kustomization["namespace"] == NAME


def test_kustomize_builds_valid_objects_in_the_namespace(
    rendered: Rendered, tmp_path: Path
) -> None:
    result = subprocess.run(
        [kubectl(), "kustomize", "k8s"], cwd=rendered.path, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    built = tmp_path / "built.yaml"
    built.write_text(result.stdout)
    objects = list(yaml.safe_load_all(result.stdout))

    expected = {key for key in rendered.objects if key[0] != "Secret"}
    assert {(obj["kind"], obj["metadata"]["name"]) for obj in objects} == expected
    for obj in objects:
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == NAME, obj["metadata"]
        if obj["kind"] in ("Deployment", "Job"):
            (container,) = obj["spec"]["template"]["spec"]["containers"]
            domain, version = rendered.answers["domain_name"], rendered.answers["version"]
            assert container["image"] == f"registry.{domain}/{SLUG}:{version}"
    for version in KUBERNETES_VERSIONS:
        validation = kubernetes_validate(version, built, cwd=tmp_path)
        assert validation.returncode == 0, validation.stdout


def test_checkov_finds_only_the_accepted_findings(rendered: Rendered, checkov: Path) -> None:
    command = [checkov, "-d", "k8s", "--framework", "kubernetes", "--skip-download",
               "--compact", "--quiet", "--output", "json"]  # fmt: skip
    result = subprocess.run(
        [str(arg) for arg in command], cwd=rendered.path,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stdout + result.stderr
    report = json.loads(result.stdout)
    (report,) = report if isinstance(report, list) else [report]
    assert report["check_type"] == "kubernetes"
    assert report["summary"]["parsing_errors"] == 0, report["summary"]
    assert report["summary"]["passed"] > 100, report["summary"]
    found = {
        (check["check_id"], check["resource"].rsplit(".", 1)[-1].removeprefix(f"{NAME}-"))
        for check in report["results"]["failed_checks"]
    }
    assert found == ACCEPTED_CHECKOV_FINDINGS


def test_readme_explains_the_accepted_findings_and_the_secret(rendered: Rendered) -> None:
    section = (rendered.path / "k8s" / "README.md").read_text()
    for check_id in sorted({check_id for check_id, _ in ACCEPTED_CHECKOV_FINDINGS}):
        assert check_id in section, check_id
    assert f"create secret generic {NAME}-secrets" in section
    for key in SECRET_KEYS:
        assert f"--from-literal={key}=" in section, key
    assert "{{" not in section and "{%" not in section
