"""The sharing settings: a city opts in to the open data and gives the features peer groups use."""

from __future__ import annotations

import pytest


def _org(app, world):
    from panels.accounts.models import Organisation
    from panels.extensions import db

    with app.app_context():
        org = db.session.get(Organisation, world.org.id)
        return (org.open_data, org.country, org.population, org.annual_budget, org.budget_currency,
                org.government_level, org.income_group)


def test_an_organiser_opts_in_and_gives_the_peer_features(app, world, as_user):
    client = as_user("organiser")
    page = client.get(f"/o/{world.org.slug}/evidence/sharing")
    assert page.status_code == 200 and "Publish our evidence records" in page.get_data(as_text=True)
    assert app.test_client().get("/open-data/evidence.json").get_json()["organisations"] == []
    response = client.post(f"/o/{world.org.slug}/evidence/sharing", data={
        "open_data": "y", "country": "gb", "population": "120000", "annual_budget": "250000000",
        "budget_currency": "GBP", "government_level": "municipal", "income_group": "high"})
    assert response.status_code == 302
    opted, country, population, budget, currency, level, income = _org(app, world)
    assert (opted, country, population, float(budget), currency, level, income) == (
        True, "GB", 120000, 250000000.0, "GBP", "municipal", "high")
    published = app.test_client().get("/open-data/evidence.json").get_json()["organisations"]
    assert [o["organisation"] for o in published] == [world.org.slug]
    client.post(f"/o/{world.org.slug}/evidence/sharing", data={"population": "120000"})  # unticked: opts out
    assert _org(app, world)[0] is False
    assert app.test_client().get("/open-data/evidence.json").get_json()["organisations"] == []


@pytest.mark.parametrize("change", [{"population": "-5"}, {"population": "many"}, {"annual_budget": "nan"},
                                    {"annual_budget": "inf"}, {"annual_budget": "sNaN"}, {"country": "GBR"},
                                    {"government_level": "empire"}, {"budget_currency": "XXX"}])
def test_bad_features_are_refused_whole(app, world, as_user, change):
    before = _org(app, world)
    response = as_user("organiser").post(f"/o/{world.org.slug}/evidence/sharing",
                                         data={"open_data": "y", "population": "1000", **change})
    assert response.status_code == 422
    assert _org(app, world) == before


def test_only_managers_change_sharing(app, world, as_user):
    for role in ("observer", "facilitator"):
        assert as_user(role).post(f"/o/{world.org.slug}/evidence/sharing", data={"open_data": "y"}).status_code == 403
    assert _org(app, world)[0] is False
