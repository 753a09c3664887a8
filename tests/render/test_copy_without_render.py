"""``_copy_without_render`` copies exactly the files that need no rendering: none of them
holds cookiecutter's Jinja, so a later ``{{ cookiecutter.x }}`` added to a copied file
fails here instead of reaching a project unrendered; and no pattern is left matching
nothing."""

import fnmatch
import json
import re
from pathlib import PurePosixPath

from cookiecutter.generate import is_copy_only_path

from ..helpers import ROOT

#: The template directory; cookiecutter matches the patterns on paths relative to it.
TEMPLATE = ROOT / "{{cookiecutter.project_slug}}"
CONFIG = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
PATTERNS = CONFIG["_copy_without_render"]
#: What cookiecutter's Jinja would act on: a variable, a statement or a comment.
JINJA = re.compile(r"\{\{|\{%|\{#")


def relative_files() -> list[PurePosixPath]:
    """Every file of the template directory, relative to it."""
    return sorted(
        PurePosixPath(path.relative_to(TEMPLATE).as_posix())
        for path in TEMPLATE.rglob("*")
        if path.is_file()
    )


def copied(relative: PurePosixPath) -> bool:
    """Whether cookiecutter copies the file unrendered: its path, or the path of one of its
    directories (copied whole), matches a pattern (cookiecutter's own test)."""
    context = {"cookiecutter": CONFIG}
    paths = [relative, *list(relative.parents)[:-1]]  # without the template directory "."
    return any(is_copy_only_path(str(path), context) for path in paths)


def test_no_copied_file_holds_cookiecutter_jinja() -> None:
    copies = [relative for relative in relative_files() if copied(relative)]
    assert PurePosixPath("uv.lock") in copies  # the largest file, and no Jinja in it
    for relative in copies:
        text = (TEMPLATE / relative).read_text(encoding="utf-8")
        if "templates" in relative.parts:
            # The generated service's own Jinja (Flask's templates, the scaffold's): copied
            # as they are, they must not need anything of cookiecutter.
            assert "cookiecutter" not in text, f"{relative} needs rendering: drop its pattern"
        else:
            found = JINJA.search(text)
            assert not found, (
                f"{relative} is copied unrendered but holds {found.group()!r}: take it out of "
                "_copy_without_render (list the files its pattern should still copy)"
            )


def test_every_pattern_copies_a_file() -> None:
    files = relative_files()
    directories = {parent for relative in files for parent in list(relative.parents)[:-1]}
    for pattern in PATTERNS:
        assert any(
            fnmatch.fnmatch(str(path), pattern) for path in [*files, *directories]
        ), f"_copy_without_render pattern {pattern!r} matches nothing in {TEMPLATE.name}"
