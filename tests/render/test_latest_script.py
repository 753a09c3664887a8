"""``scripts/latest.py``, the suites on the newest releases: its variants cover every
value that chooses dependencies, and each of them renders."""

from ..helpers import script_module
from ..variants.matrix import FUNCTIONAL, variant_id

#: Each value ``scripts/latest.py``'s variants must use at least once.
REQUIRED = {
    **{key: FUNCTIONAL[key] for key in ("app_style", "database", "cache", "worker")},
    "use_cors": ["true"],
    "error_tracking": ["sentry"],
    "tracing": ["opentelemetry"],
    "url_prefix": ["/svc"],
}


def test_the_variants_use_every_dependency_choice() -> None:
    variants = script_module("latest").VARIANTS
    assert len(variants) >= 4
    for key, values in REQUIRED.items():
        assert set(values) <= {answers.get(key) for answers in variants}, key
    assert len({variant_id(answers) for answers in variants}) == len(variants)


def test_each_variant_renders(bake) -> None:
    for answers in script_module("latest").VARIANTS:
        assert (bake(**answers) / "uv.lock").exists()


def test_moved_packages_lists_updates_additions_and_removals() -> None:
    moved = script_module("latest").moved_packages(
        {"flask": "3.1.0", "six": "1.17.0", "click": "8.3.0"},
        {"flask": "3.1.2", "blinker": "1.9.0", "click": "8.3.0"},
    )
    assert moved == [
        "Updated flask v3.1.0 -> v3.1.2",
        "Added blinker v1.9.0",
        "Removed six v1.17.0",
    ]
