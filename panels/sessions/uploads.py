"""Materials' files: checked by name and by content, size-limited, stored under random names."""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from ..uploads import UploadError, upload_dir

MAX_BYTES = 20 * 1024 * 1024
FOLDER = "materials"

# suffix -> (content type served, check of the first bytes)
ZIP = b"PK\x03\x04"
TYPES: dict[str, tuple[str, object]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP),
    ".txt": ("text/plain; charset=utf-8", None),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}
IMAGE_TYPES = {"image/png", "image/jpeg"}
ALLOWED = "PDF, Word (.docx), OpenDocument text (.odt), PowerPoint (.pptx), plain text (.txt), PNG or JPEG"


def _looks_like(suffix: str, head: bytes) -> bool:
    magic = TYPES[suffix][1]
    if suffix == ".txt":
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:  # a multi-byte character cut at the end of the sample is fine
            return exc.start >= len(head) - 3
        return True
    if not head.startswith(magic):  # type: ignore[arg-type]
        return False
    if suffix == ".odt":
        return b"application/vnd.oasis.opendocument.text" in head[:120]
    return True


def material_path(stored_name: str) -> Path:
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise UploadError("bad stored name")
    return upload_dir(FOLDER) / stored_name


def save_material(file: FileStorage, *, max_bytes: int | None = None) -> dict:
    """Keep an allowed upload under a random name; UploadError (with the fix) for anything else.

    Returns ``filename`` (as uploaded), ``stored_name``, ``content_type`` and ``size``. The size
    limit is ``max_bytes``, else the ``MATERIAL_MAX_BYTES`` setting, else 20 MB.
    """
    max_bytes = max_bytes or current_app.config.get("MATERIAL_MAX_BYTES") or MAX_BYTES
    original = Path(file.filename or "").name
    suffix = Path(original.lower()).suffix
    if suffix not in TYPES:
        raise UploadError(f"This type of file is not accepted. Upload a {ALLOWED} file.")
    head = file.stream.read(4096)
    file.stream.seek(0)
    if not head:
        raise UploadError("The file is empty.")
    if not _looks_like(suffix, head):
        raise UploadError(f"This file is named {suffix} but its content is not a {suffix[1:].upper()} file. "
                          "Save it again in that format, or upload it as a PDF.")
    stored = f"{uuid.uuid4().hex}{suffix}"
    target = material_path(stored)
    size = 0
    with target.open("wb") as out:
        while chunk := file.stream.read(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                out.close()
                target.unlink()
                limit = (f"{max_bytes // (1024 * 1024)} MB" if max_bytes >= 1024 * 1024
                         else f"{max_bytes // 1024} KB")
                raise UploadError(f"The file is larger than {limit}. "
                                  "Make it smaller (for example, compress its images) or add it as a link.")
            out.write(chunk)
    return {"filename": original[:255], "stored_name": stored, "content_type": TYPES[suffix][0], "size": size}
