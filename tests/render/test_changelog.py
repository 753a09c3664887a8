"""The template's version: CHANGELOG.md (Keep a Changelog 1.1.0, SemVer) and
``_template_version`` in cookiecutter.json agree, and a generated project shows it."""

import json
import re
from pathlib import Path

from ..helpers import ROOT

#: A release heading of Keep a Changelog: ``## [1.2.3] - 2026-11-21``.
RELEASE = re.compile(r"## \[(\d+)\.(\d+)\.(\d+)\] - \d{4}-\d{2}-\d{2}")
#: The kinds of change Keep a Changelog names.
KINDS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def template_version() -> str:
    """``_template_version`` of cookiecutter.json."""
    return json.loads((ROOT / "cookiecutter.json").read_text())["_template_version"]


def test_changelog_latest_release_is_the_template_version() -> None:
    lines = (ROOT / "CHANGELOG.md").read_text().splitlines()
    versions = [line.removeprefix("## ") for line in lines if line.startswith("## ")]
    assert versions[0] == "[Unreleased]"
    releases = [RELEASE.fullmatch(f"## {heading}") for heading in versions[1:]]
    assert all(releases), f"not a release heading: {versions[1:]}"
    numbers = [tuple(int(part) for part in release.groups()) for release in releases]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == len(numbers)
    assert ".".join(map(str, numbers[0])) == template_version()
    kinds = {line.removeprefix("### ") for line in lines if line.startswith("### ")}
    assert kinds <= KINDS


def test_generated_readme_names_the_template_version(default_project: Path) -> None:
    readme = (default_project / "README.md").read_text()
    assert f"cookiecutter-flask-service template, version\n{template_version()};" in readme
