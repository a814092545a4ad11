"""Importing evidence from other sources: checked row by row, all or nothing, each error naming the
row, the column and the fix."""

from __future__ import annotations

import io

from sqlalchemy import select

GOOD = """capability,indicator,value,unit,observed_on,confidence,panel,source_url,note
coalitions,Partner organisations in the climate pact,14,count,2025-06-30,documented,,https://testville.example/pact,
Transforming teams,Staff trained in deliberation,25,people,2025-09-01,Self-reported,test-assembly,,In-house course
"""

BAD = """capability,indicator,value,unit,observed_on,confidence
coalitions,Partners,14,count,2025-06-30,documented
courage,Brave decisions,3,count,2025-06-30,documented
coalitions,Partners,3,count,30/06/2025,documented
coalitions,Partners,3,count,2025-06-30,very sure
coalitions,Partners,"3,5",count,2025-06-30,documented
"""


def _upload(client, text: str, name: str = "evidence.csv"):
    return client.post("/o/testville/evidence/import", data={"file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def _records(app):
    from panels.evidence.models import EvidenceRecord
    from panels.extensions import db

    with app.app_context():
        return [(r.capability, r.framework, r.indicator, r.value, r.unit, r.observed_on.isoformat(), r.confidence,
                 r.panel_id, r.source, r.attribution)
                for r in db.session.scalars(select(EvidenceRecord).order_by(EvidenceRecord.id))]


def test_a_good_file_is_imported_whole(app, world, as_user):
    response = _upload(as_user("organiser"), GOOD)
    assert response.status_code == 302
    assert _records(app) == [
        ("coalitions", "psci", "Partner organisations in the climate pact", 14.0, "count", "2025-06-30", "documented",
         None, "import", "contributed to"),
        ("transforming_teams", "psci", "Staff trained in deliberation", 25.0, "people", "2025-09-01", "self_reported",
         world.panel.id, "import", "contributed to"),
    ]
    page = as_user("organiser").get(response.headers["Location"]).get_data(as_text=True)
    assert "2 evidence records imported." in page


def test_a_bad_file_imports_nothing_and_names_each_row_column_and_fix(app, world, as_user):
    response = _upload(as_user("organiser"), BAD)
    assert response.status_code == 422
    page = response.get_data(as_text=True).replace("&#34;", '"').replace("&#39;", "'")
    assert "Nothing was imported: 4 problems to fix" in page
    assert "Row 3, column “capability”: “courage” is not a capability. Use one of: strategic_awareness" in page
    assert "Row 4, column “observed_on”: “30/06/2025” is not a date. Write the date as YYYY-MM-DD" in page
    assert ("Row 5, column “confidence”: “very sure” is not a confidence level. "
            "Use one of: self_reported, documented, independently_evaluated.") in page
    assert "Row 6, column “value”: “3,5” is not a number. Write a number with a point for decimals" in page
    assert _records(app) == []  # row 2 was fine, but nothing goes in unless every row is


def test_missing_columns_and_other_problems(app, world, as_user):
    client = as_user("organiser")
    response = _upload(client, "capability,indicator\ncoalitions,Partners\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for column in ("value", "observed_on", "confidence"):
        assert f"column “{column}”: This column is missing. Add a column named “{column}”" in page
    response = _upload(client, "capability,indicator,value,observed_on,confidence,panel,framework,source_url\n"
                               "coalitions,x,1,2025-01-01,documented,other,oecd_bloomberg,ftp://x\n")
    page = response.get_data(as_text=True)
    assert "“other” is not one of this organisation's panels" in page.replace("&#39;", "'")
    assert "“coalitions” belongs to the framework “psci”, not “oecd_bloomberg”" in page
    assert "column “source_url”" in page
    assert _upload(client, "not a table", name="evidence.pdf").status_code == 422
    assert _records(app) == []


def test_an_export_can_be_imported_again(app, world, as_user):
    client = as_user("organiser")
    assert _upload(client, GOOD).status_code == 302
    exported = client.get("/o/testville/evidence/export.csv").get_data(as_text=True)
    assert _upload(client, exported).status_code == 302
    records = _records(app)
    assert len(records) == 4 and records[2:] == records[:2]


def test_a_damaged_workbook_or_an_overlong_link_is_a_problem_to_fix_not_an_error(app, world, as_user):
    import zipfile

    client = as_user("organiser")
    not_a_zip = client.post("/o/testville/evidence/import", content_type="multipart/form-data",
                            data={"file": (io.BytesIO(b"PK\x03\x04" + b"damaged" * 50), "evidence.xlsx")})
    assert not_a_zip.status_code == 422
    assert "could not be read as a table" in not_a_zip.get_data(as_text=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # a zip, but not a workbook
        archive.writestr("notes.txt", "hello")
    not_a_workbook = client.post("/o/testville/evidence/import", content_type="multipart/form-data",
                                 data={"file": (io.BytesIO(buffer.getvalue()), "evidence.xlsx")})
    assert not_a_workbook.status_code == 422
    long_link = "https://testville.example/" + "a" * 500
    response = _upload(client, f"capability,indicator,value,observed_on,confidence,source_url\n"
                               f"coalitions,x,1,2025-01-01,documented,{long_link}\n")
    assert response.status_code == 422
    assert "Longer than 500 characters" in response.get_data(as_text=True)
    assert _records(app) == []
