"""The Kubernetes deploy target (``k8s/``, applied with ``kubectl apply -k``), checked with
the tools that consume it: kubernetes-validate in strict mode against the oldest and the
newest Kubernetes version we support, kubectl's kustomize, and checkov; the wiring of the
manifests (names, labels, ports, probes, security context) read from them; and the
commands and probes of the migration Job, the web and the worker containers run for real.

A missing tool fails the test. kubernetes-validate comes with ``requirements-dev.txt``;
checkov pins ``packaging<24``, which pytest cannot use, so it gets a virtualenv of its own
under ``.cache/tools/``, built on first use.
"""

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from ..helpers import (
    BIN,
    CACHE,
    DEFAULT_SLUG,
    cached_venv,
    get,
    gunicorn,
    project_venv,
    refused,
    run,
    stop,
)

SLUG = DEFAULT_SLUG
#: The Kubernetes name of the default project: its namespace and the prefix of its objects.
NAME = SLUG.replace("_", "-")

#: Rendered variants of the kubernetes target: both url_prefix forms, both server databases.
VARIANTS = {
    "postgresql-prefix": {
        "database": "postgresql",
        "url_prefix": "/todo",
        "http_port": "8080",
        "domain_name": "todo.example.org",
        "version": "1.2.0",
    },
    "mysql": {"database": "mysql"},
}

#: The oldest Kubernetes minor version the manifests support, and the newest one whose
#: schemas kubernetes-validate ships.
KUBERNETES_VERSIONS = ["1.30", "1.37"]

#: checkov, in a virtualenv of its own (see the module docstring).
CHECKOV_REQUIREMENT = "checkov==3.3.30"

#: checkov findings the manifests accept, as (check, object name without the NAME- prefix);
#: the generated README explains each (section "Deployment on Kubernetes").
ACCEPTED_CHECKOV_FINDINGS = {
    *{("CKV_K8S_43", workload) for workload in ("web", "worker", "beat", "migrate")},
    *{("CKV_K8S_35", workload) for workload in ("web", "worker", "beat", "migrate")},
    ("CKV_K8S_8", "beat"),
    ("CKV_K8S_9", "beat"),
}

#: What the ConfigMap sets: the app's settings that are not secret.
CONFIG_KEYS = {
    "FLASK_CONFIG", "LOG_LEVEL", "SCRIPT_NAME", "MAX_CONTENT_LENGTH", "GUNICORN_BIND",
    "WEB_CONCURRENCY", "GUNICORN_THREADS", "FORWARDED_ALLOW_IPS",
}  # fmt: skip
#: What the Secret holds (secret.example.yaml shows it with placeholders).
SECRET_KEYS = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"}
DATABASE_URL_SCHEMES = {"postgresql": "postgresql+psycopg://", "mysql": "mysql+pymysql://"}


class Rendered:
    """A rendered kubernetes variant: its answers, its directory and its manifests."""

    def __init__(self, answers: dict[str, str], path: Path) -> None:
        self.answers = {"url_prefix": "", "http_port": "8000", "domain_name": "example.com",
                        "version": "0.1.0", **answers}  # fmt: skip
        self.path = path
        self.k8s = path / "k8s"
        #: Every object of every manifest, keyed by (kind, name).
        self.objects: dict[tuple[str, str], dict] = {}
        for manifest in self.manifest_files():
            for document in yaml.safe_load_all(manifest.read_text()):
                key = (document["kind"], document["metadata"]["name"])
                assert key not in self.objects, key
                self.objects[key] = document

    def manifest_files(self) -> list[Path]:
        """Every Kubernetes manifest in k8s/, that is every YAML file but the kustomization."""
        return sorted(p for p in self.k8s.glob("*.yaml") if p.name != "kustomization.yaml")

    def get(self, kind: str, component: str = "") -> dict:
        return self.objects[(kind, f"{NAME}-{component}" if component else NAME)]

    def workloads(self) -> dict[str, dict]:
        """Component name -> pod template spec, for every Deployment and the Job."""
        return {
            name.removeprefix(f"{NAME}-"): obj["spec"]["template"]["spec"]
            for (kind, name), obj in self.objects.items()
            if kind in ("Deployment", "Job")
        }

    def container(self, component: str) -> dict:
        (container,) = self.workloads()[component]["containers"]
        return container


@pytest.fixture(scope="session", params=list(VARIANTS))
def rendered(request, bake) -> Rendered:
    answers = {"deploy_target": "kubernetes", **VARIANTS[request.param]}
    return Rendered(answers, bake(**answers))


@pytest.fixture(scope="session")
def prefix_variant(bake) -> Rendered:
    """The PostgreSQL variant mounted under /todo, whose containers the tests run."""
    answers = {"deploy_target": "kubernetes", **VARIANTS["postgresql-prefix"]}
    return Rendered(answers, bake(**answers))


def kubernetes_validate(version: str, *files: Path | str, cwd: Path):
    return run(
        [BIN / "kubernetes-validate", "--strict", "--quiet", "-k", version, *files], cwd=cwd
    )


def kubectl() -> str:
    path = shutil.which("kubectl")
    if not path:
        pytest.fail("kubectl is not installed: `kubectl kustomize` builds k8s/ in this test")
    return path


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


@pytest.fixture(scope="session")
def checkov() -> Path:
    """The checkov executable, from ``.cache/tools/checkov-<hash of the pin>``, built once
    (under a file lock, so parallel test workers share it)."""
    digest = hashlib.sha256(CHECKOV_REQUIREMENT.encode()).hexdigest()[:12]
    return cached_venv(CACHE / "tools" / f"checkov-{digest}", [CHECKOV_REQUIREMENT]) / "checkov"


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
    readme = (rendered.path / "README.md").read_text()
    _, heading, rest = readme.partition("## Deployment on Kubernetes")
    assert heading, "README.md has no section 'Deployment on Kubernetes'"
    section = rest.split("\n## ", 1)[0]
    for check_id in sorted({check_id for check_id, _ in ACCEPTED_CHECKOV_FINDINGS}):
        assert check_id in section, check_id
    assert f"create secret generic {NAME}-secrets" in section
    for key in SECRET_KEYS:
        assert f"--from-literal={key}=" in section, key
    assert "{{" not in section and "{%" not in section


# --- the wiring of the manifests ---------------------------------------------------------


def test_web_listens_on_http_port_and_probes_under_url_prefix(rendered: Rendered) -> None:
    prefix, port = rendered.answers["url_prefix"], int(rendered.answers["http_port"])
    web = rendered.container("web")
    assert web["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}]
    for probe, path in [("startupProbe", "/health"), ("livenessProbe", "/health"),
                        ("readinessProbe", "/ready")]:  # fmt: skip
        assert web[probe]["httpGet"] == {"path": f"{prefix}{path}", "port": "http"}, probe
    config = rendered.get("ConfigMap", "config")["data"]
    assert config["GUNICORN_BIND"] == f"0.0.0.0:{port}"
    assert config["SCRIPT_NAME"] == prefix


def test_ingress_routes_the_host_and_prefix_to_the_web_service_unchanged(
    rendered: Rendered,
) -> None:
    domain, prefix = rendered.answers["domain_name"], rendered.answers["url_prefix"]
    ingress = rendered.get("Ingress")
    spec = ingress["spec"]
    assert spec["ingressClassName"] == "nginx"
    assert spec["tls"] == [{"hosts": [domain], "secretName": f"{NAME}-tls"}]
    (rule,) = spec["rules"]
    assert rule["host"] == domain
    (path,) = rule["http"]["paths"]
    assert path["path"] == (prefix or "/")
    assert path["pathType"] == "Prefix"
    assert path["backend"]["service"] == {"name": f"{NAME}-web", "port": {"name": "http"}}
    annotations = ingress["metadata"].get("annotations", {})
    assert not [key for key in annotations if "rewrite" in key or "snippet" in key]

    service = rendered.get("Service", "web")
    assert service["spec"]["type"] == "ClusterIP"
    assert [p["name"] for p in service["spec"]["ports"]] == ["http"]
    assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_web_service_autoscaler_budget_and_policy_select_the_web_pods(
    rendered: Rendered,
) -> None:
    deployment = rendered.get("Deployment", "web")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= labels.items()
    assert "replicas" not in deployment["spec"], "the HorizontalPodAutoscaler sets replicas"
    assert rendered.get("Service", "web")["spec"]["selector"] == selector
    assert (
        rendered.get("PodDisruptionBudget", "web")["spec"]["selector"]["matchLabels"] == selector
    )
    assert rendered.get("NetworkPolicy", "web")["spec"]["podSelector"]["matchLabels"] == selector
    hpa = rendered.get("HorizontalPodAutoscaler", "web")["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                     "name": f"{NAME}-web"}  # fmt: skip
    assert 2 <= hpa["minReplicas"] < hpa["maxReplicas"]


def test_every_pod_meets_the_restricted_pod_security_standard(rendered: Rendered) -> None:
    dockerfile = (rendered.path / "Dockerfile").read_text()
    (user,) = re.findall(r"^USER (\d+):(\d+)$", dockerfile, re.MULTILINE)
    workloads = rendered.workloads()
    assert set(workloads) == {"web", "worker", "beat", "migrate"}
    for component, pod in workloads.items():
        assert pod["automountServiceAccountToken"] is False, component
        assert pod["securityContext"] == {
            "runAsNonRoot": True,
            "runAsUser": int(user[0]),
            "runAsGroup": int(user[1]),
            "seccompProfile": {"type": "RuntimeDefault"},
        }, component
        (container,) = pod["containers"]
        assert container["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        }, component
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        (tmp,) = [m for m in container["volumeMounts"] if m["mountPath"] == "/tmp"]
        assert "emptyDir" in volumes[tmp["name"]], component
        assert {"requests", "limits"} <= container["resources"].keys(), component
    namespace = rendered.get("Namespace")["metadata"]["labels"]
    assert namespace["pod-security.kubernetes.io/enforce"] == "restricted"


def test_every_container_runs_the_image_with_the_config_and_the_secret(
    rendered: Rendered,
) -> None:
    version = rendered.answers["version"]
    config = rendered.get("ConfigMap", "config")
    secret = rendered.get("Secret", "secrets")
    for component in rendered.workloads():
        container = rendered.container(component)
        assert container["image"] == f"{SLUG}:{version}", component
        assert container["envFrom"] == [
            {"configMapRef": {"name": config["metadata"]["name"]}},
            {"secretRef": {"name": secret["metadata"]["name"]}},
        ], component
    kustomization = yaml.safe_load((rendered.k8s / "kustomization.yaml").read_text())
    (image,) = kustomization["images"]
    assert (image["name"], image["newTag"]) == (SLUG, version)


def test_config_and_secret_example_hold_the_apps_settings(rendered: Rendered) -> None:
    config = rendered.get("ConfigMap", "config")["data"]
    assert config.keys() == CONFIG_KEYS
    assert config["FLASK_CONFIG"] == "production"
    assert all(isinstance(value, str) for value in config.values()), config
    secret = rendered.get("Secret", "secrets")
    assert secret["stringData"].keys() == SECRET_KEYS
    assert not SECRET_KEYS & config.keys()
    database_url = secret["stringData"]["DATABASE_URL"]
    assert database_url.startswith(DATABASE_URL_SCHEMES[rendered.answers["database"]])
    assert all("REPLACE" in value for value in secret["stringData"].values()), secret


def test_worker_and_single_beat_run_celery(rendered: Rendered) -> None:
    app = f"{SLUG}.worker:celery_app"
    worker = rendered.container("worker")
    assert worker["command"][:4] == ["celery", "-A", app, "worker"]
    ping = f'celery -A {app} inspect ping --destination "celery@$HOSTNAME"'
    for probe in ("readinessProbe", "livenessProbe"):
        command = worker[probe]["exec"]["command"]
        assert command[:2] == ["sh", "-c"] and command[2].startswith(ping), probe
    beat = rendered.get("Deployment", "beat")["spec"]
    assert beat["replicas"] == 1
    assert beat["strategy"] == {"type": "Recreate"}
    assert rendered.container("beat")["command"] == [
        "celery", "-A", app, "beat", "--loglevel", "INFO",
        "--schedule", "/tmp/celerybeat-schedule",
    ]  # fmt: skip


def test_migration_job_runs_db_upgrade_once(rendered: Rendered) -> None:
    job = rendered.get("Job", "migrate")["spec"]
    assert job["template"]["spec"]["restartPolicy"] == "Never"
    assert job["backoffLimit"] >= 1
    assert job["ttlSecondsAfterFinished"] > 0
    assert rendered.container("migrate")["command"] == ["flask", "--app", SLUG, "db", "upgrade"]


# --- the containers' commands and probes, run for real -----------------------------------


def container_env(variant: Rendered, postgres_url: str, redis_url: str) -> dict[str, str]:
    """The environment of a container: the ConfigMap, and a Secret with real values."""
    secret = {
        "SECRET_KEY": "k8s-test-secret",
        "DATABASE_URL": postgres_url,
        "REDIS_URL": redis_url,
    }
    assert secret.keys() == variant.get("Secret", "secrets")["stringData"].keys()
    return {
        **variant.get("ConfigMap", "config")["data"],
        **secret,
        "PYTHONPATH": str(variant.path),
    }


def test_job_migrates_and_web_answers_the_deployment_probes(
    prefix_variant: Rendered, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    project = prefix_variant.path
    venv = project_venv(project)
    env = container_env(prefix_variant, postgres_url, redis_url)
    flask, *args = prefix_variant.container("migrate")["command"]
    migrate = run([venv / flask, *args], cwd=project, env=env)
    assert migrate.returncode == 0, migrate.stdout

    # The web container runs the image's CMD, here on a free loopback port.
    (cmd,) = re.findall(r"^CMD (\[.*\])$", (project / "Dockerfile").read_text(), re.MULTILINE)
    program, *args = json.loads(cmd)
    assert program == "gunicorn"
    web = prefix_variant.container("web")
    log = tmp_path / "gunicorn.log"
    with gunicorn(venv, project, env, log, "/todo", args) as url:
        assert get(url + web["startupProbe"]["httpGet"]["path"]) == (200, {"status": "ok"})
        assert get(url + web["livenessProbe"]["httpGet"]["path"]) == (200, {"status": "ok"})
        status, body = get(url + web["readinessProbe"]["httpGet"]["path"])
        assert (status, body["status"]) == (200, "ok"), body
    assert '"GET /todo/ready HTTP/1.1" 200' in log.read_text(), log.read_text()


def test_worker_answers_its_probe(
    prefix_variant: Rendered, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    project = prefix_variant.path
    venv = project_venv(project)
    env = {
        **os.environ,
        **container_env(prefix_variant, postgres_url, redis_url),
        # As in a pod: the runtime sets HOSTNAME, and celery is on the PATH.
        "HOSTNAME": socket.gethostname(),
        "PATH": f"{venv}{os.pathsep}{os.environ['PATH']}",
    }
    worker = prefix_variant.container("worker")
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            worker["command"], cwd=project, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    node = f"celery@{socket.gethostname()}"
    try:
        deadline = time.monotonic() + 60
        while f"{node} ready." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"the worker is not ready:\n{log.read_text()}"
            time.sleep(0.2)
        for probe in ("readinessProbe", "livenessProbe"):
            result = run(worker[probe]["exec"]["command"], cwd=project, env=env, timeout=60)
            assert result.returncode == 0, f"{probe}: {result.stdout}\n{log.read_text()}"
            assert f"{node}: OK" in result.stdout, result.stdout
            assert "pong" in result.stdout
    finally:
        stop(process)
