"""The pages under the sub-path of ``SCRIPT_NAME``: their links, redirects and session
cookie carry it."""

from flask.testing import FlaskClient
from werkzeug.test import Client

from ..conftest import MOUNTED, PASSWORD, PREFIX
from .conftest import csrf_token


def test_login_redirect_is_under_the_prefix(client: FlaskClient) -> None:
{%- if cookiecutter.example == "todos" %}
    response = client.get("/todos/", environ_overrides=MOUNTED)
    assert response.status_code == 302
    assert response.location == f"{PREFIX}/auth/login?next=%2Fsvc%2Ftodos%2F"
{%- else %}
    token = csrf_token(client)
    response = client.post("/auth/logout", data={"csrf_token": token}, environ_overrides=MOUNTED)
    assert response.status_code == 302
    assert response.location == f"{PREFIX}/auth/login?next=%2Fsvc%2Fauth%2Flogout"
{%- endif %}


def test_login_returns_to_the_page_under_the_prefix(client: FlaskClient, user) -> None:
    response = client.post(
        f"/auth/login?next={PREFIX}/some/page",
        data={"username": "alice", "password": PASSWORD, "csrf_token": csrf_token(client)},
        environ_overrides=MOUNTED,
    )
    assert response.status_code == 302
    assert response.location == f"{PREFIX}/some/page"


def test_page_links_are_under_the_prefix(client: FlaskClient) -> None:
    html = client.get("/", environ_overrides=MOUNTED).get_data(as_text=True)
    assert f'<link rel="stylesheet" href="{PREFIX}/static/style.css">' in html
    assert f'href="{PREFIX}/"' in html
    assert f'href="{PREFIX}/auth/login"' in html


def test_wsgi_app_serves_the_pages_under_the_prefix(server: Client) -> None:
    assert server.get(PREFIX).location == f"http://localhost{PREFIX}/"
    html = server.get(f"{PREFIX}/").get_data(as_text=True)
    assert f'href="{PREFIX}/static/style.css"' in html


def test_wsgi_app_scopes_the_session_cookie_to_the_prefix(server: Client) -> None:
    response = server.get(f"{PREFIX}/auth/login")
    assert f"Path={PREFIX};" in response.headers["Set-Cookie"]


def test_wsgi_app_answers_404_page_outside_the_prefix(server: Client) -> None:
    response = server.get("/health", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert f'href="{PREFIX}/static/style.css"' in response.get_data(as_text=True)
