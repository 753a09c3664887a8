"""API access to background task state."""

from celery.result import AsyncResult
from marshmallow import Schema, fields

from . import bp
from .auth import bearer_required


class TaskStartedSchema(Schema):
    """A task handed to the worker: its id and the URL of its state."""

    task_id = fields.String(required=True)
    status_url = fields.String(required=True)


class TaskSchema(Schema):
    """A task's state, as Celery reports it."""

    id = fields.String(required=True)
    state = fields.String(
        required=True,
        metadata={"description": "PENDING, STARTED, SUCCESS, FAILURE, RETRY or REVOKED."},
    )
    result = fields.Raw(
        allow_none=True, metadata={"description": "The return value once it succeeded."}
    )


@bp.get("/tasks/<task_id>")
@bearer_required
@bp.response(200, TaskSchema)
def get_task(task_id: str) -> dict[str, object]:
    """State of a task: ``{"id", "state", "result"}``.

    ``state`` is Celery's (``PENDING``, ``STARTED``, ``SUCCESS``, ``FAILURE``...);
    ``result`` is the return value once it succeeded, else null. An unknown id reads
    as ``PENDING``, as Celery reports it.
    """
    result = AsyncResult(task_id)
    return {
        "id": task_id,
        "state": result.state,
        "result": result.result if result.successful() else None,
    }
