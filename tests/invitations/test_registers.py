"""Importing an address register: mapping, preview, all-or-nothing, duplicates."""

from __future__ import annotations

import io

from panels.extensions import db
from panels.invitations.models import Address, AddressRegister
from panels.jobs import Job, wait

GOOD = """Address,Town,Postcode,Ward,Decile,Residents
1 Mill Lane,Riverton,RV1 1AA,North,2,3
"2, Mill Lane",Riverton,RV1 1AB,North,2,1
"1 MILL LANE.",Riverton,rv1 1aa,North,2,3
4 Quay Street,Riverton,RV2 4CD,South,7,2
5 Quay Street,Riverton,RV2 4CE,South,8,4
"""

BAD = """Address,Town,Postcode,Ward,Decile,Residents
1 Mill Lane,Riverton,RV1 1AA,North,2,3
,Riverton,RV1 1AB,North,2,1
4 Quay Street,Riverton,RV2 4CD,,7,two
"""

MAPPING = {"line1": "Address", "town": "Town", "postcode": "Postcode", "area": "Ward", "residents": "Residents",
           "line2": "", "attributes": ["Decile"]}


def upload(client, text: str, name: str = "addresses.csv"):
    return client.post("/o/testville/registers/new",
                       data={"name": "Council tax 2027", "file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def test_import_a_register_with_mapping_and_duplicates(app, world, as_user):
    client = as_user("organiser")
    response = upload(client, GOOD)
    assert response.status_code == 302
    map_url = response.headers["Location"]
    page = client.get(map_url)
    assert b"Quay Street" in page.data and b"Ward" in page.data  # the preview and the columns
    started = client.post(map_url, data=MAPPING)
    assert started.status_code == 302 and "/jobs/" in started.headers["Location"]
    job_id = started.headers["Location"].rstrip("/").split("/")[-1]
    with app.app_context():
        job = wait(job_id)
        assert job.status == "succeeded", job.error
        register = db.session.query(AddressRegister).one()
        assert register.status == "ready" and register.households == 4 and register.duplicates == 1
        keys = sorted(a.household_key for a in db.session.query(Address))
        assert "1 mill lane riverton rv1 1aa" in keys
        decile = db.session.query(Address).filter_by(line1="4 Quay Street").one().attributes
        assert decile == {"Decile": "7"}
        register_id = register.id
    detail = client.get(f"/o/testville/registers/{register_id}")
    assert b"North" in detail.data and b"1 MILL LANE." in detail.data


def test_a_bad_register_writes_nothing_and_names_rows_and_columns(app, world, as_user):
    client = as_user("organiser")
    map_url = upload(client, BAD).headers["Location"]
    started = client.post(map_url, data={**MAPPING, "confirm": "1"})
    job_id = started.headers["Location"].rstrip("/").split("/")[-1]
    with app.app_context():
        assert wait(job_id).status == "succeeded"
        register = db.session.query(AddressRegister).one()
        assert register.status == "failed"
        assert db.session.query(Address).count() == 0
        problems = {(p["row"], p["column"]) for p in register.problems}
        assert {(3, "Address"), (4, "Ward"), (4, "Residents")} <= problems
    page = client.get(map_url)
    assert b"Row 3" in page.data and b"wrote nothing" in page.data


def test_a_missing_required_column_is_refused_before_importing(app, world, as_user):
    client = as_user("organiser")
    map_url = upload(client, GOOD).headers["Location"]
    response = client.post(map_url, data={**MAPPING, "area": ""})
    assert response.status_code == 422 and b"Choose the column" in response.data
    with app.app_context():
        assert db.session.query(Job).filter_by(name="invitations.import_register").count() == 0


def test_uploads_other_than_tables_are_refused(world, as_user):
    client = as_user("organiser")
    response = upload(client, "MZ\x00\x00binary", name="virus.exe")
    assert response.status_code == 422 and b"Upload a CSV file" in response.data
    fake = upload(client, "not a zip", name="book.xlsx")
    assert fake.status_code == 422 and b"not an Excel workbook" in fake.data
