"""Fixtures of the pages' tests: a form's CSRF token, a logged-in browser, the stylesheet."""

import re

import pytest
from flask.testing import FlaskClient

from {{ cookiecutter.project_slug }}.users.models import User

from ..conftest import PASSWORD

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: A CSS comment, an ``@media`` block (one level of rules inside), a rule.
CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.DOTALL)
CSS_MEDIA_RE = re.compile(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}")
CSS_RULE_RE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def csrf_token(client: FlaskClient, path: str = "/auth/login") -> str:
    """Load a page with a form and return the CSRF token of this client's session."""
    match = CSRF_RE.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def logged_in(client: FlaskClient, user: User) -> FlaskClient:
    """``client`` with ``alice`` logged in through the login page."""
    response = client.post(
        "/auth/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    return client


def css_rules(client: FlaskClient) -> dict[str, dict[str, str]]:
    """The declarations of the stylesheet the pages link, by selector.

    :returns: ``{selector: {property: value}}``, whitespace normalised; a rule with a
        selector list counts for each selector, later declarations override earlier ones.
        Rules inside ``@media`` (the dark colour scheme) are left out.
    """
    with client.get("/static/style.css") as response:
        css = CSS_MEDIA_RE.sub("", CSS_COMMENT_RE.sub("", response.get_data(as_text=True)))
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in CSS_RULE_RE.findall(css):
        declarations = {
            name.strip(): " ".join(value.split())
            for name, _, value in (item.partition(":") for item in body.split(";"))
            if value.strip()
        }
        for selector in selectors.split(","):
            rules.setdefault(" ".join(selector.split()), {}).update(declarations)
    return rules
