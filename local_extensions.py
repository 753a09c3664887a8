"""Jinja filters of this template, loaded by cookiecutter as local extensions (the
``_extensions`` of cookiecutter.json): a free-text answer written as a string literal of
the language it lands in, so that quotes, backslashes and non-ASCII text stay as typed.
The pre-generation hook refuses control characters (line breaks among them), so these
filters need not escape them.
"""

from cookiecutter.utils import simple_filter


@simple_filter
def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: ``"..."`` with ``\\`` and ``"`` escaped by a
    backslash (TOML 1.0, "String"); every other character as it is."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@simple_filter
def python_string(text: str) -> str:
    """``text`` as a Python string literal that black leaves as it is: double quotes,
    unless single quotes need fewer escapes (black's rule, "Strings" in its style guide),
    with ``\\`` and the enclosing quote escaped."""
    quote = "'" if text.count("'") < text.count('"') else '"'
    return quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


@simple_filter
def docstring_text(text: str) -> str:
    """``text`` for the inside of a ``\"\"\"`` docstring: ``\\`` and ``"`` escaped, so that
    no quote closes it early or touches its delimiters (which black would pad)."""
    return text.replace("\\", "\\\\").replace('"', '\\"')
