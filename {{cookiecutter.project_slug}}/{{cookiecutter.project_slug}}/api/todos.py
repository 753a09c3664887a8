"""API todos: CRUD, attachments, counts{{ " and the purge task" if cookiecutter.worker == "celery" }}."""

from flask import Response, abort, jsonify, request, url_for
from sqlalchemy import select

from ..attachments import attachment_response, store_upload
from ..extensions import db
from ..models import Todo, own_todo, todo_counts
from ..schemas import PageSchema, TodoSchema
{%- if cookiecutter.worker == "celery" %}
from ..tasks import purge_completed_todos
{%- endif %}
from . import bp
from .auth import token_auth

todo_schema = TodoSchema()
page_schema = PageSchema()


def current_user_id() -> int:
    """The id of the user the bearer token names."""
    return token_auth.current_user().id


@bp.get("/todos")
@token_auth.login_required
def list_todos() -> Response:
    """List the caller's todos, oldest first, a page at a time (``page``, ``per_page``)."""
    args = page_schema.load(request.args)
    page = db.paginate(
        select(Todo).where(Todo.user_id == current_user_id()).order_by(Todo.id),
        page=args["page"],
        per_page=args["per_page"],
        error_out=False,
    )
    return jsonify(
        items=todo_schema.dump(page.items, many=True),
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


@bp.post("/todos")
@token_auth.login_required
def create_todo() -> tuple[Response, int, dict[str, str]]:
    """Create a todo from ``{"title", "done"}``: 201 with a ``Location`` header."""
    todo = Todo(user_id=current_user_id(), **todo_schema.load(request.get_json()))
    db.session.add(todo)
    db.session.commit()
    location = url_for("api.get_todo", todo_id=todo.id)
    return jsonify(todo_schema.dump(todo)), 201, {"Location": location}


@bp.get("/todos/<int:todo_id>")
@token_auth.login_required
def get_todo(todo_id: int) -> Response:
    """One todo."""
    return jsonify(todo_schema.dump(own_todo(todo_id, current_user_id())))


@bp.route("/todos/<int:todo_id>", methods=["PUT", "PATCH"])
@token_auth.login_required
def update_todo(todo_id: int) -> Response:
    """Replace (PUT) or partly update (PATCH) a todo's title and state."""
    todo = own_todo(todo_id, current_user_id())
    data = todo_schema.load(request.get_json(), partial=request.method == "PATCH")
    for name, value in data.items():
        setattr(todo, name, value)
    db.session.commit()
    return jsonify(todo_schema.dump(todo))


@bp.delete("/todos/<int:todo_id>")
@token_auth.login_required
def delete_todo(todo_id: int) -> tuple[str, int]:
    """Delete a todo and its attachment: 204."""
    db.session.delete(own_todo(todo_id, current_user_id()))
    db.session.commit()
    return "", 204


@bp.put("/todos/<int:todo_id>/attachment")
@token_auth.login_required
def put_attachment(todo_id: int) -> Response:
    """Attach the multipart form field ``file`` to a todo, replacing any earlier one.

    Bodies over ``MAX_CONTENT_LENGTH`` get 413; a request without ``file`` gets 400.
    """
    todo = own_todo(todo_id, current_user_id())
    upload = request.files.get("file")
    if upload is None:
        abort(400, "Send the file as the multipart form field 'file'.")
    store_upload(todo, upload)
    db.session.commit()
    return jsonify(todo_schema.dump(todo))


@bp.get("/todos/<int:todo_id>/attachment")
@token_auth.login_required
def get_attachment(todo_id: int) -> Response:
    """Download a todo's attachment; 404 when it has none."""
    return attachment_response(own_todo(todo_id, current_user_id()))


@bp.delete("/todos/<int:todo_id>/attachment")
@token_auth.login_required
def delete_attachment(todo_id: int) -> tuple[str, int]:
    """Remove a todo's attachment: 204."""
    own_todo(todo_id, current_user_id()).clear_attachment()
    db.session.commit()
    return "", 204


@bp.get("/todos/summary")
@token_auth.login_required
def summary() -> Response:
    """How many todos the caller has, open and done (served from the cache)."""
    return jsonify(todo_counts(current_user_id()))

{%- if cookiecutter.worker == "celery" %}


@bp.post("/todos/purge")
@token_auth.login_required
def purge() -> tuple[Response, int, dict[str, str]]:
    """Start deleting the caller's completed todos in the worker: 202 and the task's URL."""
    result = purge_completed_todos.delay(current_user_id())
    location = url_for("api.get_task", task_id=result.id)
    return jsonify(task_id=result.id, status_url=location), 202, {"Location": location}
{%- endif %}
