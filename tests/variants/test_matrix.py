"""Every combination of the five functional variables renders, or is refused on purpose by
a documented rule, and what renders reads as hand-written: no unrendered variable,
black/isort/ruff clean, every YAML and TOML file parses."""

import itertools
import tomllib
from pathlib import Path

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from ..helpers import ROOT, UNRENDERED, assert_lint_clean, project_files

CHOICES = {
    "app_style": ["full", "api"],
    "database": ["postgresql", "mysql", "sqlite"],
    "cache": ["redis", "none"],
    "worker": ["celery", "none"],
    "deploy_target": ["docker", "kubernetes", "systemd-nginx"],
}
COMBINATIONS = [
    dict(zip(CHOICES, values, strict=True)) for values in itertools.product(*CHOICES.values())
]


def refused_rule(answers: dict[str, str]) -> str | None:
    """The documented rule (README, "Variables") that refuses ``answers``, if any."""
    if answers["database"] == "sqlite" and answers["deploy_target"] == "kubernetes":
        return "cannot be combined with deploy_target='kubernetes'"
    return None


def test_there_are_72_combinations() -> None:
    assert len(COMBINATIONS) == 72


@pytest.mark.parametrize("answers", COMBINATIONS, ids=["-".join(c.values()) for c in COMBINATIONS])
def test_combination(answers: dict[str, str], tmp_path: Path, capfd) -> None:
    # Vary the other options along the matrix so that they meet every target too.
    index = COMBINATIONS.index(answers)
    extra = {"use_cors": str(index % 2 == 0), "url_prefix": "/todo" if index % 3 == 0 else ""}
    rule = refused_rule(answers)
    if rule:
        with pytest.raises(FailedHookException):
            cookiecutter(str(ROOT), no_input=True, extra_context={**answers, **extra},
                         output_dir=str(tmp_path))  # fmt: skip
        assert rule in capfd.readouterr().err
        assert list(tmp_path.iterdir()) == []
        return
    project = Path(
        cookiecutter(str(ROOT), no_input=True, extra_context={**answers, **extra},
                     output_dir=str(tmp_path))
    )  # fmt: skip
    for path in project_files(project):
        text = path.read_text(encoding="utf-8")
        if "/templates/" not in path.as_posix():
            assert not UNRENDERED.search(text), f"{path}: {UNRENDERED.search(text).group(0)}"
        if path.suffix in {".yml", ".yaml"}:
            assert list(yaml.safe_load_all(text)), path
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix == ".py":
            assert "\n\n\n\n" not in text, f"{path}: more than two blank lines"
    assert_lint_clean(project)
