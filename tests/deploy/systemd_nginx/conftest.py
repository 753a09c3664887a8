"""Fixtures of the systemd + nginx tests: the rendered target and a short directory."""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .deploy_files import TARGET, VARIANTS


@pytest.fixture(scope="session")
def render(bake):
    """``render(**answers)``: the systemd-nginx target rendered with ``answers``, once per
    session for each set of answers (the tests only read the rendered files)."""
    projects: dict[tuple, Path] = {}

    def _render(**answers: str) -> Path:
        key = tuple(sorted(answers.items()))
        if key not in projects:
            projects[key] = bake(**TARGET, **answers)
        return projects[key]

    return _render


@pytest.fixture(params=list(VARIANTS), ids=list(VARIANTS))
def project(request, render) -> Path:
    """Each of VARIANTS of the target, rendered (once per session)."""
    return render(**VARIANTS[request.param])


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A directory with a short path: unix socket paths are limited to 107 bytes."""
    with tempfile.TemporaryDirectory(prefix="sdn", dir="/tmp") as directory:
        path = Path(directory)
        path.chmod(0o755)
        yield path
