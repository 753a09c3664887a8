"""The matrix covers the eight variables that change less code, and ``example``, pairwise:
every pair of values of any two of the fourteen variables is held by a valid variant
whose suite runs; the matrix follows cookiecutter.json; ``-k`` on the variant ids selects
what the README says."""

import itertools
import json

from ..helpers import BIN, ROOT, run
from .matrix import (
    EXAMPLE,
    EXAMPLE_NONE_AXES,
    FUNCTIONAL,
    PAIRWISE,
    REFUSED_PAIRS,
    ROWS,
    VALID,
    VARIABLES,
    VARIANTS,
    all_pairs,
    cover_pairwise,
    pairs,
    refused_rule,
)


def test_every_pair_of_values_is_held_by_a_variant_that_runs() -> None:
    covered = set().union(*(pairs(answers) for answers in VARIANTS.values()))
    assert not all_pairs() - covered, sorted(all_pairs() - covered)


def test_every_value_of_every_other_variable_is_rendered_with_each_example() -> None:
    covered = set().union(*(pairs(answers) for answers in VARIANTS.values()))
    others = {key: values for key, values in VARIABLES.items() if key != "example"}
    for example in EXAMPLE["example"]:
        for key, values in others.items():
            for value in values:
                assert pairs({"example": example, key: value}) <= covered, (example, key, value)
    with_example = {pair for pair in all_pairs() if "example" in {pair[0][0], pair[1][0]}}
    assert len(with_example) == 2 * sum(len(values) for values in others.values())


def test_all_pairs_are_every_pair_of_the_fourteen_variables_but_the_refused_one() -> None:
    sizes = [len(values) for values in VARIABLES.values()]
    assert len(sizes) == 14 and VARIABLES == {**FUNCTIONAL, **EXAMPLE, **PAIRWISE}
    assert len(REFUSED_PAIRS) == 1
    assert len(all_pairs()) == sum(a * b for a, b in itertools.combinations(sizes, 2)) - 1
    ((first, second),) = REFUSED_PAIRS
    assert refused_rule({**VALID[0], first[0]: first[1], second[0]: second[1]})


def test_each_valid_combination_is_one_variant_with_a_value_of_each_pairwise_variable() -> None:
    todos = [answers for answers in VARIANTS.values() if answers["example"] == "todos"]
    none = [answers for answers in VARIANTS.values() if answers["example"] == "none"]
    assert [{key: answers[key] for key in FUNCTIONAL} for answers in todos] == VALID
    assert [{key: answers[key] for key in EXAMPLE_NONE_AXES} for answers in none] == [
        dict(zip(EXAMPLE_NONE_AXES, values, strict=True))
        for values in itertools.product(*(FUNCTIONAL[key] for key in EXAMPLE_NONE_AXES))
    ]
    for answers in VARIANTS.values():
        assert list(answers) == list(VARIABLES)
        assert not refused_rule(answers), answers
        for key, values in VARIABLES.items():
            assert answers[key] in values, (key, answers)


def test_the_none_variants_spread_over_cache_and_deploy_targets() -> None:
    none = [answers for answers in VARIANTS.values() if answers["example"] == "none"]
    for key in ("cache", "deploy_target"):
        assert {answers[key] for answers in none} == set(FUNCTIONAL[key]), key
    for worker in FUNCTIONAL["worker"]:  # not tied to the worker: both caches with each
        caches = {answers["cache"] for answers in none if answers["worker"] == worker}
        assert caches == set(FUNCTIONAL["cache"]), worker


def test_the_assignment_is_deterministic() -> None:
    assert cover_pairwise(ROWS) == list(VARIANTS.values())


def test_the_matrix_takes_its_values_from_cookiecutter_json() -> None:
    context = json.loads((ROOT / "cookiecutter.json").read_text())
    for key, values in {**FUNCTIONAL, **EXAMPLE}.items():
        assert values == context[key], key
    for key in ("ci", "python_version", "open_source_license", "error_tracking", "tracing"):
        assert PAIRWISE[key] == context[key], key
    assert context["use_cors"] is False
    for key in ("url_prefix", "http_port"):
        assert PAIRWISE[key][0] == context[key], key


def collected(*args: str) -> list[str]:
    """The node ids ``pytest --collect-only ARGS`` selects (run from the repository root)."""
    result = run(
        [BIN / "python", "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q", *args],
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_k_selects_variants_by_their_ids() -> None:
    prefix = "tests/variants/test_matrix.py::test_variant"
    assert collected("tests/variants", "-k", "api and mysql and celery and docker") == [
        f"{prefix}[api-mysql-redis-celery-docker]",
        f"{prefix}[api-mysql-nocache-celery-docker]",
    ]
    assert collected("tests/variants", "-k", "full-sqlite-nocache-noworker-docker") == [
        f"{prefix}[full-sqlite-nocache-noworker-docker]"
    ]
    none = collected("tests/variants", "-k", "noexample")
    assert none == [f"{prefix}[{name}]" for name in VARIANTS if name.endswith("-noexample")]
    assert len(none) == 12
    todos = collected(prefix, "-k", "not noexample")
    assert todos == [f"{prefix}[{name}]" for name in VARIANTS if not name.endswith("-noexample")]
