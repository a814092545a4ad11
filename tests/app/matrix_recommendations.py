"""Authorization matrix entries for drafting: recommendations, versions, co-authors, sources,
comments, amendments and working groups."""

from __future__ import annotations

from tests.app.matrix_roles import ON_PANEL

DRAFTERS = {"member", "facilitator", "organiser", "admin"}
STAFF = {"facilitator", "organiser", "admin"}

MATRIX = {
    "recommendations.index": ON_PANEL,
    "recommendations.detail": ON_PANEL,
    "recommendations.compare": ON_PANEL,
    "recommendations.new": DRAFTERS,
    "recommendations.edit": DRAFTERS,  # the member is a co-author; other members get 403
    "recommendations.comment": DRAFTERS,
    "recommendations.author_add": DRAFTERS,
    "recommendations.author_remove": DRAFTERS,
    "recommendations.source_add": DRAFTERS,
    "recommendations.source_remove": DRAFTERS,
    "recommendations.status": STAFF,
    "recommendations.amend": DRAFTERS,
    "recommendations.amendment_accept": DRAFTERS,
    "recommendations.amendment_reject": DRAFTERS,
    "recommendations.amendment_vote": STAFF,
    "recommendations.amendment_withdraw": {"member"},  # only its proposer
    "recommendations.amendment_spin_off": DRAFTERS,
    "recommendations.groups": ON_PANEL,
    "recommendations.group_save": STAFF,
    "recommendations.group_delete": STAFF,
}


def url_values(world, app) -> dict:
    """A recommendation (two versions) co-authored by the member, a source, and the member's amendment."""
    from panels.accounts.models import User
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.recommendations import amendments, drafting
    from panels.recommendations.models import WorkingGroup
    from panels.sessions.models import Speaker

    with app.app_context():
        panel = db.session.get(Panel, world.panel.id)
        member = db.session.get(User, world.member.id)
        group = WorkingGroup(panel_id=panel.id, name="Matrix group")
        speaker = Speaker(panel_id=panel.id, name="Matrix source speaker")
        db.session.add_all([group, speaker])
        db.session.commit()
        rec = drafting.create(member, panel, title="Matrix recommendation", text="Do the thing.",
                              working_group_id=group.id)
        drafting.edit(member, rec, title="Matrix recommendation", text="Do the thing soon.")
        source = drafting.add_source(member, rec, "speaker", speaker.id)
        amendment = amendments.propose(member, rec, section="text", new_text="Do the thing now.")
        return {"rec_id": rec.id, "amendment_id": amendment.id, "author_id": member.id, "source_id": source.id,
                "group_id": group.id}
