"""Uploaded files: checked (type, size, content), stored under instance/, never executed."""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

TABLE_TYPES = {".csv": b"", ".xlsx": b"PK\x03\x04"}


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
