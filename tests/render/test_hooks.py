"""The pre-generation hook refuses bad answers cleanly; the post-generation hook prunes."""

from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

from ..helpers import ROOT, refused

BAD_SLUGS = [
    ("1service", "must be lowercase letters, digits and _"),
    ("my-service", "must be lowercase letters, digits and _"),
    ("MyService", "must be lowercase letters, digits and _"),
    ("class", "is a Python keyword"),
    ("match", "is a Python keyword"),
    ("json", "standard-library module"),
    ("flask", "name of a dependency"),
    ("celery", "name of a dependency"),
    ("migrations", "name of a dependency or project directory"),
    ("service_", "must not end with _ or hold __"),
    ("my__service", "must not end with _ or hold __"),
    ("a" * 31, "at most 30 characters"),
]


@pytest.mark.parametrize(("slug", "rule"), BAD_SLUGS)
def test_bad_project_slug_is_refused(tmp_path: Path, capfd, slug: str, rule: str) -> None:
    err = refused(tmp_path, capfd, project_slug=slug)
    assert f"ERROR: project_slug={slug!r} " in err
    assert rule in err
    assert "(for example project_slug=todo_service)" in err


@pytest.mark.parametrize(
    ("variable", "value", "rule"),
    [
        ("url_prefix", "/svc/", "must be empty or a path starting with /"),
        ("url_prefix", "todo", "must be empty or a path starting with /"),
        ("http_port", "0", "from 1 to 65535"),
        ("http_port", "http", "from 1 to 65535"),
        ("domain_name", "localhost", "DNS host name"),
        ("domain_name", "Example.COM", "DNS host name"),
        ("project_name", "Say\nhi", "must not contain line breaks"),
        ("project_name", "N" * 61, "must be at most 60 characters long"),
        ("project_name", "N" * 59 + '"', "must be at most 60 characters long"),
        ("description", "tab\there", "other control characters"),
        ("author_email", "jane", "must be an e-mail address"),
        ("version", "one", "PEP 440"),
    ],
)
def test_bad_answers_are_refused(
    tmp_path: Path, capfd, variable: str, value: str, rule: str
) -> None:
    err = refused(tmp_path, capfd, **{variable: value})
    assert f"{variable}=" in err
    assert rule in err


def test_an_unknown_choice_is_refused_by_cookiecutter(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="oracle provided for choice variable database"):
        cookiecutter(str(ROOT), no_input=True, extra_context={"database": "oracle"},
                     output_dir=str(tmp_path))  # fmt: skip
    assert list(tmp_path.iterdir()) == []


def test_slug_is_derived_from_the_name(bake) -> None:
    project = bake(project_name="Café Order-Tracker 2")
    assert project.name == "cafe_order_tracker_2"
    assert (project / "cafe_order_tracker_2" / "__init__.py").is_file()


@pytest.mark.parametrize(
    ("license_", "first_line"),
    [("MIT", "MIT License"), ("BSD-3-Clause", "BSD 3-Clause License"),
     ("Apache-2.0", "Copyright ")],
)  # fmt: skip
def test_license_text(bake, license_: str, first_line: str) -> None:
    text = (bake(open_source_license=license_) / "LICENSE").read_text()
    assert text.startswith(first_line)
    assert "Jane Doe" in text


def test_proprietary_has_no_license_file(bake) -> None:
    project = bake(open_source_license="Proprietary")
    assert not (project / "LICENSE").exists()
    assert 'license = "LicenseRef-Proprietary"' in (project / "pyproject.toml").read_text()
