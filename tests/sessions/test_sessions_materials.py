"""Materials: uploads checked by content and size, served safely, with a version history."""

from __future__ import annotations

import io

import pytest

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _new(client, panel_id, name, content, **extra):
    data = {"title": extra.pop("title", "Housing need 2026"), "summary": "How many homes Riverton needs.",
            "language": "en", "evidence_type": "", "file": (io.BytesIO(content), name), **extra}
    return client.post(f"/panels/{panel_id}/materials/new", data=data, content_type="multipart/form-data")


def _versions(app):
    from panels.extensions import db
    from panels.sessions.models import MaterialVersion

    with app.app_context():
        return list(db.session.scalars(db.select(MaterialVersion).order_by(MaterialVersion.number)))


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(app, world, as_user):
    r = _new(as_user("facilitator"), world.panel.id, "report.pdf", b"<html><script>alert(1)</script></html>")
    assert r.status_code == 422
    assert "its content is not a PDF file" in r.get_data(as_text=True)
    assert _versions(app) == []


@pytest.mark.parametrize("name", ["run.exe", "page.html", "image.svg", "noextension"])
def test_types_not_on_the_list_are_refused(app, world, as_user, name):
    r = _new(as_user("facilitator"), world.panel.id, name, PDF)
    assert r.status_code == 422
    assert "This type of file is not accepted" in r.get_data(as_text=True)


def test_a_file_over_the_limit_is_refused(app, world, as_user, monkeypatch):
    from panels.uploads import upload_dir

    monkeypatch.setitem(app.config, "MATERIAL_MAX_BYTES", 1024)
    with app.app_context():
        before = set(upload_dir("materials").iterdir())
    r = _new(as_user("facilitator"), world.panel.id, "big.pdf", PDF + b"0" * 5000)
    assert r.status_code == 422
    assert "larger than" in r.get_data(as_text=True)
    assert _versions(app) == []
    with app.app_context():
        assert set(upload_dir("materials").iterdir()) == before  # nothing left behind


def test_pdf_is_served_as_an_attachment_with_nosniff(app, world, as_user):
    client = as_user("facilitator")
    r = _new(client, world.panel.id, "Housing need.pdf", PDF)
    assert r.status_code == 302
    (v,) = _versions(app)
    assert v.stored_name != "Housing need.pdf" and v.stored_name.endswith(".pdf")
    url = f"/panels/{world.panel.id}/materials/{v.material_id}/versions/{v.id}"
    r = as_user("member").get(url)
    assert r.status_code == 200 and r.data == PDF
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    public = as_user("anonymous").get(f"/p/{world.panel.id}/materials/{v.material_id}")
    assert public.status_code == 200 and public.headers["Content-Disposition"].startswith("attachment")


def test_images_are_shown_inline_with_their_own_type(app, world, as_user):
    _new(as_user("facilitator"), world.panel.id, "map.png", PNG)
    (v,) = _versions(app)
    r = as_user("observer").get(f"/panels/{world.panel.id}/materials/{v.material_id}/versions/{v.id}")
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["Content-Disposition"] == "inline"
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_text_files_are_never_served_as_html(app, world, as_user):
    _new(as_user("facilitator"), world.panel.id, "notes.txt", b"<script>alert(1)</script>")
    (v,) = _versions(app)
    r = as_user("member").get(f"/panels/{world.panel.id}/materials/{v.material_id}/versions/{v.id}")
    assert r.headers["Content-Type"].startswith("text/plain")
    assert r.headers["Content-Disposition"].startswith("attachment")


def test_version_history_keeps_every_version(app, world, as_user):
    client = as_user("facilitator")
    _new(client, world.panel.id, "draft.pdf", PDF, note="First draft")
    material_id = _versions(app)[0].material_id
    r = client.post(f"/panels/{world.panel.id}/materials/{material_id}/versions",
                    data={"url": "https://example.org/housing-need-v2", "note": "Corrected figures"})
    assert r.status_code == 302
    r = client.post(f"/panels/{world.panel.id}/materials/{material_id}/versions", data={"note": "Nothing"})
    assert r.status_code == 422 and "Upload a file or give a link." in r.get_data(as_text=True)
    assert [(v.number, v.note) for v in _versions(app)] == [(1, "First draft"), (2, "Corrected figures")]
    page = as_user("member").get(f"/panels/{world.panel.id}/materials/{material_id}").get_data(as_text=True)
    assert "Version history" in page and "Corrected figures" in page and "First draft" in page
    assert "Add the version" not in page  # members read, facilitators manage
    public = as_user("anonymous").get(f"/p/{world.panel.id}/materials/{material_id}")
    assert public.status_code == 302 and public.headers["Location"] == "https://example.org/housing-need-v2"
