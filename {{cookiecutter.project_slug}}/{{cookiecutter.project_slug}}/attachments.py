"""Todo attachments: reading uploads into the BLOB column and sending them back."""

from io import BytesIO

from flask import Response, abort, send_file
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from .models import FILENAME_MAX, Todo

DEFAULT_MIMETYPE = "application/octet-stream"


def store_upload(todo: Todo, upload: FileStorage) -> None:
    """Read ``upload`` into ``todo``'s attachment.

    The body size is already bounded by ``MAX_CONTENT_LENGTH`` (werkzeug answers 413
    before this runs). The file name is made safe with werkzeug's ``secure_filename``.

    :raises werkzeug.exceptions.BadRequest: when the upload has no usable file name.
    """
    filename = secure_filename(upload.filename or "")[-FILENAME_MAX:]
    if not filename:
        abort(400, "The uploaded file needs a file name.")
    todo.set_attachment(filename, upload.mimetype or DEFAULT_MIMETYPE, upload.read())


def attachment_response(todo: Todo) -> Response:
    """Send ``todo``'s attachment as a download.

    :raises werkzeug.exceptions.NotFound: when the todo has no attachment.
    """
    if todo.attachment is None:
        abort(404, "This todo has no attachment.")
    return send_file(
        BytesIO(todo.attachment),
        mimetype=todo.attachment_type or DEFAULT_MIMETYPE,
        as_attachment=True,
        download_name=todo.attachment_name,
    )
