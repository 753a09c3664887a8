"""The state of background tasks, for the API."""

from celery.result import AsyncResult
from marshmallow import Schema, fields

from ..core.openapi import ApiBlueprint
from ..users.auth import bearer_required

bp = ApiBlueprint(
    "tasks_api", __name__, url_prefix="/api/v1/tasks", description="Background tasks."
)


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


@bp.get("/<task_id>")
@bearer_required
@bp.response(200, TaskSchema)
def get_task(task_id: str) -> dict[str, object]:
    """The state of a task, as Celery reports it (an unknown id is ``PENDING``)."""
    result = AsyncResult(task_id)
    return {
        "id": task_id,
        "state": result.state,
        "result": result.result if result.successful() else None,
    }
