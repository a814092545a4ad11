"""Every save is a version; any two versions compare as a readable word diff."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import login
from tests.recommendations_drafting import drafting_helpers as h


def _versions(app, rec_id):
    from panels.extensions import db
    from panels.recommendations.models import Recommendation

    with app.app_context():
        rec = db.session.get(Recommendation, rec_id)
        return [(v.number, v.text, v.author_id) for v in rec.versions]


def test_drafting_through_the_pages_numbers_and_versions(app, world, as_user):
    client = as_user("member")
    response = client.post(f"/panels/{world.panel.id}/recommendations/new",
                           data={"title": "Safe crossings", "text": "A crossing at every school.",
                                 "rationale": "Children walk."})
    assert response.status_code == 302
    rec_id = int(response.headers["Location"].rsplit("/", 1)[1])
    second = h.draft(app, world, title="Bus lanes", text="Bus lanes on the ring road.")
    page = client.get(f"/panels/{world.panel.id}/recommendations").get_data(as_text=True)
    assert "R1. Safe crossings" in page and "R2. Bus lanes" in page
    assert second != rec_id

    response = client.post(h.rec_url(world, rec_id, "/edit"),
                           data={"title": "Safe crossings", "text": "A safe crossing at every primary school.",
                                 "rationale": "Children walk.", "note": "Primary schools first"})
    assert response.status_code == 302
    assert [n for n, _, _ in _versions(app, rec_id)] == [1, 2]
    detail = client.get(h.rec_url(world, rec_id)).get_data(as_text=True)
    assert "Version history" in detail and "Primary schools first" in detail
    assert "Member" in detail  # the co-author


def test_saving_unchanged_text_makes_no_version(app, world, as_user):
    rec_id = h.draft(app, world, text="Same words.")
    client = as_user("member")
    client.post(h.rec_url(world, rec_id, "/edit"), data={"title": "Buses every ten minutes", "text": "Same words.",
                                                        "rationale": "People want to leave the car at home."})
    assert len(_versions(app, rec_id)) == 1


def test_compare_any_two_versions_without_javascript(app, world, as_user):
    rec_id = h.draft(app, world, text="Run buses every 15 minutes on main routes.")
    client = as_user("member")
    for text in ("Run buses every 10 minutes on main routes.", "Run buses every 10 minutes on all routes."):
        client.post(h.rec_url(world, rec_id, "/edit"), data={"title": "Buses", "text": text})
    page = client.get(h.rec_url(world, rec_id, "/compare?a=1&b=3")).get_data(as_text=True)
    assert "<del>15</del>" in page and "<ins>10</ins>" in page
    assert "<del>main</del>" in page and "<ins>all</ins>" in page
    # the two versions are picked in a plain GET form
    assert 'method="get"' in page and ('selected value="3"' in page or 'value="3" selected' in page)
    one_step = client.get(h.rec_url(world, rec_id, "/compare?a=2&b=3")).get_data(as_text=True)
    assert "<del>15</del>" not in one_step and "<ins>all</ins>" in one_step
    missing = client.get(h.rec_url(world, rec_id, "/compare?a=1&b=9"))
    assert missing.status_code == 422 and "Choose two versions between 1 and 3" in missing.get_data(as_text=True)


def test_staff_can_edit_and_the_version_names_them(app, world, as_user):
    rec_id = h.draft(app, world)
    as_user("facilitator").post(h.rec_url(world, rec_id, "/edit"),
                                data={"title": "Buses", "text": "Run buses every 12 minutes."})
    versions = _versions(app, rec_id)
    assert versions[-1][2] == world.facilitator.id and versions[0][2] == world.member.id


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["bus", "tram", "walk", "cycle", "&", "<b>", "safe"]), max_size=12),
       st.lists(st.sampled_from(["bus", "tram", "walk", "cycle", "&", "<b>", "safe"]), max_size=12))
def test_the_diff_keeps_both_texts_recoverable(old_words, new_words):
    """Dropping the insertions gives the old text back, dropping the deletions the new one."""
    import html

    from panels.recommendations.text import diff

    old, new = " ".join(old_words), " ".join(new_words)
    out = str(diff(old, new))
    assert "<b>" not in out  # stored markup is escaped in a diff
    as_old = html.unescape(re.sub(r"</?del>", "", re.sub(r"<ins>.*?</ins>", "", out)))
    as_new = html.unescape(re.sub(r"</?ins>", "", re.sub(r"<del>.*?</del>", "", out)))
    assert as_old == old and as_new == new


def test_login_helper_still_works_for_a_second_member(app, world):
    other = h.add_member(app, world)
    client = app.test_client()
    login(client, other.email)
    assert client.get(f"/panels/{world.panel.id}/recommendations").status_code == 200
