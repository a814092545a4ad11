"""Open data exports: CSV and JSON, per organisation and across those that opted in, valid against the
published schema, with no personal data."""

from __future__ import annotations

import csv
import io
from datetime import date

import jsonschema
import pytest

from tests.evidence_feed.evidence_feed_helpers import PERSONAL, TODAY, build_lifecycle


@pytest.fixture
def fed(app, world):
    from panels.accounts.models import Organisation
    from panels.evidence.feed import run_feed
    from panels.evidence.models import EvidenceRecord
    from panels.extensions import db

    with app.app_context():
        build_lifecycle(world.panel.id)
        run_feed(today=TODAY)
        org = db.session.get(Organisation, world.org.id)
        org.government_level, org.income_group, org.annual_budget, org.budget_currency = "municipal", "high", 5e8, "GBP"
        db.session.add(EvidenceRecord(organisation_id=world.other_org.id, framework="psci", capability="coalitions",
                                      indicator="Partners", value=2, observed_on=date(2026, 1, 1), source="manual",
                                      confidence="self_reported", note="Elsewhere's own note"))
        db.session.commit()
    return world


def _schema(app):
    from panels.evidence.opendata import schema

    return schema()


def _csv_rows(text: str, schema: dict) -> list[dict]:
    """CSV cells are text: read them back into the schema's types (empty = null)."""
    props = schema["$defs"]["record"]["properties"]
    rows = []
    for raw in csv.DictReader(io.StringIO(text)):
        row = {}
        for key, value in raw.items():
            types = props[key].get("type", "string")
            types = types if isinstance(types, list) else [types]
            if value == "" and ("null" in types or "const" not in props[key] and "enum" not in props[key]
                                and "string" not in types):
                row[key] = None
            elif "integer" in types:
                row[key] = int(value)
            elif "number" in types:
                row[key] = float(value)
            else:
                row[key] = value
        rows.append(row)
    return rows


def _no_personal_data(text: str) -> None:
    for personal in PERSONAL:
        assert personal.casefold() not in text.casefold(), personal


def test_the_organisation_json_export_is_valid_and_complete(app, fed, as_user):
    response = as_user("observer").get("/o/testville/evidence/export.json")
    assert response.status_code == 200
    data = response.get_json()
    jsonschema.validate(data, _schema(app))
    assert data["scope"] == "organisation"
    assert [o["organisation"] for o in data["organisations"]] == ["testville"]
    assert {r["organisation"] for r in data["records"]} == {"testville"}
    rate = next(r for r in data["records"] if r["indicator"] == "response_rate" and r["capability"] == "coalitions")
    assert rate["value"] == 37.5 and rate["unit"] == "%" and rate["attribution"] == "contributed to"
    assert rate["source_url"].endswith(f"/panels/{fed.panel.id}/responses") and rate["source_url"].startswith("http")
    assert rate["income_group"] == "high" and rate["government_level"] == "municipal" and rate["country"] == "GB"
    assert {i["key"] for i in data["indicators"]} >= {"response_rate", "pilots_launched"}
    assert [f["key"] for f in data["frameworks"]] == ["psci", "oecd_bloomberg", "oecd_deliberation"]
    _no_personal_data(response.get_data(as_text=True))


def test_the_organisation_csv_export_has_the_schema_columns_and_valid_rows(app, fed, as_user):
    response = as_user("organiser").get("/o/testville/evidence/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    schema = _schema(app)
    assert text.splitlines()[0].split(",") == schema["$defs"]["record"]["required"]
    rows = _csv_rows(text, schema)
    assert len(rows) > 20
    for row in rows:
        jsonschema.validate(row, {**schema, **schema["$defs"]["record"]})
    _no_personal_data(text)


def test_the_public_export_holds_only_organisations_that_opted_in(app, fed, client):
    from panels.accounts.models import Organisation
    from panels.extensions import db

    empty = client.get("/open-data/evidence.json").get_json()
    assert empty["organisations"] == [] and empty["records"] == []
    with app.app_context():
        db.session.get(Organisation, fed.org.id).open_data = True
        db.session.commit()
    data = client.get("/open-data/evidence.json").get_json()
    jsonschema.validate(data, client.get("/open-data/evidence/schema.json").get_json())
    assert data["scope"] == "open_data"
    assert {r["organisation"] for r in data["records"]} == {"testville"}  # not Elsewhere: it did not opt in
    text = client.get("/open-data/evidence.csv").get_data(as_text=True)
    assert "Elsewhere" not in text and "testville" in text
    _no_personal_data(text)
    _no_personal_data(client.get("/open-data/evidence.json").get_data(as_text=True))
