"""Open data pages: exports per organisation (staff) and across organisations that opted in (public),
the schema, and the import of evidence from other sources."""

from __future__ import annotations

from flask import Response, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from ..access import access
from ..invitations.registers import read_table
from ..uploads import UploadError, save_table
from . import opendata
from .frameworks import FrameworkError
from .views import bp


class EvidenceImportForm(FlaskForm):
    file = FileField("File (CSV or Excel .xlsx)", validators=[FileRequired(message="Choose the file to upload.")],
                     description="One row per evidence record with a header row: capability, indicator, value, "
                                 "observed_on, confidence, and optionally framework, unit, panel, source_url, note.")


def _base() -> str:
    return current_app.config.get("BASE_URL") or request.url_root


def _csv(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/o/<org_slug>/evidence/export.csv")
@access("evidence.view")
def export_csv(org_slug: str):
    return _csv(opendata.to_csv([g.organisation], _base()), f"evidence-{org_slug}.csv")


@bp.route("/o/<org_slug>/evidence/export.json")
@access("evidence.view")
def export_json(org_slug: str):
    return jsonify(opendata.to_json([g.organisation], _base()))


@bp.route("/open-data/evidence.csv")
@access("public")
def open_csv():
    return _csv(opendata.to_csv(opendata.open_organisations(), _base()), "evidence.csv")


@bp.route("/open-data/evidence.json")
@access("public")
def open_json():
    return jsonify(opendata.to_json(opendata.open_organisations(), _base(), scope="open_data"))


@bp.route("/open-data/evidence/schema.json")
@access("public")
def open_schema():
    return jsonify(opendata.schema())


@bp.route("/o/<org_slug>/evidence/import", methods=["GET", "POST"])
@access("evidence.manage")
def import_upload(org_slug: str):
    form = EvidenceImportForm()
    problems = []
    if form.validate_on_submit():
        path = None
        try:
            path = save_table(form.file.data, "evidence-imports", str(g.organisation.id), max_bytes=20 * 1024 * 1024)
            try:
                frame = read_table(path)
            except Exception as exc:  # noqa: BLE001 - a damaged workbook (BadZipFile, KeyError, XML errors...)
                raise ValueError(str(exc) or exc.__class__.__name__) from exc
            count = opendata.import_records(current_user, g.organisation, frame)
        except UploadError as exc:
            form.file.errors.append(str(exc))
        except opendata.ImportProblems as exc:
            problems = exc.problems
        except FrameworkError as exc:
            form.file.errors.append(f"The frameworks file of this installation has a problem: {exc}")
        except (ValueError, UnicodeDecodeError) as exc:
            form.file.errors.append(f"The file could not be read as a table ({exc}). Save it as CSV (UTF-8) or .xlsx.")
        else:
            flash(f"{count} evidence record{'' if count == 1 else 's'} imported.", "success")
            return redirect(url_for("evidence.records_list", org_slug=org_slug, source="import"))
        finally:
            if path is not None:
                path.unlink(missing_ok=True)
    status = 422 if (form.errors or problems) else 200
    return render_template("evidence/records_import.html", organisation=g.organisation, form=form,
                           problems=problems, required=opendata.IMPORT_REQUIRED,
                           optional=opendata.IMPORT_OPTIONAL), status
