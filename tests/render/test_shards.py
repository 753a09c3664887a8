"""``--shard K/N`` (``tests/shards.py``): every collected test in exactly one shard, the
same shards every time, of about equal estimated time."""

import collections

import pytest

from ..helpers import BIN, ROOT, run
from ..shards import VARIANT_SECONDS, parse_shard, shard_seconds, split


@pytest.fixture(scope="module")
def suite() -> list[str]:
    """The ids of every test the suite collects, in collection order."""
    result = run([BIN / "python", "-m", "pytest", "--collect-only", "-q"], cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    ids = [line for line in result.stdout.splitlines() if "::" in line]
    assert len(ids) > 400
    return ids


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7])
def test_every_test_is_in_exactly_one_shard_the_same_each_time(suite, count: int) -> None:
    shards = split(suite, count)
    assert len(shards) == count
    assert collections.Counter(sum(shards, [])) == collections.Counter(suite)
    assert split(list(suite), count) == shards
    # Each shard keeps the collection order.
    assert all(shard == sorted(shard, key=suite.index) for shard in shards)


def test_a_file_stays_whole_and_the_variants_are_spread(suite) -> None:
    shard_of = {node_id: k for k, shard in enumerate(split(suite, 4)) for node_id in shard}
    files = collections.defaultdict(set)
    for node_id, k in shard_of.items():
        if "::test_variant[" not in node_id:
            files[node_id.split("::")[0]].add(k)
    assert all(len(shards) == 1 for shards in files.values())
    variants = collections.Counter(
        k for node_id, k in shard_of.items() if "::test_variant[" in node_id
    )
    assert sum(variants.values()) == 76 and len(variants) == 4 and min(variants.values()) >= 10


def test_the_shards_are_balanced(suite) -> None:
    matrix = [node_id for node_id in suite if node_id.startswith(("tests/variants", "tests/api"))]
    seconds = shard_seconds(matrix, 4)
    # Balanced within one variant: heaviest units first, each to the lightest shard.
    assert max(seconds) - min(seconds) <= VARIANT_SECONDS
    # 2 pytest workers a shard: at most 10 minutes of wall time each.
    assert max(seconds) / 2 <= 600


@pytest.mark.parametrize("value", ["0/4", "5/4", "4", "a/b", "1/0"])
def test_a_bad_shard_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="K/N"):
        parse_shard(value)


def test_pytest_refuses_a_bad_shard_before_collecting() -> None:
    result = run([BIN / "python", "-m", "pytest", "--collect-only", "--shard", "5/4"], cwd=ROOT)
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert "--shard takes K/N" in result.stdout
