"""The ``error_tracking`` and ``tracing`` options: what each brings (its packages, its
module and tests, its settings in the README and in each deploy target's environment),
(that nothing of either is left when it is not chosen: test_render.py)."""

import pytest
import yaml

from ..helpers import DEFAULT_SLUG, assert_lint_clean, locked_versions, parse_env_file
from .test_render import configuration_table

BOTH = {"error_tracking": "sentry", "tracing": "opentelemetry"}


@pytest.mark.parametrize("worker", ["celery", "none"])
def test_both_options_bring_their_packages_modules_tests_and_settings(bake, worker) -> None:
    project = bake(**BOTH, worker=worker, app_style="api")
    for relative in ["core/error_tracking.py", "core/tracing.py"]:
        assert (project / DEFAULT_SLUG / relative).is_file(), relative
    for relative in ["tests/test_error_tracking.py", "tests/test_tracing.py"]:
        assert (project / relative).is_file(), relative
    packages = locked_versions(project)
    assert {"sentry-sdk", "opentelemetry-sdk", "opentelemetry-exporter-otlp-proto-http"} <= (
        packages.keys()
    )
    assert ("opentelemetry-instrumentation-celery" in packages) == (worker == "celery")
    tracing = (project / DEFAULT_SLUG / "core" / "tracing.py").read_text()
    assert ("CeleryInstrumentor" in tracing) == (worker == "celery")
    error_tracking = (project / DEFAULT_SLUG / "core" / "error_tracking.py").read_text()
    assert ("CeleryIntegration" in error_tracking) == (worker == "celery")
    assert "def post_fork" in (project / "gunicorn.conf.py").read_text()
    table = configuration_table(project)
    assert {"SENTRY_DSN", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"} <= table.keys()
    example = parse_env_file(project / ".env.example")
    assert example["SENTRY_DSN"] == example["OTEL_EXPORTER_OTLP_ENDPOINT"] == ""  # both off
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    environment = compose["x-app"]["environment"]
    assert environment["SENTRY_DSN"] == "${SENTRY_DSN:-}"
    assert environment["OTEL_SERVICE_NAME"] == DEFAULT_SLUG
    assert_lint_clean(project)


def test_kubernetes_and_systemd_environments_name_the_settings(bake) -> None:
    project = bake(**BOTH, deploy_target="kubernetes")
    config = yaml.safe_load((project / "k8s" / "configmap.yaml").read_text())["data"]
    assert config["OTEL_EXPORTER_OTLP_ENDPOINT"] == ""  # tracing off until it is set
    assert config["OTEL_SERVICE_NAME"] == DEFAULT_SLUG
    secret = yaml.safe_load((project / "k8s" / "secret.example.yaml").read_text())
    assert "REPLACE" in secret["stringData"]["SENTRY_DSN"]
    guide = (project / "k8s" / "README.md").read_text()
    assert "--from-literal=SENTRY_DSN=" in guide

    project = bake(**BOTH, deploy_target="systemd-nginx")
    env = parse_env_file(project / "deploy" / f"{DEFAULT_SLUG}.env.example")
    assert env["SENTRY_DSN"] == env["OTEL_EXPORTER_OTLP_ENDPOINT"] == ""
    assert env["OTEL_SERVICE_NAME"] == DEFAULT_SLUG
