"""``scripts/demo.sh`` prints each command it runs as a line that can be copied into a
shell: run by bash, the printed line does what the demo's own call did."""

import re
import subprocess

from ..helpers import ROOT

#: Words with every kind of character the demo's curl commands hold: spaces, JSON
#: quotes, an apostrophe, a dollar sign, an empty word and non-ASCII text.
WORDS = ["plain", "a b", "it's", '{"username": "demo1", "password": "$HOME"}', "", "é\\n"]


def show_function() -> str:
    """The source of demo.sh's ``show`` function."""
    source = (ROOT / "scripts" / "demo.sh").read_text()
    match = re.search(r"^show\(\) \{\n.*?^\}\n", source, re.MULTILINE | re.DOTALL)
    assert match, "scripts/demo.sh defines no show() function"
    return match.group()


def bash(script: str) -> str:
    """What ``bash -c script`` prints; it must exit 0."""
    return subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, check=True, env={"HOME": "/h"}
    ).stdout


def test_printed_command_runs_as_the_demo_ran_it() -> None:
    quoted = " ".join("'" + word.replace("'", "'\\''") + "'" for word in WORDS)
    output = bash(f"{show_function()}\nshow printf '[%s]' {quoted}")
    printed, _, ran = output.partition("\n")
    assert printed.startswith("$ printf ")
    assert ran == "".join(f"[{word}]" for word in WORDS) + "\n"
    assert bash(printed.removeprefix("$ ")) == ran.removesuffix("\n")
