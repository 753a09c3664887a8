"""The Kubernetes deploy target's rendered variants and what the tests know of them:
names, versions, the checkov findings accepted, the keys of the ConfigMap and Secret;
``Rendered``, a variant's manifests read into objects; the validators' commands."""

import shutil
from pathlib import Path

import pytest
import yaml

from ...helpers import BIN, DEFAULT_SLUG, run

SLUG = DEFAULT_SLUG
#: The Kubernetes name of the default project: its namespace and the prefix of its objects.
NAME = SLUG.replace("_", "-")

#: Rendered variants of the kubernetes target: both url_prefix forms, both server databases,
#: without and with Sentry and OpenTelemetry.
VARIANTS = {
    "postgresql-prefix": {
        "database": "postgresql",
        "url_prefix": "/svc",
        "http_port": "8080",
        "domain_name": "todo.example.org",
        "version": "1.2.0",
    },
    "mysql": {"database": "mysql", "error_tracking": "sentry", "tracing": "opentelemetry"},
}

#: The oldest Kubernetes minor version the manifests support, and the newest one whose
#: schemas kubernetes-validate ships.
KUBERNETES_VERSIONS = ["1.30", "1.37"]

#: checkov, in a virtualenv of its own: it pins packaging<24, which pytest cannot use.
CHECKOV_REQUIREMENT = "checkov==3.3.30"

#: checkov findings the manifests accept, as (check, object name without the NAME- prefix);
#: the generated README explains each (its deploy guide, k8s/README.md).
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
#: What the ConfigMap adds with ``tracing=opentelemetry``.
TRACING_CONFIG_KEYS = {"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"}
#: What the Secret holds (secret.example.yaml shows it with placeholders); with
#: ``error_tracking=sentry`` also ``SENTRY_DSN``.
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


def kubernetes_validate(version: str, *files: Path | str, cwd: Path):
    return run(
        [BIN / "kubernetes-validate", "--strict", "--quiet", "-k", version, *files], cwd=cwd
    )


def kubectl() -> str:
    path = shutil.which("kubectl")
    if not path:
        pytest.fail("kubectl is not installed: `kubectl kustomize` builds k8s/ in this test")
    return path
