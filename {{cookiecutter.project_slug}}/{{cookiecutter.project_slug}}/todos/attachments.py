"""Todo attachments: reading uploads into the BLOB column and sending them back."""

from contextlib import suppress
from io import BytesIO

from flask import Response, abort, current_app, request, send_file
from werkzeug.datastructures import FileStorage
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Field, MultipartDecoder, Preamble
from werkzeug.utils import secure_filename
from werkzeug.wsgi import LimitedStream

from .models import FILENAME_MAX, Todo

DEFAULT_MIMETYPE = "application/octet-stream"
#: Bytes of a form refused as too large that :func:`leading_text_fields` reads back.
FIELDS_PEEK = 16 * 1024


def human_size(size: int) -> str:
    """``size`` bytes in binary units, one decimal at most: ``"1.5 KiB"``, ``"100 bytes"``."""
    value = float(size)
    unit = "bytes"
    for larger in ("KiB", "MiB", "GiB"):
        if value < 1024:
            break
        value /= 1024
        unit = larger
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def upload_limit() -> str:
    """``MAX_CONTENT_LENGTH`` in binary units: an attachment must fit in it with its form."""
    return human_size(current_app.config["MAX_CONTENT_LENGTH"])


def store_upload(todo: Todo, upload: FileStorage) -> None:
    """Read ``upload`` into ``todo``'s attachment under a safe file name; 400 without one."""
    filename = secure_filename(upload.filename or "")[-FILENAME_MAX:]
    if not filename:
        abort(400, "The uploaded file needs a file name.")
    todo.set_attachment(filename, upload.mimetype or DEFAULT_MIMETYPE, upload.read())


def attachment_response(todo: Todo) -> Response:
    """Send ``todo``'s attachment as a download; 404 without one."""
    if todo.attachment is None:
        abort(404, "This todo has no attachment.")
    return send_file(
        BytesIO(todo.attachment),
        mimetype=todo.attachment_type or DEFAULT_MIMETYPE,
        as_attachment=True,
        download_name=todo.attachment_name,
    )


def leading_text_fields(limit: int = FIELDS_PEEK) -> dict[str, str]:
    """The text fields a multipart body refused as too large sent before its first file."""
    # werkzeug refuses the body unread; browsers send fields in document order and the forms
    # put the title before the file input, so the first ``limit`` bytes hold it.
    mimetype, options = parse_options_header(request.headers.get("Content-Type"))
    boundary = options.get("boundary")
    if mimetype != "multipart/form-data" or not boundary or request.content_length is None:
        return {}
    body = LimitedStream(request.environ["wsgi.input"], request.content_length)
    decoder = MultipartDecoder(boundary.encode())
    decoder.receive_data(body.read(limit))
    fields: dict[str, str] = {}
    name, chunks = "", list[bytes]()
    with suppress(ValueError):  # a body that is not multipart after all
        # Data events follow their Field; a File, or the end of what was read, ends the text.
        while isinstance(event := decoder.next_event(), Preamble | Field | Data):
            if isinstance(event, Field):
                name, chunks = event.name, []
            elif isinstance(event, Data):
                chunks.append(event.data)
                if not event.more_data:
                    fields[name] = b"".join(chunks).decode(errors="replace")
    return fields
