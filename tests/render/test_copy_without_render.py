"""``_copy_without_render`` copies exactly the files that need no rendering: none of them
holds cookiecutter's Jinja, so a later ``{{ cookiecutter.x }}`` added to a copied file
fails here instead of reaching a project unrendered; and no pattern is left matching
nothing."""

import fnmatch
import re
from pathlib import PurePosixPath

from ..helpers import script_module

#: What the template copies and renders (cookiecutter's own matching of the patterns).
if_density = script_module("if_density")
TEMPLATE = if_density.TEMPLATE
PATTERNS = if_density.CONFIG["_copy_without_render"]
#: What cookiecutter's Jinja would act on: a variable, a statement or a comment.
JINJA = re.compile(r"\{\{|\{%|\{#")


def test_no_copied_file_holds_cookiecutter_jinja() -> None:
    copies = [relative for relative in if_density.template_files() if if_density.copied(relative)]
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
    files = if_density.template_files()
    directories = {parent for relative in files for parent in list(relative.parents)[:-1]}
    for pattern in PATTERNS:
        assert any(
            fnmatch.fnmatch(str(path), pattern) for path in [*files, *directories]
        ), f"_copy_without_render pattern {pattern!r} matches nothing in {TEMPLATE.name}"
