"""The todo pages of the logged-in user."""

from flask import (
    Blueprint,
{%- if cookiecutter.worker == "celery" %}
    current_app,
{%- endif %}
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response

from ..core.error_pages import back_to_form, wants_json
from ..core.errors import handle_http_exception
from ..core.pagination import after_arg, keyset, page_body
from ..extensions import db
from .attachments import (
    attachment_response,
    human_size,
    leading_text_fields,
    store_upload,
    upload_limit,
)
from .forms import EditTodoForm, TodoForm
from .models import TITLE_MAX, Todo, own_todo, todo_counts
{%- if cookiecutter.worker == "celery" %}
from .tasks import purge_completed_todos
{%- endif %}

bp = Blueprint("todos", __name__, url_prefix="/todos")
bp.add_app_template_filter(human_size)

TODOS_PER_PAGE = 50
#: Session key of the title of a form refused as too large, shown again by that form.
DRAFT_TITLE = "draft_title"


@bp.before_request
@login_required
def require_login() -> None:
    """Every todo page needs a logged-in user."""


def draft_title(default: str | None) -> str | None:
    """The title kept by ``upload_too_large`` for this page's form, else ``default``."""
    # Read once, by the next todo page: any page other than its form's drops it.
    draft = session.pop(DRAFT_TITLE, None)
    return draft["title"] if draft and draft["path"] == request.path else default


def save_form(form: TodoForm, todo: Todo) -> None:
    """Copy a validated ``form`` into ``todo`` and commit."""
    todo.title = form.title.data
    todo.done = form.done.data
    if form.attachment.data:
        store_upload(todo, form.attachment.data)
    db.session.add(todo)
    db.session.commit()


@bp.route("/", methods=["GET", "POST"])
def index() -> Response | str:
    """List the user's todos, oldest first, a page at a time; POST adds one."""
    form = TodoForm(title=draft_title(None))
    if form.validate_on_submit():
        save_form(form, Todo(user_id=current_user.id))
        flash("Todo added.", "success")
        return redirect(url_for("todos.index"))
    own = select(Todo).where(Todo.user_id == current_user.id)
    todos = db.session.scalars(keyset(own, Todo.id, after_arg(), TODOS_PER_PAGE)).all()
    page = page_body(todos, TODOS_PER_PAGE)
    return render_template(
        "todos/index.html",
        form=form,
        todos=page["items"],
        next_page=page["next"],
        counts=todo_counts(current_user.id),
    )


@bp.route("/<id:todo_id>/edit", methods=["GET", "POST"])
def edit(todo_id: int) -> Response | str:
    """Edit a todo's title, state and attachment (replace or remove it)."""
    todo = own_todo(todo_id, current_user.id)
    # Not ``obj=todo``: the form's ``attachment`` (a file to upload) would take the todo's
    # stored bytes when none is sent.
    form = EditTodoForm(title=draft_title(todo.title), done=todo.done)
    if form.validate_on_submit():
        # Removal first, so that a file sent with it becomes the new attachment.
        if form.remove_attachment.data:
            todo.clear_attachment()
        save_form(form, todo)
        flash("Todo saved.", "success")
        return redirect(url_for("todos.index"))
    return render_template("todos/edit.html", form=form, todo=todo)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """413 on a todo form: back to the form, with its title and the limit; JSON clients get
    Problem Details."""
    if wants_json():
        return handle_http_exception(error)
    title = leading_text_fields().get("title")
    if title:
        session[DRAFT_TITLE] = {"path": request.path, "title": title[:TITLE_MAX]}
    return back_to_form(f"The file is too large: attachments can be up to {upload_limit()}.")


@bp.post("/<id:todo_id>/toggle")
def toggle(todo_id: int) -> Response:
    """Flip a todo between open and done."""
    todo = own_todo(todo_id, current_user.id)
    todo.done = not todo.done
    db.session.commit()
    return redirect(url_for("todos.index"))


@bp.post("/<id:todo_id>/delete")
def delete(todo_id: int) -> Response:
    """Delete a todo and its attachment."""
    todo = own_todo(todo_id, current_user.id)
    db.session.delete(todo)
    db.session.commit()
    flash("Todo deleted.", "success")
    return redirect(url_for("todos.index"))


@bp.get("/<id:todo_id>/attachment")
def attachment(todo_id: int) -> Response:
    """Download a todo's attachment."""
    return attachment_response(own_todo(todo_id, current_user.id))

{%- if cookiecutter.worker == "celery" %}


@bp.post("/purge")
def purge() -> Response:
    """Start the background task that deletes the user's completed todos."""
    result = purge_completed_todos.delay(current_user.id)
    current_app.logger.info("Started purge task %s", result.id)
    flash("Completed todos are being cleared.", "success")
    return redirect(url_for("todos.index"))
{%- endif %}
