"""Security headers on every response: {{ "pages, " if cookiecutter.app_style == "full" }}the API, errors; HSTS only over HTTPS."""
{%- if cookiecutter.app_style == "full" %}

{% if cookiecutter.example == "todos" %}import io
import re
{% endif %}from html.parser import HTMLParser
from pathlib import Path
{%- endif %}

import pytest
from flask import {{ "Flask, " if cookiecutter.app_style == "full" }}Response{{ ", template_rendered" if cookiecutter.app_style == "full" }}
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }} import create_app
{%- if cookiecutter.app_style == "full" %}

from .conftest import csrf_token

#: The policy of HTML pages: only this origin, nothing inline, no framing.
PAGE_CSP = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
{%- endif %}

#: The policy of {{ "every other response" if cookiecutter.app_style == "full" else "every response" }}: load nothing, no framing.
API_CSP = {"default-src": "'none'", "frame-ancestors": "'none'"}
HSTS = "max-age=31536000"


def policy(response: Response) -> dict[str, str]:
    """The response's Content-Security-Policy as ``{directive: sources}``."""
    directives = response.headers["Content-Security-Policy"].split(";")
    return dict(directive.strip().partition(" ")[::2] for directive in directives)


def assert_security_headers(response: Response, csp: dict[str, str]) -> None:
    """``response`` carries each security header once, with the expected policy."""
    for name, value in {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
    }.items():
        assert response.headers.getlist(name) == [value], name
    assert len(response.headers.getlist("Content-Security-Policy")) == 1
    assert policy(response) == csp
    assert "unsafe" not in response.headers["Content-Security-Policy"]
{%- if cookiecutter.app_style == "full" %}


def test_page_headers(client: FlaskClient) -> None:
    response = client.get("/auth/login")
    assert response.mimetype == "text/html"
    assert_security_headers(response, PAGE_CSP)
{%- endif %}


@pytest.mark.parametrize("path", [{{ '"/", ' if cookiecutter.app_style == "api" }}"/health", "/api/v1/users/me"])
def test_json_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.mimetype in ("application/json", "application/problem+json")
    assert_security_headers(response, API_CSP)


@pytest.mark.parametrize(
    ("path", "accept", "csp"),
    [
        ("/api/v1/nothing-here", "application/json", API_CSP),
        ("/no-such-page", "application/json", API_CSP),
        ("/no-such-page", "text/html", {{ "PAGE_CSP" if cookiecutter.app_style == "full" else "API_CSP" }}),
    ],
)
def test_error_headers(client: FlaskClient, path: str, accept: str, csp: dict[str, str]) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 404
    assert_security_headers(response, csp)
    not_allowed = client.delete("/health", headers={"Accept": accept})
    assert not_allowed.status_code == 405
    assert_security_headers(not_allowed, csp)


def test_unexpected_error_headers() -> None:
    app = create_app({"PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    response = app.test_client().get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert_security_headers(response, API_CSP)


def test_hsts_only_over_https(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/health").headers
    response = client.get("/health", base_url="https://localhost")
    assert response.headers.getlist("Strict-Transport-Security") == [HSTS]


def test_hsts_not_from_a_forwarded_header(client: FlaskClient) -> None:
    """Only gunicorn, for a trusted proxy, turns ``X-Forwarded-Proto`` into HTTPS."""
    response = client.get("/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_a_view_may_set_its_own_policy() -> None:
    app = create_app({})
    own = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'"

    @app.get("/own")
    def own_policy() -> Response:
        headers = {"Content-Security-Policy": own, "Referrer-Policy": "no-referrer"}
        return Response("{}", mimetype="application/json", headers=headers)

    response = app.test_client().get("/own")
    assert response.headers.getlist("Content-Security-Policy") == [own]
    assert response.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
{%- if cookiecutter.app_style == "full" %}


class InlineCode(HTMLParser):
    """Collects what a CSP without ``'unsafe-inline'`` blocks: ``<script>`` elements
    without ``src`` or with a body, ``<style>`` elements, ``style`` attributes, event
    handler attributes (``onclick``...) and ``javascript:`` URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            self.in_script = True
            if "src" not in names:
                self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.found.append("<script> with a body")


def test_pages_have_nothing_inline_for_the_policy_to_block(
    app: Flask, logged_in: FlaskClient
) -> None:
    """Every template, rendered as the browser gets it, under the page policy."""
    anonymous = app.test_client()
    rendered: set[str] = set()
    pages: list[tuple[str, Response]] = []

    def record(sender: Flask, template, context, **extra) -> None:
        rendered.add(template.name)

    def get(client: FlaskClient, path: str, **kwargs) -> Response:
        response = client.get(path, **kwargs)
        pages.append((path, response))
        return response

    with template_rendered.connected_to(record, app):
        get(anonymous, "/")
        get(anonymous, "/auth/login")
        get(anonymous, "/auth/register")
        get(anonymous, "/no-such-page", headers={"Accept": "text/html"})
{%- if cookiecutter.example == "todos" %}
        form = {"title": "Read report", "csrf_token": csrf_token(logged_in, "/todos/")}
        form["attachment"] = (io.BytesIO(b"report"), "report.txt")
        logged_in.post("/todos/", data=form, content_type="multipart/form-data")
        page = get(logged_in, "/todos/").get_data(as_text=True)
        edit = re.search(r'href="(/todos/\d+/)edit"', page).group(1)
        logged_in.post(f"{edit}toggle", data={"csrf_token": csrf_token(logged_in, "/todos/")})
        get(logged_in, "/")
        get(logged_in, "/todos/")
        get(logged_in, f"{edit}edit")
        invalid = {"title": "", "csrf_token": csrf_token(logged_in, f"{edit}edit")}
        pages.append(("invalid form", logged_in.post(f"{edit}edit", data=invalid)))
{%- else %}
        get(logged_in, "/")
        invalid = {"username": "", "csrf_token": csrf_token(anonymous, "/auth/register")}
        pages.append(("invalid form", anonymous.post("/auth/register", data=invalid)))
{%- endif %}
        docs = get(anonymous, "/api/v1/docs")

    # Every template of this app is rendered (base.html and _form.html within the pages),
    # but a feature's that `flask scaffold` wrote: its own test_<feature>_pages.py checks them.
    loaders = [app.jinja_loader, app.blueprints["docs"].jinja_loader]
    own = {name for loader in loaders for name in loader.list_templates()}
    pages_tests = {path.name for path in Path(__file__).parent.glob("test_*_pages.py")}
    scaffolded = {name for name in own if f"test_{name.split('/')[0]}_pages.py" in pages_tests}
    assert rendered == own - {"base.html", "_form.html"} - scaffolded
    for path, response in pages:
        assert response.mimetype == "text/html", path
        # The docs page has a policy of its own (images from data: URLs), as strict.
        assert response is docs or policy(response) == PAGE_CSP, path
        parser = InlineCode()
        parser.feed(response.get_data(as_text=True))
        assert parser.found == [], path
{%- endif %}
