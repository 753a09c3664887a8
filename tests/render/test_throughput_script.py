"""``scripts/throughput.py`` keeps the rounds it could measure: a round in which one
side's gunicorn workers could not both be loaded is left out, not the whole run."""

import argparse
from collections import Counter

import pytest

from ..helpers import script_module


def test_a_round_whose_workers_stay_idle_is_left_out(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    throughput = script_module("throughput")
    args = argparse.Namespace(rounds=3, duration=5, warmup=2, connections=8)
    measures: Counter[tuple[str, str, int]] = Counter()

    def wrk(server: str, path: str, seconds: int, *_args: object) -> tuple[float, float]:
        # Stands in for wrk: A serves 80 requests for B's 100 at 500 µs against 400,
        # except that B's warm-up of /health and A's second /health measure are idle.
        measures[server, path, seconds] += 1
        if (server, path, seconds, measures[server, path, seconds]) in {
            ("B", "/health", 2, 1),
            ("A", "/health", 5, 2),
        }:
            raise throughput.WorkerIdle(f"a worker of {server} stayed idle in 5 measures")
        return (80.0, 500.0) if server == "A" else (100.0, 400.0)

    monkeypatch.setattr(throughput, "wrk", wrk)
    ratios = throughput.measure(args, "A", "B", "token")
    assert ratios["todos"] == {"req/s": [0.8] * 3, "CPU": [0.8] * 3}
    assert ratios["health"] == {"req/s": [0.8] * 2, "CPU": [0.8] * 2}
    assert "health not counted: a worker of A stayed idle in 5 measures" in capsys.readouterr().out
