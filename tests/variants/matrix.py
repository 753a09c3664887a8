"""The variant matrix: every combination of the five functional variables, the rule that
refuses some, and the values of the eight other variables each valid combination is
rendered with, chosen so that every pair of values of any two variables is rendered.

``VARIANTS`` maps a variant's id (``full-postgresql-redis-celery-docker``,
``api-mysql-nocache-noworker-kubernetes``: the functional values in order, "nocache"
and "noworker" for the none values) to its answers, for the 64 valid combinations.
"""

import collections
import itertools

#: The variables that choose what code and which services a variant has.
FUNCTIONAL = {
    "app_style": ["full", "api"],
    "database": ["postgresql", "mysql", "sqlite"],
    "cache": ["redis", "none"],
    "worker": ["celery", "none"],
    "deploy_target": ["docker", "kubernetes", "systemd-nginx"],
}
#: The variables that change less code, with the values the matrix covers (the
#: default first).
PAIRWISE = {
    "use_cors": ["false", "true"],
    "url_prefix": ["", "/todo"],
    "ci": ["github", "gitlab", "none"],
    "python_version": ["3.12", "3.13", "3.11"],
    "open_source_license": ["MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"],
    "http_port": ["8000", "8080"],
    "error_tracking": ["none", "sentry"],
    "tracing": ["none", "opentelemetry"],
}
#: Pairs of values that no rendered variant can hold: the rule of ``refused_rule``.
REFUSED_PAIRS = {(("database", "sqlite"), ("deploy_target", "kubernetes"))}

COMBINATIONS = [
    dict(zip(FUNCTIONAL, values, strict=True))
    for values in itertools.product(*FUNCTIONAL.values())
]

Pair = tuple[tuple[str, str], tuple[str, str]]


def refused_rule(answers: dict[str, str]) -> str | None:
    """The documented rule (README, "Variables") that refuses ``answers``, if any."""
    if answers["database"] == "sqlite" and answers["deploy_target"] == "kubernetes":
        return "cannot be combined with deploy_target='kubernetes'"
    return None


def variant_id(answers: dict[str, str]) -> str:
    """``full-postgresql-redis-celery-docker``: the functional values of ``answers``
    joined by ``-``, with "nocache" and "noworker" for the none values."""
    names = {("cache", "none"): "nocache", ("worker", "none"): "noworker"}
    return "-".join(names.get((key, answers[key]), answers[key]) for key in FUNCTIONAL)


def pairs(answers: dict[str, str]) -> set[Pair]:
    """Every pair of ``(variable, value)`` of ``answers``, in the order of the variables
    in FUNCTIONAL then PAIRWISE."""
    order = [*FUNCTIONAL, *PAIRWISE]
    items = sorted(answers.items(), key=lambda item: order.index(item[0]))
    return set(itertools.combinations(items, 2))


def all_pairs() -> set[Pair]:
    """Every pair of values of any two of the thirteen variables, but the refused ones."""
    choices = {**FUNCTIONAL, **PAIRWISE}
    found = set()
    for first, second in itertools.combinations(choices, 2):
        for a, b in itertools.product(choices[first], choices[second]):
            found.add(((first, a), (second, b)))
    return found - REFUSED_PAIRS


def cover_pairwise(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Give each row (functional answers) values of the PAIRWISE variables so that the
    rows together hold every pair of values that involves a PAIRWISE variable.

    A greedy covering array: row by row, in order, take the assignment of the eight values
    (of all 1,152) that holds the most pairs not yet held by an earlier row; on a tie the
    one whose values earlier rows used least (so that, once every pair is held, the
    other rows still spread over all values), then the first in ``itertools.product``
    order. Deterministic: the same rows give the same answers. Returns
    ``{**row, **values}`` for each row.
    """
    candidates = [
        dict(zip(PAIRWISE, values, strict=True))
        for values in itertools.product(*PAIRWISE.values())
    ]
    missing = {pair for pair in all_pairs() if pair[1][0] in PAIRWISE}
    used = collections.Counter()
    covered = []
    for row in rows:
        scores = [
            (len(pairs({**row, **values}) & missing), -sum(used[v] for v in values.items()))
            for values in candidates
        ]
        best = candidates[scores.index(max(scores))]
        answers = {**row, **best}
        missing -= pairs(answers)
        used.update(best.items())
        covered.append(answers)
    return covered


VALID = [answers for answers in COMBINATIONS if not refused_rule(answers)]
REFUSED = [answers for answers in COMBINATIONS if refused_rule(answers)]
VARIANTS = {variant_id(answers): answers for answers in cover_pairwise(VALID)}
