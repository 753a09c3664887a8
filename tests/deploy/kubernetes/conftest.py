"""Fixtures of the Kubernetes tests: the rendered variants and checkov."""

import hashlib
from pathlib import Path

import pytest

from ...helpers import CACHE, cached_venv
from .rendered import CHECKOV_REQUIREMENT, VARIANTS, Rendered


@pytest.fixture(scope="session", params=list(VARIANTS))
def rendered(request, bake) -> Rendered:
    """Each of VARIANTS of the kubernetes target, rendered once per session."""
    answers = {"deploy_target": "kubernetes", **VARIANTS[request.param]}
    return Rendered(answers, bake(**answers))


@pytest.fixture(scope="session")
def prefix_variant(bake) -> Rendered:
    """The PostgreSQL variant mounted under /svc, whose containers the tests run."""
    answers = {"deploy_target": "kubernetes", **VARIANTS["postgresql-prefix"]}
    return Rendered(answers, bake(**answers))


@pytest.fixture(scope="session")
def checkov() -> Path:
    """The checkov executable, from ``.cache/tools/checkov-<hash of the pin>``, built once
    (under a file lock, so parallel test workers share it)."""
    digest = hashlib.sha256(CHECKOV_REQUIREMENT.encode()).hexdigest()[:12]
    return cached_venv(CACHE / "tools" / f"checkov-{digest}", [CHECKOV_REQUIREMENT]) / "checkov"
