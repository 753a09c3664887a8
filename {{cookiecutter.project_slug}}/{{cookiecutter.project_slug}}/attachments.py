"""Todo attachments: reading uploads into the BLOB column and sending them back."""

from io import BytesIO

from flask import Response, abort, current_app, send_file
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from .models import FILENAME_MAX, Todo

DEFAULT_MIMETYPE = "application/octet-stream"


def human_size(size: int) -> str:
    """``size`` bytes in binary units (IEC 80000-13), as the pages show a limit.

    :param size: a number of bytes.
    :returns: for example ``"1 MiB"``, ``"1.5 KiB"``, ``"100 bytes"`` (one decimal at most).
    """
    value = float(size)
    unit = "bytes"
    for larger in ("KiB", "MiB", "GiB"):
        if value < 1024:
            break
        value /= 1024
        unit = larger
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def upload_limit() -> str:
    """The largest request body the app reads (``MAX_CONTENT_LENGTH``), in binary units.

    An attachment must fit in it with the rest of its form, so the pages name this size
    as the upload limit.
    """
    return human_size(current_app.config["MAX_CONTENT_LENGTH"])


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
