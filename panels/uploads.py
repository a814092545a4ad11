"""Uploaded files: checked (type, size, content), stored under instance/, never executed."""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

TABLE_TYPES = {".csv": b"", ".xlsx": b"PK\x03\x04"}


# Documents people attach (materials, evidence, milestones): suffix -> (content type served, first bytes)
ZIP = b"PK\x03\x04"
DOCUMENT_TYPES: dict[str, tuple[str, bytes | None]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP),
    ".txt": ("text/plain; charset=utf-8", None),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}
DOCUMENTS_ALLOWED = "PDF, Word (.docx), OpenDocument text (.odt), PowerPoint (.pptx), plain text (.txt), PNG or JPEG"


class UploadError(ValueError):
    pass


def upload_dir(*parts: str) -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]).joinpath("uploads", *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_table(file: FileStorage, *folder: str, max_bytes: int = 200 * 1024 * 1024) -> Path:
    """Keep a CSV or XLSX upload under a random name; refuse anything else."""
    name = (file.filename or "").lower()
    suffix = Path(name).suffix
    if suffix not in TABLE_TYPES:
        raise UploadError("Upload a CSV file (.csv) or an Excel workbook (.xlsx).")
    head = file.stream.read(8)
    file.stream.seek(0)
    if suffix == ".xlsx" and not head.startswith(TABLE_TYPES[".xlsx"]):
        raise UploadError("This file is named .xlsx but is not an Excel workbook. Save it again as .xlsx or .csv.")
    if suffix == ".csv" and b"\x00" in head:
        raise UploadError("This file is named .csv but contains binary data. Export it again as CSV (UTF-8).")
    target = upload_dir(*folder) / f"{uuid.uuid4().hex}{suffix}"
    file.save(target)
    if target.stat().st_size > max_bytes:
        target.unlink()
        raise UploadError(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
    if target.stat().st_size == 0:
        target.unlink()
        raise UploadError("The file is empty.")
    return target


def _looks_like(suffix: str, head: bytes) -> bool:
    magic = DOCUMENT_TYPES[suffix][1]
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


def stored_path(folder: str, stored_name: str) -> Path:
    """Where a stored document lives; refuses names that could leave its folder."""
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise UploadError("bad stored name")
    return upload_dir(folder) / stored_name


def save_document(file: FileStorage, folder: str, *, max_bytes: int, otherwise: str = "add it as a link") -> dict:
    """Keep an allowed document under a random name, checked by name and by its first bytes, streamed
    with a size limit; UploadError says what to do instead. Returns ``filename`` (as uploaded),
    ``stored_name``, ``content_type`` and ``size``."""
    original = Path(file.filename or "").name
    suffix = Path(original.lower()).suffix
    if suffix not in DOCUMENT_TYPES:
        raise UploadError(f"This type of file is not accepted. Upload a {DOCUMENTS_ALLOWED} file, or {otherwise}.")
    head = file.stream.read(4096)
    file.stream.seek(0)
    if not head:
        raise UploadError("The file is empty.")
    if not _looks_like(suffix, head):
        raise UploadError(f"This file is named {suffix} but its content is not a {suffix[1:].upper()} file. "
                          "Save it again in that format, or upload it as a PDF.")
    stored = f"{uuid.uuid4().hex}{suffix}"
    target = stored_path(folder, stored)
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
                                  f"Make it smaller (for example, compress its images) or {otherwise}.")
            out.write(chunk)
    return {"filename": original[:255], "stored_name": stored, "content_type": DOCUMENT_TYPES[suffix][0],
            "size": size}
