"""The interactive API docs: Swagger UI at ``/api/v1/docs``, from the flask-swagger-ui
package (no CDN), started by ``docs.js`` (no inline script)."""

from importlib.resources import files

from flask import Blueprint, Response, make_response, render_template, send_from_directory

#: The directory of Swagger UI's built files in the flask-swagger-ui package.
SWAGGER_UI_DIST = str(files("flask_swagger_ui") / "dist")
#: The docs page's Content-Security-Policy (``security`` keeps a view's own): this app's
#: scripts and styles only, and the ``data:`` images that Swagger UI's icons are.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

bp = Blueprint(
    "docs",
    __name__,
    url_prefix="/api/v1/docs",
    template_folder="templates",
    static_folder="static",
)


@bp.get("")
def index() -> Response:
    """The docs page, with its own Content-Security-Policy (``DOCS_CSP``)."""
    response = make_response(render_template("api/docs.html"))
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@bp.get("/swagger-ui/<path:filename>")
def swagger_ui(filename: str) -> Response:
    """A file of Swagger UI (``swagger-ui-bundle.js``, ``swagger-ui.css`` ...); 404 for
    any other path."""
    return send_from_directory(SWAGGER_UI_DIST, filename, max_age=86400)
