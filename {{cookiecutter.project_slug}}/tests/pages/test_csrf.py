"""CSRF protection is on for every blueprint, one a team adds included."""

from flask import Blueprint, Flask

from {{ cookiecutter.project_slug }} import create_app


def test_a_new_page_blueprint_refuses_a_post_without_a_token() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    bp = Blueprint("csrf_probe", __name__, url_prefix="/csrf-probe")
    created = []

    @bp.post("/")
    def create() -> tuple[str, int]:
        created.append(True)
        return "created", 201

    app.register_blueprint(bp)
    client = app.test_client()
    # A browser is sent back to the form; a JSON client gets Problem Details.
    assert client.post("/csrf-probe/", data={"name": "apollo"}).status_code == 302
    response = client.post(
        "/csrf-probe/", data={"name": "apollo"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["detail"] == "The CSRF token is missing."
    assert created == []


def test_the_api_exempts_itself(app: Flask) -> None:
    response = app.test_client().post(
        "/api/v1/users", json={"username": "bob", "password": "correct horse"}
    )
    assert response.status_code == 201
