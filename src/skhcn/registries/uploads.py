"""Checks of the files uploaded to registry records (called by the models' ``clean``)."""

import io
import logging

from django.core.exceptions import ValidationError
from django.core.files import File

from skhcn.core.uploads import FILE_TYPES, UploadRejected, check_upload, format_size

from . import constants as c

logger = logging.getLogger(__name__)


def _new_upload(fieldfile):
    """The uploaded file behind a FileField value that is not stored yet, else None (nothing to check)."""
    if not fieldfile or getattr(fieldfile, "_committed", True):
        return None
    return fieldfile.file


def check_file(fieldfile, keys: tuple[str, ...], max_bytes: int, field_name: str) -> None:
    """Sniff a new upload with ``skhcn.core.uploads`` (content, extension, size); ValidationError on the field."""
    uploaded = _new_upload(fieldfile)
    if uploaded is None:
        return
    try:
        checked = check_upload(uploaded, [FILE_TYPES[key] for key in keys], max_bytes)
    except UploadRejected as error:
        raise ValidationError({field_name: error.message}) from None
    if checked.content is not None:
        # settings.UPLOAD_PDF_ACTIVE_CONTENT = "strip": the cleaned copy is what the field saves.
        logger.warning("Stored a cleaned copy of %r: %s removed", checked.original_name, checked.removed_content)
        fieldfile.file = File(checked.content, name=uploaded.name)


VIDEO_EXTENSIONS = {"mp4": "MP4", "m4v": "MP4", "webm": "WebM"}


def check_video(fieldfile, field_name: str) -> None:
    uploaded = _new_upload(fieldfile)
    if uploaded is None:
        return
    name = getattr(uploaded, "name", "") or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0, io.SEEK_END)
    size = uploaded.tell()
    uploaded.seek(0)
    if size == 0:
        raise ValidationError({field_name: f"Tệp “{name}” rỗng (0 byte)."})
    if size > c.MAX_VIDEO_BYTES:
        raise ValidationError({field_name: f"Tệp video vượt quá {format_size(c.MAX_VIDEO_BYTES)}."})
    is_mp4 = head[4:8] == b"ftyp"
    is_webm = head.startswith(b"\x1a\x45\xdf\xa3")
    if extension not in VIDEO_EXTENSIONS or not (is_mp4 or is_webm):
        raise ValidationError({field_name: f"Tệp “{name}” không phải video MP4 hoặc WebM."})
    if (VIDEO_EXTENSIONS[extension] == "MP4") != is_mp4:
        raise ValidationError({field_name: f"Tệp “{name}” có đuôi .{extension} nhưng nội dung là video khác loại."})
