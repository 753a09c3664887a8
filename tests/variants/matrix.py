"""The variant matrix: every combination of the five functional variables, the rule that
refuses some, the combinations rendered without the example feature, and the values of
the other variables each variant is rendered with, chosen so that every pair of values
of any two variables is rendered.

``VARIANTS`` maps a variant's id (``full-postgresql-redis-celery-docker``,
``api-mysql-nocache-noworker-kubernetes``: the functional values in order, "nocache"
and "noworker" for the none values; ``-noexample`` appended for ``example=none``) to its
answers: the 64 valid combinations with ``example=todos``, then the 12 combinations of
``EXAMPLE_NONE_AXES`` with ``example=none``.
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
#: The example feature: every valid combination renders with ``todos``; ``none`` with
#: every combination of ``EXAMPLE_NONE_AXES`` (pages or not, the migration chain on each
#: database, the worker's example task or not), its cache and deploy_target chosen like
#: the PAIRWISE values.
EXAMPLE = {"example": ["todos", "none"]}
EXAMPLE_NONE_AXES = ["app_style", "database", "worker"]
#: The variables that change less code, with the values the matrix covers (the
#: default first).
PAIRWISE = {
    "use_cors": ["false", "true"],
    "url_prefix": ["", "/svc"],
    "ci": ["github", "gitlab", "none"],
    "python_version": ["3.12", "3.13", "3.11"],
    "open_source_license": ["MIT", "BSD-3-Clause", "Apache-2.0", "Proprietary"],
    "http_port": ["8000", "8080"],
    "error_tracking": ["none", "sentry"],
    "tracing": ["none", "opentelemetry"],
}
#: Pairs of values that no rendered variant can hold: the rule of ``refused_rule``.
REFUSED_PAIRS = {(("database", "sqlite"), ("deploy_target", "kubernetes"))}

#: All the variables of the matrix, in the order of ``pairs``.
VARIABLES = {**FUNCTIONAL, **EXAMPLE, **PAIRWISE}

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
    joined by ``-``, with "nocache" and "noworker" for the none values, and
    ``-noexample`` at the end for ``example=none``."""
    names = {("cache", "none"): "nocache", ("worker", "none"): "noworker"}
    parts = [names.get((key, answers[key]), answers[key]) for key in FUNCTIONAL]
    if answers.get("example") == "none":
        parts.append("noexample")
    return "-".join(parts)


def pairs(answers: dict[str, str]) -> set[Pair]:
    """Every pair of ``(variable, value)`` of ``answers``, in the order of the variables
    in FUNCTIONAL, EXAMPLE, then PAIRWISE."""
    items = [(key, answers[key]) for key in VARIABLES if key in answers]
    return set(itertools.combinations(items, 2))


def all_pairs() -> set[Pair]:
    """Every pair of values of any two of the fourteen variables, but the refused ones."""
    found = set()
    for first, second in itertools.combinations(VARIABLES, 2):
        for a, b in itertools.product(VARIABLES[first], VARIABLES[second]):
            found.add(((first, a), (second, b)))
    return found - REFUSED_PAIRS


def cover_pairwise(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Give each row (the answers it fixes, ``example`` among them) values of the
    variables it leaves open so that the rows together hold every pair of ``all_pairs``.

    The rows of each value of ``example`` are a covering array of their own over the
    thirteen other variables (so the example=none rows spread over pairs of values among
    themselves too, not only over the pairs with ``example``), built greedily: row by row,
    in order, take the assignment of the open variables (of all their combinations that
    ``refused_rule`` accepts: 1,152 for the eight PAIRWISE variables) that holds the most
    pairs no earlier row of the same example held; on a tie the one whose values earlier
    rows used least (so that, once every pair is held, the other rows still spread over
    all values), then the first in ``itertools.product`` order. Deterministic: the same
    rows give the same answers. Returns ``{**row, **values}`` for each row, its keys in
    the order of VARIABLES.
    """
    held: dict[str, set[Pair]] = collections.defaultdict(set)
    used: collections.Counter[tuple[str, str]] = collections.Counter()
    covered = []
    for row in rows:
        free = {key: values for key, values in VARIABLES.items() if key not in row}
        candidates = [
            values
            for values in (
                dict(zip(free, choice, strict=True))
                for choice in itertools.product(*free.values())
            )
            if not refused_rule({**row, **values})
        ]
        others = {key: value for key, value in row.items() if key != "example"}
        scores = [
            (len(pairs({**others, **values}) - held[row["example"]]),
             -sum(used[v] for v in values.items()))
            for values in candidates
        ]  # fmt: skip
        best = candidates[scores.index(max(scores))]
        held[row["example"]] |= pairs({**others, **best})
        used.update(best.items())
        covered.append({key: {**row, **best}[key] for key in VARIABLES})
    return covered


VALID = [answers for answers in COMBINATIONS if not refused_rule(answers)]
REFUSED = [answers for answers in COMBINATIONS if refused_rule(answers)]
#: What each variant fixes: the valid combinations with the example, then every
#: combination of EXAMPLE_NONE_AXES without it.
ROWS = [{**answers, "example": "todos"} for answers in VALID] + [
    {**dict(zip(EXAMPLE_NONE_AXES, values, strict=True)), "example": "none"}
    for values in itertools.product(*(FUNCTIONAL[key] for key in EXAMPLE_NONE_AXES))
]
VARIANTS = {variant_id(answers): answers for answers in cover_pairwise(ROWS)}
