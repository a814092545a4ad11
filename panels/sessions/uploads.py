"""Materials' files: checked by name and by content, size-limited, stored under random names."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from werkzeug.datastructures import FileStorage

from ..uploads import save_document, stored_path

MAX_BYTES = 20 * 1024 * 1024
FOLDER = "materials"
IMAGE_TYPES = {"image/png", "image/jpeg"}


def material_path(stored_name: str) -> Path:
    return stored_path(FOLDER, stored_name)


def save_material(file: FileStorage, *, max_bytes: int | None = None) -> dict:
    """Keep an allowed upload (see ``panels.uploads.save_document``); the size limit is
    ``max_bytes``, else the ``MATERIAL_MAX_BYTES`` setting, else 20 MB."""
    return save_document(file, FOLDER, max_bytes=max_bytes or current_app.config.get("MATERIAL_MAX_BYTES")
                         or MAX_BYTES)
