"""``scripts/instructions.py`` reads a callgrind dump's total instructions (``Ir``) from its
``events:`` and ``totals:`` lines, whatever other events are counted beside them."""

import pytest

from ..helpers import script_module

#: The head and the tail of a callgrind dump (callgrind_control --dump) with the cache
#: simulation on: Ir is the first of its events, and cost lines come before the totals.
DUMP = """# callgrind format
version: 1
creator: callgrind-3.19.0
pid: 4242
cmd:  /venv/bin/python /venv/bin/gunicorn -c gunicorn.conf.py flask_service.wsgi:app
part: 1

desc: Trigger: Client Request: dump

positions: line
events: Dr Ir Dw
summary: 700 9000123 300

ob=(1) /usr/bin/python3.11
fl=(1) ./Python/ceval.c
fn=(1) _PyEval_EvalFrameDefault
16 5 12 3
totals: 700 9000123 300
"""


def test_a_dumps_total_instructions_are_read_from_its_events() -> None:
    instructions = script_module("instructions")
    assert instructions.total_instructions(DUMP) == 9_000_123
    assert instructions.total_instructions(DUMP.replace("summary:", "# ")) == 9_000_123
    with pytest.raises(ValueError, match="not a callgrind output"):
        instructions.total_instructions(DUMP.replace("events: Dr Ir Dw", "events: Dr Dw"))
    with pytest.raises(ValueError, match="not a callgrind output"):
        instructions.total_instructions("Requests/sec: 1000\n")
