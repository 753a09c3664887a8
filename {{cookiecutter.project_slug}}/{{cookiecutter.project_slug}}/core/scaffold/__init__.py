"""``flask scaffold NAME FIELD:TYPE ...``: a new resource as a feature package.

It writes the package, its templates and its tests, and registers it in
``register_blueprints``; the migration is then Flask-Migrate's ``flask db migrate``. The
files come from the Jinja templates in ``templates/``, whose paths are the paths they are
written to (``{package}`` and ``{name}`` filled in). Their Jinja delimiters are ``[[ ]]``
and ``[% %]``, leaving braces to the code they write.
"""

import keyword
import re
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
{%- if cookiecutter.app_style == "full" %}
from flask_wtf import FlaskForm
{%- endif %}
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from marshmallow import Schema

from ...extensions import Base, db

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: A resource's and a field's name: lowercase snake_case, short enough for index names.
NAME_RE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
NAME_MAX = 20
#: black's line length in the project (pyproject.toml).
LINE_MAX = 99
#: Field types, and the model's Python type of each.
TYPES = {
    "str": "str",
    "text": "str",
    "int": "int",
    "decimal": "Decimal",
    "bool": "bool",
    "date": "date",
    "datetime": "datetime",
}
#: Each type's marshmallow field, and its validator when it has one.
SCHEMA_FIELDS = {
    "str": ("fields.String", "validate.Length(min=1, max=STR_MAX)"),
    "text": ("fields.String", "validate.Length(min=1, max=TEXT_MAX)"),
    "int": ("StrictInteger", "validate.Range(min=INT_MIN, max=INT_MAX)"),
    "decimal": ("DecimalString", None),
    "bool": ("StrictBoolean", None),
    "date": ("fields.Date", None),
    "datetime": ("fields.AwareDateTime", "DATETIME_RANGE"),
}
#: Each type's values in the generated tests (Python source): two valid JSON values, and
#: JSON values the API refuses.
EXAMPLES = {
    "str": ('"A name"', '"Another name"', ["12", '""', '"x" * 201']),
    "text": ('"Some text"', '"More text"', ["12", '""', '"x" * 10_001']),
    "int": ("42", "-7", ['"42"', "1.5", "True", "2**31"]),
    "decimal": ('"12.50"', '"-0.25"', ["12.5", '"1.234"', '"12345678901"']),
    "bool": ("True", "False", ['"yes"', "1"]),
    "date": ('"2026-01-31"', '"2027-12-01"', ['"31/01/2026"', "20260131"]),
    "datetime": (
        '"2026-01-31T09:30:00+00:00"',
        '"2027-12-01T18:45:00+00:00"',
        ['"2026-01-31T09:30:00"', '"0001-01-01T00:00:00+01:00"'],
    ),
}
#: Singulars that would hide a name the generated modules use.
RESERVED_SINGULARS = frozenset(
    {"app", "bp", "data", "field", "form", "location", "owned", "page", "rows", "save"}
    | {"update", "value"}
)
#: Names of the service's own features and packages.
RESERVED_NAMES = frozenset({"users", "auth", "api", "main", "core", "docs", "tasks"})
#: Columns every resource has.
RESERVED_COLUMNS = frozenset({"id", "user_id", "created_at", "updated_at"})
{%- if cookiecutter.app_style == "full" %}
#: Attributes of the model, schema and form classes that a field would hide.
RESERVED_ATTRIBUTES = frozenset(
    name for name in {*dir(Base), *dir(Schema), *dir(FlaskForm)} if name[0] != "_"
) | {"csrf_token"}
{%- else %}
#: Attributes of the model and schema classes that a field would hide.
RESERVED_ATTRIBUTES = frozenset(name for name in {*dir(Base), *dir(Schema)} if name[0] != "_")
{%- endif %}


@dataclass(frozen=True)
class Field:
    """One field of a resource: ``name:type``, optional with a trailing ``?``."""

    name: str
    type: str
    optional: bool

    @property
    def mapped(self) -> str:
        """The model's annotation of the column: ``Mapped[str]``, ``Mapped[date | None]``."""
        return f"Mapped[{TYPES[self.type]}{' | None' if self.optional else ''}]"

    @property
    def schema_type(self) -> str:
        """The marshmallow field of the API's schemas."""
        return SCHEMA_FIELDS[self.type][0]

    def schema_arguments(self, changes: bool) -> list[str]:
        """The arguments of the schema's field; ``changes``: for PATCH, where none is required.

        A boolean is false when left out, an optional field null.
        """
        arguments: list[str] = []
        if self.optional:
            arguments.append("allow_none=True")
        if not changes:
            if self.optional:
                arguments.append("load_default=None")
            elif self.type == "bool":
                arguments.append("load_default=False")
            else:
                arguments.append("required=True")
        validator = SCHEMA_FIELDS[self.type][1]
        if validator:
            arguments.append(f"validate={validator}")
        return arguments

    @property
    def example(self) -> str:
        """A valid value of the field in a JSON body (Python source)."""
        return EXAMPLES[self.type][0]

    @property
    def other_example(self) -> str:
        """Another valid value, different from ``example``."""
        return EXAMPLES[self.type][1]

    @property
    def invalid_examples(self) -> list[str]:
        """Values the API refuses with 422."""
        return EXAMPLES[self.type][2]


def parse_field(spec: str, seen: set[str]) -> Field:
    """Read ``name:type`` or ``name:type?``.

    :param seen: the names of the fields before it.
    :raises click.BadParameter: naming the rule broken and a valid example.
    """
    name, colon, kind = spec.partition(":")
    optional = kind.endswith("?")
    kind = kind.removesuffix("?")
    if not colon or kind not in TYPES:
        raise bad_field(spec, f"the type must be one of {', '.join(TYPES)}, e.g. due:date?")
    if not NAME_RE.fullmatch(name) or len(name) > NAME_MAX:
        raise bad_field(
            spec, f"the name must be lowercase snake_case of at most {NAME_MAX} characters"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise bad_field(spec, "the name must not be a Python keyword")
    if name in RESERVED_COLUMNS:
        raise bad_field(spec, f"every resource has {', '.join(sorted(RESERVED_COLUMNS))}")
    if name in RESERVED_ATTRIBUTES:
        raise bad_field(spec, "the name is taken by the model{{ ", schema or form" if cookiecutter.app_style == "full" else " or schema" }} classes")
    if name in seen:
        raise bad_field(spec, "each field is given once")
    return Field(name, kind, optional)


def bad_field(spec: str, rule: str) -> click.BadParameter:
    """The error for a bad ``FIELD:TYPE`` argument."""
    return click.BadParameter(
        f"{spec!r}: {rule} (e.g. title:str due:date? price:decimal).", param_hint="FIELD:TYPE"
    )


def singular_of(name: str) -> str | None:
    """The singular of an English plural by its ending, or None when it has none of them."""
    if name.endswith("ies"):
        return name.removesuffix("ies") + "y"
    if name.endswith(("sses", "xes", "ches", "shes", "zes")):
        return name.removesuffix("es")
    if name.endswith("s") and not name.endswith("ss"):
        return name.removesuffix("s")
    return None


def check_name(name: str, singular: str, app: Flask) -> None:
    """Refuse a resource name the service has, or that Python or the URLs cannot take.

    :raises click.BadParameter: naming the rule broken and a valid example.
    """
    package = Path(app.root_path)
    for value, hint in ((name, "NAME"), (singular, "--singular")):
        if not NAME_RE.fullmatch(value) or len(value) > NAME_MAX or keyword.iskeyword(value):
            raise click.BadParameter(
                f"{value!r} must be lowercase snake_case of at most {NAME_MAX} characters, "
                "not a Python keyword (e.g. projects, line_items).",
                param_hint=hint,
            )
    taken = (
        name in RESERVED_NAMES
        or (package / name).exists()
        or (package / f"{name}.py").exists()
        or name in db.metadata.tables
        or name in app.blueprints
        or f"{name}_api" in app.blueprints
        or any(
            rule.rule.split("/")[1:2] == [name] or rule.rule.split("/")[3:4] == [name]
            for rule in app.url_map.iter_rules()
        )
    )
    if taken:
        raise click.BadParameter(
            f"{name!r} is taken: a feature, module, table, blueprint or URL of the service "
            f"has it, or it is reserved ({', '.join(sorted(RESERVED_NAMES))}); choose a new "
            "plural noun (e.g. projects).",
            param_hint="NAME",
        )
    if singular in RESERVED_SINGULARS:
        raise click.BadParameter(
            f"{singular!r} would hide a name of the generated modules "
            f"({', '.join(sorted(RESERVED_SINGULARS))}); choose another NAME (e.g. projects).",
            param_hint="--singular",
        )
    if singular == name:
        raise click.BadParameter(
            f"{singular!r} must differ from NAME (e.g. --singular person for people).",
            param_hint="--singular",
        )


def class_name(singular: str) -> str:
    """The model's class name: ``line_item`` is ``LineItem``."""
    return "".join(part.capitalize() for part in singular.split("_"))


def call(indent: int, head: str, arguments: list[str], tail: str = "") -> str:
    """``head(arguments)tail`` indented by ``indent``, on one line when it fits, else one
    argument a line with a trailing comma, as black leaves it."""
    pad = " " * indent
    line = f"{pad}{head}({', '.join(arguments)}){tail}"
    if len(line) <= LINE_MAX:
        return line
    lines = "".join(f"{pad}    {argument},\n" for argument in arguments)
    return f"{pad}{head}(\n{lines}{pad}){tail}"


def imports(module: str, names: list[str]) -> str:
    """``from module import names``, one name a line when they do not fit, as isort's black
    profile writes it."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= LINE_MAX:
        return line
    return f"from {module} import (\n" + "".join(f"    {name},\n" for name in names) + ")"


def render_files(name: str, singular: str, fields: list[Field], app: Flask) -> dict[Path, str]:
    """Every file of the resource, by its path, rendered from ``TEMPLATES``."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        block_start_string="[%",
        block_end_string="%]",
        variable_start_string="[[",
        variable_end_string="]]",
        comment_start_string="[#",
        comment_end_string="#]",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    environment.globals.update(call=call, imports=imports)
    package = Path(app.root_path)
    templates = sorted(environment.list_templates(extensions=["jinja"]))
    types = {field.type for field in fields}

    def uses(*kinds: str) -> bool:
        """Whether a field has one of these types."""
        return not types.isdisjoint(kinds)

    context = {
        "package": package.name,
        "name": name,
        "singular": singular,
        "a_singular": ("an " if singular[0] in "aeiou" else "a ") + singular.replace("_", " "),
        "model": class_name(singular),
        "fields": fields,
        "types": types,
        "uses": uses,
        "pages": "{package}/{name}/views.py.jinja" in templates,
    }
    files = {}
    for template in templates:
        path = template.removesuffix(".jinja").format(package=package.name, name=name)
        files[package.parent / path] = environment.get_template(template).render(context)
    return files


def registered(source: str, name: str) -> str:
    """The factory module's ``source`` with ``name`` imported and its ``init_app`` called
    last in ``register_blueprints``.

    :raises click.UsageError: when either place is not as the layout has it.
    """
    feature_imports = re.search(r"^from \. import (\w+(?:, \w+)*)$", source, re.M)
    calls = re.search(
        r"^def register_blueprints\(app: Flask\) -> None:\n(?:    .*\n)*?"
        r"(    \w+\.init_app\(app, rest_api\)\n)(?!    \w+\.init_app)",
        source,
        re.M,
    )
    if feature_imports is None or calls is None:
        raise click.UsageError(
            "The package's __init__.py has no line 'from . import ...' or no "
            "'<feature>.init_app(app, rest_api)' in register_blueprints: register the "
            f"package by hand ({name}.init_app(app, rest_api))."
        )
    line = imports(".", sorted({*feature_imports.group(1).split(", "), name}))
    end = calls.end(1)
    source = f"{source[:end]}    {name}.init_app(app, rest_api)\n{source[end:]}"
    return source.replace(feature_imports.group(0), line, 1)


@click.command("scaffold")
@click.argument("name")
@click.argument("field_specs", metavar="FIELD:TYPE...", nargs=-1, required=True)
@click.option("--singular", help="The singular of NAME, for the model's class (person).")
@with_appcontext
def scaffold_command(name: str, field_specs: tuple[str, ...], singular: str | None) -> None:
    """Add the resource NAME (a plural: projects) with the fields FIELD:TYPE (title:str),
    TYPE one of str, text, int, decimal, bool, date, datetime; a trailing ? makes a field
    optional (due:date?). Then run flask db migrate -m NAME and flask db upgrade."""
    app = current_app
    singular = singular or singular_of(name)
    if singular is None:
        raise click.BadParameter(
            f"{name!r} does not end like an English plural (s, es, ies): give its singular "
            "(e.g. --singular person for people).",
            param_hint="--singular",
        )
    check_name(name, singular, app)
    seen: set[str] = set()
    fields = []
    for spec in field_specs:
        field = parse_field(spec, seen)
        seen.add(field.name)
        fields.append(field)
    files = render_files(name, singular, fields, app)
    factory = Path(app.root_path) / "__init__.py"
    files[factory] = registered(factory.read_text(), name)
    existing = [path for path in files if path != factory and path.exists()]
    if existing:
        raise click.UsageError(f"{existing[0]} exists already: choose another NAME.")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        click.echo(f"wrote {path.relative_to(factory.parent.parent)}")
    click.echo(
        f'Next: flask db migrate -m "{name}", read the migration, flask db upgrade, pytest.'
    )


def init_app(app: Flask) -> None:
    """Add ``flask scaffold`` to the app's commands."""
    app.cli.add_command(scaffold_command)
