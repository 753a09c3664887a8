"""Each variant's image built and run for real on the host's network, against the real
PostgreSQL, MariaDB and Redis: its migrations, its CMD (gunicorn) with /health and
/ready, its HEALTHCHECK, a read-only root filesystem, SIGTERM."""

import time
import urllib.request

import pytest

from ...helpers import DEFAULT_SLUG, get
from .podman import container, image_config, run_once, tool, wait_for
from .variants import VARIANTS, Variant

DOCKER_VARIANTS = [
    name for name, answers in VARIANTS.items() if answers.get("deploy_target") != "kubernetes"
]


def fetch_status(url: str) -> int:
    """GET ``url`` (any content type); its status."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status


def migrate(variant: Variant, env: dict[str, str], data: list[str]) -> float:
    """Run the deploy files' migration command in a container; its seconds."""
    started = time.monotonic()
    output = run_once(variant.image.tag, *variant.command("migrate"), env=env,
                      options=[*variant.options("migrate"), *data])  # fmt: skip
    assert "Running upgrade  -> 0001" in output, output
    return round(time.monotonic() - started, 1)


def serve_and_stop(variant: Variant, env: dict[str, str], options: list[str]) -> dict:
    """Run the image's CMD with podman ``options``; check /health, /ready and the
    HEALTHCHECK; stop it with SIGTERM. Returns the seconds of each step."""
    steps = {}
    with container(variant.image.tag, env=env, options=options) as web:
        steps["CMD until /health answers"] = wait_for(web, variant.url("/health"))
        assert get(variant.url("/health")) == (200, {"status": "ok"})
        status, body = get(variant.url("/ready"))
        assert (status, body["status"]) == (200, "ok"), body
        expected = {"database": "ok", **({"redis": "ok"} if variant.uses_redis else {})}
        assert body["checks"] == expected
        # The API's document and its docs page, whose files are the package's data.
        assert get(variant.url("/api/v1/openapi.json"))[1]["openapi"] == "3.1.0"
        for path in ("/api/v1/docs", "/api/v1/docs/static/docs.js"):
            assert fetch_status(variant.url(path)) == 200, path

        started = time.monotonic()
        tool("podman", "healthcheck", "run", web.id)  # fails unless healthy
        steps["HEALTHCHECK"] = round(time.monotonic() - started, 1)

        grace = variant.grace("web")
        code, steps["stop (preStop, SIGTERM) to exit"] = web.stop(grace, variant.pre_stop("web"))
        logs = web.logs()
        assert (code, steps["stop (preStop, SIGTERM) to exit"] < grace) == (0, True), (code, logs)
        assert "Shutting down: Master" in logs, logs
    return steps


def test_image_keeps_its_cmd_user_and_healthcheck(variant: Variant) -> None:
    """The image keeps its HEALTHCHECK (Docker format) probing the app's /health."""
    config = image_config(variant.image.tag)

    assert config["Cmd"] == ["gunicorn", "-c", "gunicorn.conf.py", f"{DEFAULT_SLUG}.wsgi:app"]
    test = config["Healthcheck"]["Test"]
    assert test[0] == "CMD" and variant.url("/health") in test[-1], test
    assert config["User"] == "10001:10001"


def test_image_migrates_serves_and_stops_on_sigterm(
    variant: Variant, database_url, redis_url, host_port, data_options, record_property
) -> None:
    """As the deploy target runs it: compose's containers, or the Kubernetes pods'
    securityContext (the web pod on a read-only root with /tmp an emptyDir)."""
    env = variant.env(database_url, redis_url)
    steps = {"flask db upgrade": migrate(variant, env, data_options)}

    steps.update(serve_and_stop(variant, env, [*variant.options("web"), *data_options]))

    if variant.kubernetes:
        assert "--read-only" in variant.options("web")
    record_property("container_steps", steps)


@pytest.mark.parametrize("variant", DOCKER_VARIANTS, indirect=True)
def test_web_runs_on_a_read_only_root(
    variant: Variant, database_url, redis_url, host_port, data_options, record_property
) -> None:
    """The docker target's image also runs as the Kubernetes Deployment runs it."""
    env = variant.env(database_url, redis_url)
    migrate(variant, env, data_options)

    steps = serve_and_stop(variant, env, ["--read-only", "--tmpfs=/tmp", *data_options])

    record_property("container_steps", steps)
