"""API access to background task state."""

from celery.result import AsyncResult
from flask import Response, jsonify

from . import bp
from .auth import token_auth


@bp.get("/tasks/<task_id>")
@token_auth.login_required
def get_task(task_id: str) -> Response:
    """State of a task: ``{"id", "state", "result"}``.

    ``state`` is Celery's (``PENDING``, ``STARTED``, ``SUCCESS``, ``FAILURE``...);
    ``result`` is the return value once it succeeded, else null. An unknown id reads
    as ``PENDING``, as Celery reports it.
    """
    result = AsyncResult(task_id)
    return jsonify(
        id=task_id,
        state=result.state,
        result=result.result if result.successful() else None,
    )
