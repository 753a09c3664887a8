"""The matrix covers the eight variables that change less code pairwise: every pair of
values of any two of the thirteen variables is held by a valid variant whose suite runs;
the matrix follows cookiecutter.json; ``-k`` on the variant ids selects what the README
says."""

import itertools
import json

from ..helpers import BIN, ROOT, run
from .matrix import (
    FUNCTIONAL,
    PAIRWISE,
    REFUSED_PAIRS,
    VALID,
    VARIANTS,
    all_pairs,
    cover_pairwise,
    pairs,
    refused_rule,
)


def test_every_pair_of_values_is_held_by_a_variant_that_runs() -> None:
    covered = set().union(*(pairs(answers) for answers in VARIANTS.values()))
    assert not all_pairs() - covered, sorted(all_pairs() - covered)


def test_all_pairs_are_every_pair_of_the_thirteen_variables_but_the_refused_one() -> None:
    sizes = [len(values) for values in {**FUNCTIONAL, **PAIRWISE}.values()]
    assert len(REFUSED_PAIRS) == 1
    assert len(all_pairs()) == sum(a * b for a, b in itertools.combinations(sizes, 2)) - 1
    ((first, second),) = REFUSED_PAIRS
    assert refused_rule({**VALID[0], first[0]: first[1], second[0]: second[1]})


def test_each_valid_combination_is_one_variant_with_a_value_of_each_pairwise_variable() -> None:
    assert [{key: answers[key] for key in FUNCTIONAL} for answers in VARIANTS.values()] == VALID
    for answers in VARIANTS.values():
        assert answers.keys() == FUNCTIONAL.keys() | PAIRWISE.keys()
        for key, values in PAIRWISE.items():
            assert answers[key] in values, (key, answers)


def test_the_assignment_is_deterministic() -> None:
    assert cover_pairwise(VALID) == list(VARIANTS.values())


def test_the_matrix_takes_its_values_from_cookiecutter_json() -> None:
    context = json.loads((ROOT / "cookiecutter.json").read_text())
    for key, values in FUNCTIONAL.items():
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
