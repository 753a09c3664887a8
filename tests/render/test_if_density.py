"""The template stays option-centred (issue 24, item 4): an option's docs and configuration
live with its files, so few Jinja branches are left to read through. Measured by
``scripts/if_density.py``."""

from ..helpers import script_module

if_density = script_module("if_density")

#: ``if`` blocks per 100 rendered lines over the whole template, and at most this many in
#: the two files every option used to touch. The README and config.py meet issue 24's
#: goals (under 40, under 10); the density (goal 1.5) is a bound at today's figure, so that
#: it only goes down until the goal is met.
MAX_DENSITY = 2.45
MAX_BLOCKS = {"README.md": 39, "{{cookiecutter.project_slug}}/config.py": 9}


def test_counting_skips_elif_endif_and_raw_blocks() -> None:
    text = (
        "{% if a %}x{% elif b %}y{% endif %}\n"
        "{%- if c -%}z{%- endif %}\n"
        "{% raw %}${{ x }} {% if runtime %}{% endif %}{% endraw %}\n"
    )
    assert if_density.if_blocks(text) == 2


def test_files_copied_without_rendering_are_not_counted() -> None:
    counts = if_density.measure()
    assert "uv.lock" not in counts and "README.md" in counts
    assert not any(
        name.startswith("{{cookiecutter.project_slug}}/templates/base") for name in counts
    )


def test_if_density_of_the_template_is_at_most_the_bound() -> None:
    counts = if_density.measure()
    assert if_density.density(counts) <= MAX_DENSITY, sorted(
        counts.items(), key=lambda item: -item[1][0]
    )[:10]


def test_readme_and_config_hold_few_if_blocks() -> None:
    counts = if_density.measure()
    over = {name: counts[name][0] for name, most in MAX_BLOCKS.items() if counts[name][0] > most}
    assert not over, over
