"""Pre-generation hook: refuse answers that cannot make a working project.

Each rule names the variable, the rule and a valid example, and exits 1; cookiecutter
then removes the half-created output directory. Runs offline, standard library only.
"""

import json
import keyword
import re
import shlex
import sys
import unicodedata

#: Top-level modules of the generated project's dependencies and of its own layout;
#: a package of the same name would shadow them.
RESERVED_NAMES = {
    "alembic", "amqp", "billiard", "blinker", "celery", "click", "dotenv", "flask",
    "flask_caching", "flask_cors", "flask_httpauth", "flask_login", "flask_migrate",
    "flask_sqlalchemy", "cachelib",
    "flask_wtf", "gunicorn", "itsdangerous", "jinja2", "kombu", "mako", "markupsafe",
    "marshmallow", "migrations", "psycopg", "pymysql", "pytest", "redis", "sqlalchemy",
    "tests", "vine", "werkzeug", "wtforms",
}  # fmt: skip

#: The whole context of this render: every answer, and what cookiecutter adds (``_template``,
#: ``_output_dir``, ``_checkout``). Rendered as a JSON document inside a JSON string literal
#: (valid Python), so that no quote or backslash of an answer can break this file.
CONTEXT = json.loads({{ cookiecutter | jsonify | jsonify }})
ANSWERS = {name: value for name, value in CONTEXT.items() if not name.startswith("_")}

SLUG_RE = re.compile(r"[a-z][a-z0-9_]*")
#: Longest slug: Kubernetes names built from it (``<slug>-migrate``...) stay within 63
#: characters (RFC 1123 labels) and the generated code within its 99-character lines.
SLUG_MAX = 30
EMAIL_RE = re.compile(r"[^@\s\"\\]+@[^@\s\"\\]+\.[^@\s\"\\]+")
VERSION_RE = re.compile(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?")  # PEP 440
LABEL_RE = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")  # RFC 1123 host name label
PREFIX_RE = re.compile(r"(/[A-Za-z0-9._~-]+)+")  # RFC 3986 unreserved path segments


def check_slug(slug: str) -> str | None:
    """Return why ``slug`` is not a usable package name, or None when it is."""
    if not SLUG_RE.fullmatch(slug):
        return "must be lowercase letters, digits and _, starting with a letter"
    if slug.endswith("_") or "__" in slug:
        return "must not end with _ or hold __ (Kubernetes and image names are made from it)"
    if len(slug) > SLUG_MAX:
        return f"must be at most {SLUG_MAX} characters long"
    if keyword.iskeyword(slug) or keyword.issoftkeyword(slug):
        return "is a Python keyword"
    if slug in sys.stdlib_module_names:
        return "is the name of a standard-library module and would shadow it"
    if slug in RESERVED_NAMES:
        return "is the name of a dependency or project directory and would shadow it"
    return None


def check_text(value: str) -> str | None:
    """Free text: any character but control characters (Unicode category Cc), line breaks
    among them, since it lands on one line of README.md, comments and unit files. Quotes
    and backslashes are escaped where it lands (local_extensions.py)."""
    if not value.strip():
        return "must not be empty"
    if any(unicodedata.category(char) == "Cc" for char in value):
        return "must not contain line breaks or other control characters"
    return None


#: Longest project name: the module docstring and the config line that hold it, escaped
#: (``local_extensions.py``), stay within the generated code's 99-character lines.
NAME_MAX = 60


def check_name(name: str) -> str | None:
    """Free text (``check_text``) of at most ``NAME_MAX`` characters, a backslash or a
    double quote counting twice (each is escaped where the name lands in Python)."""
    if len(name) + name.count("\\") + name.count('"') > NAME_MAX:
        return (
            f"must be at most {NAME_MAX} characters long (a \\ or \" counts twice): "
            "it is a title"
        )
    return check_text(name)


def check_domain(domain: str) -> str | None:
    """A DNS host name (RFC 1123): dot-separated labels of a-z, 0-9 and -."""
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or not all(LABEL_RE.fullmatch(x) for x in labels):
        return "must be a lowercase DNS host name with at least one dot"
    return None


def check_prefix(prefix: str) -> str | None:
    """Empty, or a path such as /svc: leading slash, no trailing slash."""
    if prefix and not PREFIX_RE.fullmatch(prefix):
        return "must be empty or a path starting with / and not ending with /"
    return None


def check_port(port: str) -> str | None:
    """A TCP port number from 1 to 65535."""
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        return "must be a whole number from 1 to 65535"
    return None


def check_email(email: str) -> str | None:
    """An address of the form name@host.tld."""
    return None if EMAIL_RE.fullmatch(email) else "must be an e-mail address"


def check_version(version: str) -> str | None:
    """A PEP 440 version."""
    return None if VERSION_RE.fullmatch(version) else "must be a PEP 440 version"


RULES = {
    "project_slug": (check_slug, "todo_service"),
    "project_name": (check_name, "Todo Service"),
    "description": (check_text, "Tracks what there is to do."),
    "author_name": (check_text, "Jane Doe"),
    "author_email": (check_email, "jane@example.com"),
    "version": (check_version, "0.1.0"),
    "domain_name": (check_domain, "todo.example.com"),
    "url_prefix": (check_prefix, "/svc"),
    "http_port": (check_port, "8000"),
}


def errors() -> dict[str, list[str]]:
    """Every rule the answers break: its message, and the variables it is about."""
    found = {}
    for name, (check, example) in RULES.items():
        why = check(ANSWERS[name])
        if why:
            found[f"{name}={ANSWERS[name]!r} {why} (for example {name}={example})."] = [name]
    if ANSWERS["database"] == "sqlite" and ANSWERS["deploy_target"] == "kubernetes":
        message = (
            "database='sqlite' cannot be combined with deploy_target='kubernetes': SQLite is "
            "a file on one host, and the Deployment runs several replicas; choose "
            "database=postgresql (or mysql) for Kubernetes, or deploy_target=docker."
        )
        found[message] = ["database", "deploy_target"]
    return found


def rerun_command(to_fix: list[str]) -> str:
    """The shell command that renders again with every answer of this render.

    ``--replay`` cannot help: it re-uses the saved answers, the refused one included, and
    cookiecutter takes no ``key=value`` beside it. So the answers are spelled out after
    ``--no-input``, each quoted for a POSIX shell (``shlex.quote``), those in ``to_fix``
    last; the template and output directory are cookiecutter's own ``_template`` (as it was
    given, so relative to the shell's directory) and ``_output_dir``, and the interpreter
    is the one that runs cookiecutter, so the line works as copied.
    """
    ordered = sorted(ANSWERS, key=lambda name: name in to_fix)
    words = [sys.executable, "-m", "cookiecutter", "--no-input", CONTEXT["_template"]]
    if CONTEXT.get("_checkout"):
        words += ["--checkout", CONTEXT["_checkout"]]
    words += ["--output-dir", CONTEXT["_output_dir"]]
    for name in ordered:
        value = ANSWERS[name]
        words.append(f"{name}={str(value).lower() if isinstance(value, bool) else value}")
    return shlex.join(words)


def main() -> int:
    """Print every problem to stderr, then the command to render again with the other
    answers kept, and return 1; or return 0 when all is well."""
    problems = errors()
    for message in problems:
        print(f"ERROR: {message}", file=sys.stderr)
    if problems:
        to_fix = list(dict.fromkeys(name for names in problems.values() for name in names))
        print(
            f"\nYour answers are kept in this command; change {', '.join(to_fix)} at its end"
            f" and run it:\n\n{rerun_command(to_fix)}",
            file=sys.stderr,
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
