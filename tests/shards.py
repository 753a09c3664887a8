"""Split the collected tests into N shards of about equal time: ``--shard K/N`` (the
hooks are in ``conftest.py``), for the workflow's parallel jobs and to run one of them
locally.

The rule: each variant of the matrix (``test_matrix.py::test_variant[...]``) is a unit of
its own; every other test file is one unit, so that what its tests share (a rendered
project, a built image) is made in one shard only. A unit weighs the seconds in
``SECONDS`` (a file's tests run one after another), or ``VARIANT_SECONDS`` for a variant,
or ``TEST_SECONDS`` a test for a file not in the table. The units, heaviest first (ties
in collection order, so the variants in matrix order), go one by one to the shard that
weighs least so far (ties to the lowest K). The same collected tests always give the
same shards, and every test is in exactly one.
"""

#: The matrix's variants are split one by one; every other file stays whole.
SPLIT_BY_TEST = ("tests/variants/test_matrix.py::test_variant[",)
#: Seconds a variant takes: render, pre-commit, `uv lock --check`, its own suite (on the
#: 2-core machine 17 to 32 s when quiet, 9 to 69 s, 41 on average, under a load of 2 to 4;
#: all the same weight, the variants go round-robin).
VARIANT_SECONDS = 30
#: Seconds a test of a file not in ``SECONDS`` is assumed to take.
TEST_SECONDS = 2
#: Seconds each heavy file's tests take together (estimates from the 2-core machine's
#: runs; after a change, `bash scripts/test.sh PATH --durations=0` gives new ones).
SECONDS = {
    "tests/variants/test_readme_commands.py": 45,  # 3 quick starts as written: 42 s measured
    "tests/variants/test_services.py": 150,  # migrations, gunicorn, the RabbitMQ worker
    "tests/api/test_outages.py": 180,  # 3 services behind proxies cut and restored
    "tests/api/test_fuzzing.py": 120,  # schemathesis on 3 databases
}


def parse_shard(value: str) -> tuple[int, int]:
    """``"K/N"`` -> ``(K, N)``; ``ValueError`` unless ``1 <= K <= N``."""
    first, slash, second = value.partition("/")
    if not (slash and first.isdigit() and second.isdigit() and 1 <= int(first) <= int(second)):
        raise ValueError(f"--shard takes K/N with 1 <= K <= N, not {value!r}")
    return int(first), int(second)


def unit_of(node_id: str) -> str:
    """The unit a test belongs to: its own id for a variant, else its file."""
    if node_id.startswith(SPLIT_BY_TEST):
        return node_id
    return node_id.split("::", 1)[0]


def unit_seconds(unit: str, count: int) -> float:
    """The estimated seconds of ``unit``, which holds ``count`` collected tests."""
    if unit.startswith(SPLIT_BY_TEST):
        return VARIANT_SECONDS
    return SECONDS.get(unit, TEST_SECONDS * count)


def units(node_ids: list[str]) -> dict[str, list[str]]:
    """``node_ids`` grouped by their unit, in collection order."""
    grouped: dict[str, list[str]] = {}
    for node_id in node_ids:
        grouped.setdefault(unit_of(node_id), []).append(node_id)
    return grouped


def split(node_ids: list[str], count: int) -> list[list[str]]:
    """``node_ids`` split into ``count`` shards by the module's rule; each shard keeps the
    collection order."""
    grouped = units(node_ids)
    weights = [0.0] * count
    shard_of: dict[str, int] = {}
    # sorted() is stable: equal weights keep their collection order.
    seconds = {unit: unit_seconds(unit, len(ids)) for unit, ids in grouped.items()}
    for unit in sorted(grouped, key=lambda unit: -seconds[unit]):
        lightest = weights.index(min(weights))
        shard_of[unit] = lightest
        weights[lightest] += seconds[unit]
    shards: list[list[str]] = [[] for _ in range(count)]
    for node_id in node_ids:
        shards[shard_of[unit_of(node_id)]].append(node_id)
    return shards


def shard_seconds(node_ids: list[str], count: int) -> list[float]:
    """The estimated seconds of each of ``count`` shards of ``node_ids``."""
    return [
        sum(unit_seconds(unit, len(ids)) for unit, ids in units(shard).items())
        for shard in split(node_ids, count)
    ]
