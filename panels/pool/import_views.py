"""Pool import pages: upload, choose the columns, see the preview and the problems, import."""

from __future__ import annotations

from pathlib import Path

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField
from wtforms.validators import DataRequired

from ..access import access
from ..invitations.registers import read_table
from ..uploads import UploadError, save_table, upload_dir
from . import imports, services
from .views import bp


class PoolUploadForm(FlaskForm):
    file = FileField("File (CSV or Excel .xlsx)", validators=[FileRequired(message="Choose the file to upload.")],
                     description="One row per person, with a header row: names, contact details and one column "
                                 "per question of the registration form.")


class PoolImportForm(FlaskForm):
    consent = BooleanField("These people agreed to the privacy notice when they registered",
                           validators=[DataRequired(message="Confirm that everyone in the file agreed to the "
                                                            "privacy notice; otherwise they cannot be imported.")])


def _path(upload: str) -> Path:
    if not imports.UPLOAD_NAME.match(upload):
        abort(404)
    path = upload_dir("pools", str(g.panel.id)) / upload
    if not path.exists():
        abort(404)
    return path


@bp.route("/panels/<int:panel_id>/pool/import", methods=["GET", "POST"])
@access("pool.view")
def import_upload(panel_id: int):
    form = PoolUploadForm()
    if form.validate_on_submit():
        try:
            path = save_table(form.file.data, "pools", str(panel_id))
            read_table(path, nrows=5)
        except UploadError as exc:
            form.file.errors.append(str(exc))
        except (ValueError, UnicodeDecodeError) as exc:
            form.file.errors.append(f"The file could not be read as a table ({exc}).")
        else:
            return redirect(url_for("pool.import_map", panel_id=panel_id, upload=path.name))
    return render_template("pool/import_upload.html", panel=g.panel, form=form), 200 if not form.errors else 422


@bp.route("/panels/<int:panel_id>/pool/import/<upload>", methods=["GET", "POST"])
@access("pool.view")
def import_map(panel_id: int, upload: str):
    path = _path(upload)
    settings = services.settings_for(g.panel)
    frame = read_table(path)
    columns = list(frame.columns)
    form = PoolImportForm()
    mapping = {name: request.form.get(name, "") for name in _fields(settings)}
    if request.method == "GET":
        mapping = _guess(columns, settings)
    checked = imports.check(frame, settings, mapping)
    if form.validate_on_submit() and not checked.problems:
        try:
            count = imports.import_pool(current_user, g.panel, settings, path, mapping)
        except imports.ImportProblems as exc:
            checked.problems = exc.problems
        else:
            path.unlink(missing_ok=True)
            flash(f"{count} volunteers imported into the pool.", "success")
            return redirect(url_for("pool.volunteers", panel_id=panel_id))
    status = 422 if request.method == "POST" and (checked.problems or form.errors) else 200
    return render_template("pool/import_map.html", panel=g.panel, form=form, settings=settings, columns=columns,
                           mapping=mapping, person_fields=imports.PERSON_FIELDS, preview=frame.head(10),
                           problems=checked.problems, rows=len(frame)), status


def _fields(settings) -> list[str]:
    return [*imports.PERSON_FIELDS, *(f"cat:{c['key']}" for c in (settings.categories if settings else []))]


def _guess(columns: list[str], settings) -> dict[str, str]:
    """Columns named like the field (first_name, Email, age...) are chosen to start with."""
    simple = {c.lower().replace(" ", "_"): c for c in columns}
    guess = {name: simple.get(name, "") for name in imports.PERSON_FIELDS}
    for category in (settings.categories if settings else []):
        guess[f"cat:{category['key']}"] = simple.get(category["key"].lower(), "")
    return guess
