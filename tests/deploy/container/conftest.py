"""Fixtures of the image tests: the container engine with the base image, each variant
rendered and its image built (once per run, shared by the test workers), its database."""

from collections.abc import Iterator
from dataclasses import asdict

import pytest

from .podman import Build, base_image, build, engine_env, port_lock, volume
from .variants import VARIANTS, Variant, answers

#: The fixture (tests/conftest.py) of a fresh database on each database server.
SERVER_FIXTURES = {"postgresql": "postgres_url", "mysql": "mysql_url"}


@pytest.fixture(scope="session")
def base_import() -> float | None:
    """buildah and podman configured, the base image stand-in imported; the seconds the
    import took in this run (None: imported by an earlier run)."""
    engine_env()
    return base_image()


@pytest.fixture(scope="session")
def images(bake, base_import) -> dict[str, tuple[Variant, Build]]:
    """Variant id -> the rendered variant and its image, filled by ``variant``."""
    return {}


@pytest.fixture(params=list(VARIANTS))
def variant(request, bake, images, base_import, record_property) -> Variant:
    """Each of VARIANTS, rendered and its image built (once per run); the build's time
    and size and the base image's import time are recorded for the run's summary."""
    if request.param not in images:
        rendered = Variant(request.param, bake(**answers(request.param)))
        images[request.param] = (rendered, build(rendered.path, request.param))
    rendered, image = images[request.param]
    rendered.image = image
    record_property("container_image", {"variant": rendered.id, "base_import": base_import,
                                        **asdict(image)})  # fmt: skip
    return rendered


@pytest.fixture
def database_url(request, variant: Variant) -> str:
    """A fresh database on the variant's server; empty for SQLite (on the image's volume)."""
    if variant.answers["database"] == "sqlite":
        return ""
    return request.getfixturevalue(SERVER_FIXTURES[variant.answers["database"]])


@pytest.fixture
def host_port(variant: Variant) -> Iterator[None]:
    """The variant's port on the host, held for the test (its containers listen there)."""
    with port_lock(variant.port):
        yield


@pytest.fixture
def data_options(variant: Variant) -> Iterator[list[str]]:
    """podman options mounting the variant's data: a fresh named volume at /data for
    SQLite (compose's app-data volume), else none."""
    if variant.answers["database"] != "sqlite":
        yield []
        return
    with volume() as name:
        yield [f"--volume={name}:/data"]
