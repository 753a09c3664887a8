"""The Prometheus metrics on Kubernetes: each pod's metrics port is announced to the
scraper (pod annotations) and reachable from the monitoring namespace only; the Service,
and so the Ingress, never routes to it."""

import re

from .rendered import NAME, Rendered

#: The metrics port of each component, as the code defaults it.
METRICS_PORTS = {
    "web": ("gunicorn.conf.py", "METRICS_PORT"),
    "worker": (f"{NAME.replace('-', '_')}/core/task_metrics.py", "WORKER_METRICS_PORT"),
}
INGRESS_CONTROLLER = {"kubernetes.io/metadata.name": "ingress-nginx"}
MONITORING = {"kubernetes.io/metadata.name": "monitoring"}


def default_port(rendered: Rendered, component: str) -> int:
    """The metrics port the component's code listens on unless told otherwise."""
    path, variable = METRICS_PORTS[component]
    source = (rendered.path / path).read_text()
    match = re.search(rf'"{variable}", "?(\d+)"?\)|DEFAULT_{variable} = (\d+)', source)
    assert match, f"{path} has no default for {variable}"
    return int(match.group(1) or match.group(2))


def allowed(policy: dict) -> list[tuple[dict, list[str]]]:
    """The (namespace labels, port names) pairs an ingress NetworkPolicy admits."""
    return [
        (peer["namespaceSelector"]["matchLabels"], [port["port"] for port in rule["ports"]])
        for rule in policy["spec"]["ingress"]
        for peer in rule["from"]
    ]


def test_pods_announce_their_metrics_port_to_the_scraper(rendered: Rendered) -> None:
    for component in METRICS_PORTS:
        port = default_port(rendered, component)
        container = rendered.container(component)
        assert {"name": "metrics", "containerPort": port, "protocol": "TCP"} in container["ports"]
        template = rendered.get("Deployment", component)["spec"]["template"]
        assert template["metadata"]["annotations"] == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(port),
            "prometheus.io/path": "/metrics",
        }


def test_only_the_monitoring_namespace_reaches_the_metrics_port(rendered: Rendered) -> None:
    assert allowed(rendered.get("NetworkPolicy", "web")) == [
        (INGRESS_CONTROLLER, ["http"]),
        (MONITORING, ["metrics"]),
    ]
    assert allowed(rendered.get("NetworkPolicy", "worker")) == [(MONITORING, ["metrics"])]
    others = rendered.get("NetworkPolicy", "no-ingress")["spec"]
    expressions = others["podSelector"]["matchExpressions"]
    (components,) = [e for e in expressions if e["key"] == "app.kubernetes.io/component"]
    assert (components["operator"], components["values"]) == ("NotIn", ["web", "worker"])
    assert "ingress" not in others


def test_no_service_or_ingress_routes_to_the_metrics_port(rendered: Rendered) -> None:
    metrics_ports = {"metrics", *(default_port(rendered, name) for name in METRICS_PORTS)}
    services = [obj for (kind, _), obj in rendered.objects.items() if kind == "Service"]
    assert services, "the web Service"
    for service in services:
        for port in service["spec"]["ports"]:
            assert not {port["port"], port["targetPort"]} & metrics_ports, port
    ingress = rendered.get("Ingress")["spec"]
    backends = [
        path["backend"]["service"]["port"]
        for rule in ingress["rules"]
        for path in rule["http"]["paths"]
    ]
    assert backends == [{"name": "http"}]
