"""Security headers of the pages: their own policy, and nothing inline for it to block."""

{% if cookiecutter.example == "todos" %}import io
import re
{% endif %}from html.parser import HTMLParser
from pathlib import Path

from flask import Flask, Response, template_rendered
from flask.testing import FlaskClient

from ..test_security_headers import assert_security_headers, policy
from .conftest import csrf_token

#: The policy of HTML pages: only this origin, nothing inline, no framing.
PAGE_CSP = {
    "default-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def test_page_headers(client: FlaskClient) -> None:
    response = client.get("/auth/login")
    assert response.mimetype == "text/html"
    assert_security_headers(response, PAGE_CSP)


def test_error_page_headers(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert_security_headers(response, PAGE_CSP)
    not_allowed = client.delete("/health", headers={"Accept": "text/html"})
    assert not_allowed.status_code == 405
    assert_security_headers(not_allowed, PAGE_CSP)


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
