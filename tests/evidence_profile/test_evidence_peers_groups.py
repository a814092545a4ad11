"""Peer groups: the banding rule, k-means with a seed, groups under three show nothing, opt-in only."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from panels.evidence.peers import (
    MIN_GROUP,
    OrgFeatures,
    band_key,
    budget_per_resident,
    compare,
    group_by_bands,
    group_by_kmeans,
)
from tests.evidence_profile.evidence_profile_helpers import add_assessment, add_record, full_scores

RATES = {"EUR": 1.0, "GBP": 1.2, "USD": 0.9}

orgs_strategy = st.lists(
    st.builds(OrgFeatures, id=st.integers(1, 10_000), name=st.just("x"),
              population=st.one_of(st.none(), st.integers(0, 20_000_000)),
              budget=st.one_of(st.none(), st.floats(0, 1e11, allow_nan=False)),
              currency=st.sampled_from([None, "EUR", "GBP", "USD", "XYZ"]),
              level=st.sampled_from([None, "municipal", "regional", "national"]),
              income_group=st.sampled_from([None, "low", "lower_middle", "upper_middle", "high"])),
    max_size=30, unique_by=lambda o: o.id)


@settings(max_examples=150, deadline=None)
@given(orgs_strategy, st.randoms(use_true_random=False))
def test_banding_puts_everyone_in_exactly_one_group_deterministically(orgs, rnd):
    groups = group_by_bands(orgs, RATES)
    members = [m for g in groups for m in g.members]
    assert sorted(members) == sorted(o.id for o in orgs)  # exactly one group each
    shuffled = list(orgs)
    rnd.shuffle(shuffled)
    assert [(g.key, g.members) for g in group_by_bands(shuffled, RATES)] == [(g.key, g.members) for g in groups]
    by_id = {m: g.key for g in groups for m in g.members}
    for a in orgs:
        for b in orgs:
            if band_key(a, RATES) == band_key(b, RATES):
                assert by_id[a.id] == by_id[b.id]  # same features, same group


def test_the_bands_documented():
    def org(i, pop, budget, cur="EUR", level="municipal", income="high"):
        return OrgFeatures(i, f"O{i}", pop, budget, cur, level, income)

    assert band_key(org(1, 49_999, 49_999_000), RATES)[:2] == ("under 50,000", "€1,000 to €2,999 per resident")
    assert band_key(org(2, 50_000, 49_999_000), RATES)[0] == "50,000 to 249,999"
    assert band_key(org(3, 1_000_000, 3e9), RATES)[:2] == ("1 million or more", "€3,000 or more per resident")
    assert band_key(org(4, 200_000, 100e6, "GBP"), RATES)[1] == "under €1,000 per resident"  # 600 EUR
    assert band_key(org(5, 200_000, 100e6, "XYZ"), RATES)[1] == "unknown"  # no rate: not guessed
    assert budget_per_resident(org(6, 100, 1000, "GBP"), RATES) == 12.0
    assert band_key(org(7, None, None, None, None, None), RATES) == ("unknown",) * 4


def _cities():
    small = [OrgFeatures(i, f"S{i}", 40_000 + 1000 * i, 40e6 + 1e6 * i, "EUR", "municipal", "high") for i in range(4)]
    big = [OrgFeatures(10 + i, f"B{i}", 2_000_000 + 10_000 * i, 9e9, "USD", "regional", "upper_middle")
           for i in range(3)]
    return small + big + [OrgFeatures(99, "Blank")]


def test_kmeans_is_stable_with_a_seed_and_shows_centroids_in_original_units():
    cities = _cities()
    first = group_by_kmeans(cities, 2, seed=7, table=RATES)
    again = group_by_kmeans(list(reversed(cities)), 2, seed=7, table=RATES)
    assert [(g.key, g.members) for g in first] == [(g.key, g.members) for g in again]
    assert [g.members for g in first] == [[0, 1, 2, 3], [10, 11, 12], [99]]
    assert first[-1].key == "incomplete"  # missing features: its own group, never dropped
    small = first[0].centroid
    assert 40_000 < small["population"] < 44_000 and small["income_group"] == "high" and small["level"] == "municipal"
    assert first[1].centroid["budget_per_resident_eur"] > 3000
    assert sorted(m for g in group_by_kmeans(cities, 6, seed=1, table=RATES) for m in g.members) == \
        sorted(c.id for c in cities)


def test_a_group_under_three_shows_nothing():
    groups = group_by_bands(_cities(), RATES)
    scores = {i: {"coalitions": 3} for i in (0, 1, 2, 3, 10, 11, 12, 99)}
    assert compare(99, groups, scores, {}, ["coalitions"]) is None  # alone
    two = group_by_bands(_cities()[:2], RATES)
    assert compare(0, two, scores, {}, ["coalitions"]) is None
    three = compare(10, groups, scores, {10: {"speakers": (5.0, "count")}}, ["coalitions"])
    assert three is not None and len(three.organisations) >= MIN_GROUP
    assert three.organisations[0] == 10 and three.capabilities["coalitions"][11] == 3
    assert three.indicators["speakers"] == {10: (5.0, "count"), 11: None, 12: None}


def _peer_orgs(app, world, *, opted_in: int, private: int = 0):
    from panels.accounts.models import Organisation
    from panels.extensions import db

    with app.app_context():
        org = db.session.get(Organisation, world.org.id)
        org.population, org.annual_budget, org.budget_currency = 100_000, 200_000_000, "EUR"
        org.government_level, org.income_group = "municipal", "high"
        add_assessment(org.id, date(2026, 1, 1), full_scores(3))
        for i in range(opted_in + private):
            peer = Organisation(name=f"Peer town {i}", slug=f"peer-{i}", population=120_000 + i,
                                annual_budget=250_000_000, budget_currency="EUR", government_level="municipal",
                                income_group="high", open_data=i < opted_in)
            db.session.add(peer)
            db.session.flush()
            add_assessment(peer.id, date(2026, 2, 1), full_scores(2 + i % 3))
            add_record(peer.id, "coalitions", "speakers", 10 + i, unit="count")
        db.session.commit()


def test_peers_page_compares_within_the_group_of_opted_in_organisations(app, world, as_user):
    _peer_orgs(app, world, opted_in=2, private=1)
    client = as_user("observer")
    html = client.get(f"/o/{world.org.slug}/evidence/peers").get_data(as_text=True)
    assert "Peer town 0" in html and "Peer town 1" in html
    assert "Peer town 2" not in html  # did not opt in to sharing
    assert 'id="peer-table"' in html and "<svg" in html
    kmeans = client.get(f"/o/{world.org.slug}/evidence/peers?method=kmeans&k=2")
    assert kmeans.status_code == 200 and "Centroid" in kmeans.get_data(as_text=True)
    bad = client.get(f"/o/{world.org.slug}/evidence/peers?method=kmeans&k=99").get_data(as_text=True)
    assert "choose a whole number from 2 to 6" in bad


def test_peers_page_says_why_nothing_is_shown_for_a_small_group(app, world, as_user):
    _peer_orgs(app, world, opted_in=1, private=3)
    html = as_user("observer").get(f"/o/{world.org.slug}/evidence/peers").get_data(as_text=True)
    assert 'id="no-comparison"' in html and "fewer than 3" in html
    assert 'id="peer-table"' not in html and "Peer town 1" not in html


def test_implementation_progress_is_compared_checkpoint_by_checkpoint(app, world, as_user):
    """A city's progress 3 months after its report is never set beside a peer's progress after 24 months."""
    from panels.evidence.models import EvidenceRecord
    from panels.evidence.profile import RecordRow, latest_values
    from panels.extensions import db

    rows = [RecordRow(1, "adapting_focus", "implementation_progress", 20.0, "%", date(2026, 1, 1), "documented",
                      period="3m"),
            RecordRow(2, "adapting_focus", "implementation_progress", 90.0, "%", date(2027, 10, 1), "documented",
                      period="24m")]
    assert {k: r.value for k, r in latest_values(rows).items()} == {
        "implementation_progress@3m": 20.0, "implementation_progress@24m": 90.0}
    _peer_orgs(app, world, opted_in=2)
    with app.app_context():
        from panels.accounts.models import Organisation

        peer = db.session.scalar(db.select(Organisation).filter_by(slug="peer-0"))
        for org_id, period, value, day in [(world.org.id, "3m", 20.0, date(2026, 7, 1)),
                                           (peer.id, "3m", 30.0, date(2025, 4, 1)),
                                           (peer.id, "24m", 95.0, date(2027, 1, 1))]:
            db.session.add(EvidenceRecord(
                organisation_id=org_id, framework="psci", capability="adapting_focus",
                indicator="implementation_progress", value=value, unit="%", observed_on=day, source="feed",
                confidence="documented", feed_key=f"{org_id}:0:implementation_progress:adapting_focus:{period}"))
        db.session.commit()
    html = as_user("observer").get(f"/o/{world.org.slug}/evidence/peers").get_data(as_text=True)
    assert "Implementation progress, 3 months after the report" in html
    assert "Implementation progress, 24 months after the report" in html
    three = html.split("Implementation progress, 3 months after the report</th>")[1].split("</tr>")[0]
    assert "20 %" in three and "30 %" in three and "95" not in three
