"""Background tasks for the API: an example task to start from, and the state of any task."""

import logging
from uuid import UUID

from celery import shared_task
from celery.result import AsyncResult
from flask import url_for
from marshmallow import Schema, fields
from sqlalchemy import func, select

from ..core.openapi import ApiBlueprint
from ..extensions import db
from ..users.auth import bearer_required
from ..users.models import User

logger = logging.getLogger(__name__)

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


@bp.get("/<uuid:task_id>")
@bearer_required
@bp.response(200, TaskSchema)
def get_task(task_id: UUID) -> dict[str, object]:
    """The state of a task, as Celery reports it (an unknown id is ``PENDING``)."""
    result = AsyncResult(str(task_id))
    return {
        "id": str(task_id),
        "state": result.state,
        "result": result.result if result.successful() else None,
    }


@shared_task(ignore_result=False)
def count_users() -> None:
    """Count the accounts and log the figure (daily, by beat).

    An example of a task: it runs in an application context, as the web app's code does.
    """
    count = db.session.scalar(select(func.count()).select_from(User)) or 0
    # Logged for the operators, not returned: any signed-in user may read a task's result.
    logger.info("Counted %d accounts", count)


@bp.post("/count-users")
@bearer_required
@bp.response(202, TaskStartedSchema, headers={"Location": {"schema": {"type": "string"}}})
def start_count_users() -> tuple[dict[str, str], dict[str, str]]:
    """Start counting the accounts in the worker (into its log): 202 and the task's URL."""
    result = count_users.delay()
    location = url_for("tasks_api.get_task", task_id=result.id)
    return {"task_id": result.id, "status_url": location}, {"Location": location}
