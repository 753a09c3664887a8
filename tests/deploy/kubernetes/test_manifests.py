"""The wiring of the Kubernetes manifests (names, labels, ports, probes, security
context), read from them."""

import re

import yaml

from .rendered import (
    CONFIG_KEYS,
    DATABASE_URL_SCHEMES,
    NAME,
    SECRET_KEYS,
    SLUG,
    TRACING_CONFIG_KEYS,
    Rendered,
)


def test_web_listens_on_http_port_and_probes_under_url_prefix(rendered: Rendered) -> None:
    prefix, port = rendered.answers["url_prefix"], int(rendered.answers["http_port"])
    web = rendered.container("web")
    assert web["ports"][0] == {"name": "http", "containerPort": port, "protocol": "TCP"}
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
    traced = rendered.answers.get("tracing") == "opentelemetry"
    assert config.keys() == CONFIG_KEYS | (TRACING_CONFIG_KEYS if traced else set())
    assert config["FLASK_CONFIG"] == "production"
    assert all(isinstance(value, str) for value in config.values()), config
    secret = rendered.get("Secret", "secrets")
    sentry = rendered.answers.get("error_tracking") == "sentry"
    assert secret["stringData"].keys() == SECRET_KEYS | ({"SENTRY_DSN"} if sentry else set())
    assert not secret["stringData"].keys() & config.keys()
    database_url = secret["stringData"]["DATABASE_URL"]
    assert database_url.startswith(DATABASE_URL_SCHEMES[rendered.answers["database"]])
    assert all("REPLACE" in value for value in secret["stringData"].values()), secret


def test_worker_and_single_beat_run_celery(rendered: Rendered) -> None:
    app = f"{SLUG}.worker:celery_app"
    worker = rendered.container("worker")
    # --quiet: no plain-text banner among the JSON lines.
    assert worker["command"][:5] == ["celery", "-A", app, "--quiet", "worker"]
    ping = f'celery -A {app} inspect ping --destination "celery@$HOSTNAME"'
    for probe in ("readinessProbe", "livenessProbe"):
        command = worker[probe]["exec"]["command"]
        assert command[:2] == ["sh", "-c"] and command[2].startswith(ping), probe
    beat = rendered.get("Deployment", "beat")["spec"]
    assert beat["replicas"] == 1
    assert beat["strategy"] == {"type": "Recreate"}
    assert rendered.container("beat")["command"] == [
        "celery", "-A", app, "--quiet", "beat", "--loglevel", "INFO",
        "--schedule", "/tmp/celerybeat-schedule",
    ]  # fmt: skip


def test_migration_job_runs_db_upgrade_once(rendered: Rendered) -> None:
    job = rendered.get("Job", "migrate")["spec"]
    assert job["template"]["spec"]["restartPolicy"] == "Never"
    assert job["backoffLimit"] >= 1
    assert job["ttlSecondsAfterFinished"] > 0
    assert rendered.container("migrate")["command"] == ["flask", "--app", SLUG, "db", "upgrade"]
