"""A script stored in a recommendation, a comment or an amendment is never rendered as a tag on any page."""

from __future__ import annotations

from tests.recommendations_drafting import drafting_helpers as h

SCRIPT = "<script>alert('x')</script>"
ATTACK = f"Buses {SCRIPT} and <img src=x onerror=alert(1)> [link](javascript:alert(2))"


def test_stored_scripts_never_reach_a_page(app, world, as_user):
    client = as_user("member")
    response = client.post(f"/panels/{world.panel.id}/recommendations/new",
                           data={"title": f"Title {SCRIPT}", "text": ATTACK, "rationale": ATTACK})
    rec_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post(h.rec_url(world, rec_id, "/edit"), data={"title": "Plain", "text": ATTACK + " more",
                                                        "rationale": ATTACK})
    client.post(h.rec_url(world, rec_id, "/comments"), data={"text": ATTACK})
    other = h.add_member(app, world)
    amendment_id = h.propose(app, rec_id, other.id, ATTACK + " again", reason=ATTACK)
    rejected_id = h.propose(app, rec_id, other.id, ATTACK + " once more", section="rationale")
    client.post(h.amendment_url(world, rec_id, rejected_id, "reject"), data={"note": ATTACK})
    pages = [f"/panels/{world.panel.id}/recommendations", h.rec_url(world, rec_id),
             h.rec_url(world, rec_id, "/compare?a=1&b=2"), h.rec_url(world, rec_id, "/amendments/new"),
             h.rec_url(world, rec_id, "/edit"), f"/panels/{world.panel.id}/working-groups"]
    for url in pages:
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page, url
        assert "<img" not in page, url
        assert 'href="javascript:' not in page, url
    detail = client.get(h.rec_url(world, rec_id)).get_data(as_text=True)
    assert "&lt;script&gt;" in detail  # shown as the text that was typed
    assert amendment_id

