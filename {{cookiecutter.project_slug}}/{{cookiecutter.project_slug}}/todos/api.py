"""API todos: CRUD, attachments, counts{{ " and the purge task" if cookiecutter.worker == "celery" }}."""

from flask import Response, jsonify, url_for
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from ..core.openapi import ApiBlueprint, error_response
from ..core.pagination import PageArgsSchema, count_rows, page_body
from ..extensions import db
{%- if cookiecutter.worker == "celery" %}
from ..main.tasks import TaskStartedSchema
{%- endif %}
from ..users.auth import bearer_required, current_user
from .attachments import attachment_response, store_upload
from .models import Todo, own_todo, todo_counts, todo_page
from .schemas import (
    TodoChangesSchema,
    TodoCountsSchema,
    TodoPageSchema,
    TodoSchema,
    UploadSchema,
    todo_json,
)
{%- if cookiecutter.worker == "celery" %}
from .tasks import purge_completed_todos
{%- endif %}

bp = ApiBlueprint("todos_api", __name__, url_prefix="/api/v1", description="The caller's todos.")

TODO_NOT_FOUND = "No such todo: it does not exist or belongs to another user."


def current_user_id() -> int:
    """The id of the user the bearer token names."""
    return current_user().id


@bp.get("/todos")
@bearer_required
@bp.arguments(PageArgsSchema(), location="query", as_kwargs=True)
@bp.response(200, TodoPageSchema)
def list_todos(after: int, per_page: int, total: bool) -> Response:
    """List the caller's todos, oldest first, a page at a time (``after``, ``per_page``)."""
    user_id = current_user_id()
    count = count_rows(select(Todo.id).where(Todo.user_id == user_id)) if total else None
    page = page_body(todo_page(user_id, after, per_page), per_page, count)
    # A response is sent as it is: TodoSchema's dump of every row cost a fifth of the request.
    page["items"] = [todo_json(row) for row in page["items"]]
    return jsonify(page)


@bp.post("/todos")
@bearer_required
@bp.arguments(TodoSchema())
@bp.response(201, TodoSchema, headers={"Location": {"schema": {"type": "string"}}})
def create_todo(data: dict[str, object]) -> tuple[Todo, dict[str, str]]:
    """Create a todo from ``{"title", "done"}``: 201 with a ``Location`` header."""
    todo = Todo(user_id=current_user_id(), **data)
    db.session.add(todo)
    db.session.commit()
    return todo, {"Location": url_for("todos_api.get_todo", todo_id=todo.id)}


@bp.get("/todos/<id:todo_id>")
@bearer_required
@bp.response(200, TodoSchema)
@bp.alt_response(404, **error_response(TODO_NOT_FOUND))
def get_todo(todo_id: int) -> Todo:
    """One todo."""
    return own_todo(todo_id, current_user_id())


@bp.put("/todos/<id:todo_id>")
@bearer_required
@bp.arguments(TodoSchema())
@bp.response(200, TodoSchema)
@bp.alt_response(404, **error_response(TODO_NOT_FOUND))
def replace_todo(data: dict[str, object], todo_id: int) -> Todo:
    """Replace a todo's title and state (``done`` is false unless given)."""
    return update(own_todo(todo_id, current_user_id()), data)


@bp.patch("/todos/<id:todo_id>")
@bearer_required
@bp.arguments(TodoChangesSchema())
@bp.response(200, TodoSchema)
@bp.alt_response(404, **error_response(TODO_NOT_FOUND))
def update_todo(data: dict[str, object], todo_id: int) -> Todo:
    """Change the given members of a todo (``title``, ``done``)."""
    return update(own_todo(todo_id, current_user_id()), data)


def update(todo: Todo, data: dict[str, object]) -> Todo:
    """Set the members of ``todo`` that ``data`` holds and commit."""
    for name, value in data.items():
        setattr(todo, name, value)
    db.session.commit()
    return todo


@bp.delete("/todos/<id:todo_id>")
@bearer_required
@bp.response(204)
@bp.alt_response(404, **error_response(TODO_NOT_FOUND))
def delete_todo(todo_id: int) -> None:
    """Delete a todo and its attachment: 204."""
    db.session.delete(own_todo(todo_id, current_user_id()))
    db.session.commit()


@bp.put("/todos/<id:todo_id>/attachment")
@bearer_required
@bp.arguments(UploadSchema(), location="files")
@bp.response(200, TodoSchema)
@bp.alt_response(404, **error_response(TODO_NOT_FOUND))
@bp.alt_response(413, **error_response("The body is larger than MAX_CONTENT_LENGTH."))
def put_attachment(files: dict[str, FileStorage], todo_id: int) -> Todo:
    """Attach the multipart form field ``file`` to a todo, replacing any earlier one."""
    todo = own_todo(todo_id, current_user_id())
    store_upload(todo, files["file"])
    db.session.commit()
    return todo


@bp.get("/todos/<id:todo_id>/attachment")
@bearer_required
@bp.alt_response(404, **error_response("No such todo, or it has no attachment."))
@bp.doc(responses={"200": {"description": "The file, as uploaded.", "content": {"*/*": {}}}})
def get_attachment(todo_id: int) -> Response:
    """Download a todo's attachment; 404 when it has none."""
    return attachment_response(own_todo(todo_id, current_user_id()))


@bp.delete("/todos/<id:todo_id>/attachment")
@bearer_required
@bp.response(204)
@bp.alt_response(404, **error_response(TODO_NOT_FOUND))
def delete_attachment(todo_id: int) -> None:
    """Remove a todo's attachment: 204."""
    own_todo(todo_id, current_user_id()).clear_attachment()
    db.session.commit()


@bp.get("/todos/summary")
@bearer_required
@bp.response(200, TodoCountsSchema)
def summary() -> dict[str, int]:
    """How many todos the caller has, open and done{{ " (served from the cache)" if cookiecutter.cache == "redis" }}."""
    return todo_counts(current_user_id())

{%- if cookiecutter.worker == "celery" %}


@bp.post("/todos/purge")
@bearer_required
@bp.response(202, TaskStartedSchema, headers={"Location": {"schema": {"type": "string"}}})
def purge() -> tuple[dict[str, str], dict[str, str]]:
    """Start deleting the caller's completed todos in the worker: 202 and the task's URL."""
    result = purge_completed_todos.delay(current_user_id())
    location = url_for("tasks_api.get_task", task_id=result.id)
    return {"task_id": result.id, "status_url": location}, {"Location": location}
{%- endif %}
