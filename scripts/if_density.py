"""Count the template's ``{% if %}`` blocks: how many Jinja branches a change to the
template has to read through (issue 24, item 4).

Counts the openings ``{% if`` and ``{%- if`` (not ``elif``) in the files Cookiecutter
renders under ``{{cookiecutter.project_slug}}/``, and their lines. Files copied without
rendering (``_copy_without_render`` in cookiecutter.json: the Flask templates, uv.lock) hold
no Cookiecutter branch and are left out of both counts; so is the text of ``{% raw %}``
blocks, which Jinja copies as it is. Prints the blocks, the lines, the blocks per 100 lines
and the files with the most blocks: ``.venv/bin/python scripts/if_density.py [--top N]``.
"""

import argparse
import json
import re
from pathlib import Path, PurePosixPath

from cookiecutter.generate import is_copy_only_path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "{{cookiecutter.project_slug}}"
CONFIG = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
#: An ``if`` block's opening tag; ``elif`` and ``endif`` do not match.
IF_TAG = re.compile(r"\{%-?\s*if\b")
RAW_BLOCK = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.S)


def copied(relative: PurePosixPath) -> bool:
    """Whether cookiecutter copies the template's file at ``relative`` (a path relative to
    the template directory) unrendered: it, or one of its directories (copied whole),
    matches a pattern of ``_copy_without_render``, by cookiecutter's own test."""
    context = {"cookiecutter": CONFIG}
    paths = [relative, *list(relative.parents)[:-1]]  # without the template directory "."
    return any(is_copy_only_path(str(path), context) for path in paths)


def template_files(template: Path = TEMPLATE) -> list[PurePosixPath]:
    """Every file of ``template``, relative to it, sorted."""
    return sorted(
        PurePosixPath(path.relative_to(template).as_posix())
        for path in template.rglob("*")
        if path.is_file()
    )


def rendered_files(template: Path = TEMPLATE) -> list[Path]:
    """The files of ``template`` that Cookiecutter renders: all it does not copy."""
    return [template / relative for relative in template_files(template) if not copied(relative)]


def if_blocks(text: str) -> int:
    """The ``{% if %}`` openings of a template's text, outside ``{% raw %}`` blocks."""
    return len(IF_TAG.findall(RAW_BLOCK.sub("", text)))


def measure(template: Path = TEMPLATE) -> dict[str, tuple[int, int]]:
    """Each rendered file's path (relative to ``template``) with its ``(if blocks, lines)``."""
    counts = {}
    for path in rendered_files(template):
        text = path.read_text(encoding="utf-8")
        counts[path.relative_to(template).as_posix()] = (if_blocks(text), len(text.splitlines()))
    return counts


def density(counts: dict[str, tuple[int, int]]) -> float:
    """``if`` blocks per 100 lines over all of ``counts``."""
    blocks = sum(ifs for ifs, _ in counts.values())
    lines = sum(lines for _, lines in counts.values())
    return 100 * blocks / lines


def main() -> None:
    """Print the totals and the files with the most ``if`` blocks."""
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--top", type=int, default=10, help="files to list (default 10)")
    top = parser.parse_args().top
    counts = measure()
    blocks = sum(ifs for ifs, _ in counts.values())
    lines = sum(lines for _, lines in counts.values())
    print(f"{blocks} if blocks in {lines} lines of {len(counts)} rendered files")
    print(f"{density(counts):.2f} if blocks per 100 lines")
    for name, (ifs, file_lines) in sorted(counts.items(), key=lambda item: -item[1][0])[:top]:
        print(f"{ifs:5} {file_lines:6}  {name}")


if __name__ == "__main__":
    main()
