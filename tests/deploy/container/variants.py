"""The variants whose image the tests build and run, and how their deploy files run each
container: ``Variant`` reads the commands, options and grace periods from the rendered
``compose.yaml`` (docker target) or ``k8s/`` manifests (kubernetes target)."""

from pathlib import Path

import yaml

from ...helpers import DEFAULT_SLUG, FREE_METRICS_PORTS
from .podman import PYTHON_VERSION, Build

#: id -> answers. The default, MariaDB with the API only, SQLite without Redis, a
#: url_prefix on another port, and the kubernetes target.
VARIANTS = {
    "full-postgresql-redis-celery-docker": {},
    "api-mysql-nocache-celery-docker": {"app_style": "api", "database": "mysql", "cache": "none"},
    "full-sqlite-nocache-noworker-docker": {
        "database": "sqlite", "cache": "none", "worker": "none",
    },
    "full-postgresql-redis-noworker-docker-todo-8080": {
        "worker": "none", "url_prefix": "/svc", "http_port": "8080",
    },
    "full-mysql-redis-celery-kubernetes": {"database": "mysql", "deploy_target": "kubernetes"},
}  # fmt: skip
#: What compose waits after SIGTERM before SIGKILL when a service sets no stop_grace_period.
COMPOSE_GRACE = 10
#: The same for a pod whose spec sets no terminationGracePeriodSeconds.
KUBERNETES_GRACE = 30


def answers(variant_id: str) -> dict[str, str]:
    """The answers to render ``variant_id`` with, on the base image's Python."""
    return {"python_version": PYTHON_VERSION, **VARIANTS[variant_id]}


class Variant:
    """A rendered variant and how its deploy target runs the image's containers.

    :param variant_id: a key of ``VARIANTS``.
    :param path: the rendered project.
    """

    #: The variant's image, once built.
    image: Build

    def __init__(self, variant_id: str, path: Path) -> None:
        self.id = variant_id
        self.path = path
        self.answers = {"app_style": "full", "database": "postgresql", "cache": "redis",
                        "worker": "celery", "deploy_target": "docker", "url_prefix": "",
                        "http_port": "8000", **VARIANTS[variant_id]}  # fmt: skip
        self.kubernetes = self.answers["deploy_target"] == "kubernetes"
        self.port = int(self.answers["http_port"])
        self.prefix = self.answers["url_prefix"]
        self.celery = self.answers["worker"] == "celery"
        self.uses_redis = self.celery or self.answers["cache"] == "redis"
        if self.kubernetes:
            self.objects = {}
            for manifest in (path / "k8s").glob("*.yaml"):
                if manifest.name == "kustomization.yaml":
                    continue
                for document in yaml.safe_load_all(manifest.read_text()):
                    self.objects[(document["kind"], document["metadata"]["name"])] = document
        else:
            self.compose = yaml.safe_load((path / "compose.yaml").read_text())["services"]

    def _pod(self, component: str) -> dict:
        kind = "Job" if component == "migrate" else "Deployment"
        name = f"{DEFAULT_SLUG.replace('_', '-')}-{component}"
        return self.objects[(kind, name)]["spec"]["template"]["spec"]

    def command(self, component: str) -> list[str]:
        """The command the deploy files run for ``component`` (migrate, worker, beat);
        empty for the web container, which runs the image's CMD."""
        if self.kubernetes:
            (container,) = self._pod(component)["containers"]
            return container.get("command", [])
        return self.compose[component].get("command", [])

    def env(self, database_url: str, redis_url: str) -> dict[str, str]:
        """The containers' environment on these servers: compose's ``environment`` with
        ``.env``'s SECRET_KEY, or the ConfigMap with the Secret's keys."""
        real = {"SECRET_KEY": "container-test-secret"}
        if self.answers["database"] != "sqlite":
            real["DATABASE_URL"] = database_url
        if self.uses_redis:
            real["REDIS_URL"] = redis_url
        if self.kubernetes:
            config = self.objects[("ConfigMap", f"{DEFAULT_SLUG.replace('_', '-')}-config")]
            secret = self.objects[("Secret", f"{DEFAULT_SLUG.replace('_', '-')}-secrets")]
            assert secret["stringData"].keys() == real.keys()
            return {**config["data"], **real, **FREE_METRICS_PORTS}
        environment = self.compose["web"]["environment"]
        assert environment.keys() - {"FLASK_CONFIG"} <= real.keys() | {"DATABASE_URL"}
        return {**environment, **real, **FREE_METRICS_PORTS}

    def options(self, component: str) -> list[str]:
        """podman options for how the deploy files run ``component``: the Kubernetes
        securityContext (read-only root, /tmp an emptyDir, no capabilities, no new
        privileges, the user) or compose's (none)."""
        if not self.kubernetes:
            return []
        pod = self._pod(component)
        (container,) = pod["containers"]
        security = container["securityContext"]
        options = [f"--user={pod['securityContext']['runAsUser']}:"
                   f"{pod['securityContext']['runAsGroup']}"]  # fmt: skip
        if security.get("readOnlyRootFilesystem"):
            options.append("--read-only")
        mounts = {mount["mountPath"] for mount in container.get("volumeMounts", [])}
        options += [f"--tmpfs={path}" for path in sorted(mounts)]
        if security.get("capabilities", {}).get("drop") == ["ALL"]:
            options.append("--cap-drop=ALL")
        if security.get("allowPrivilegeEscalation") is False:
            options.append("--security-opt=no-new-privileges")
        return options

    def grace(self, component: str) -> int:
        """Seconds the container has from the start of its stop to SIGKILL: the pod's
        terminationGracePeriodSeconds (its preStop hook runs first, within it), or
        compose's stop_grace_period (10 s when unset)."""
        if not self.kubernetes:
            period = self.compose[component].get("stop_grace_period", f"{COMPOSE_GRACE}s")
            return int(period.removesuffix("s"))
        return self._pod(component).get("terminationGracePeriodSeconds", KUBERNETES_GRACE)

    def pre_stop(self, component: str) -> list[str]:
        """The command the kubelet runs in the container before SIGTERM; empty if none."""
        if not self.kubernetes:
            return []
        (container,) = self._pod(component)["containers"]
        return container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", [])

    def worker_probe(self) -> list[str]:
        """The command that checks the Celery worker: compose's healthcheck, or the
        Deployment's readinessProbe."""
        if self.kubernetes:
            (container,) = self._pod("worker")["containers"]
            return container["readinessProbe"]["exec"]["command"]
        kind, command = self.compose["worker"]["healthcheck"]["test"]
        assert kind == "CMD-SHELL"
        return ["sh", "-c", command.replace("$$", "$")]  # compose's escape of a $

    def url(self, path: str) -> str:
        """The URL of ``path`` of the app on the host's network."""
        return f"http://127.0.0.1:{self.port}{self.prefix}{path}"
