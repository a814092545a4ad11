"""Shared set-up for the drafting tests: a second member, a recommendation, an amendment."""

from __future__ import annotations

from types import SimpleNamespace


def add_member(app, world, email: str = "second@test.example", name: str = "Second Member", panel_id=None):
    """Another member of the panel (or of ``panel_id``); returns a snapshot with id and email."""
    from panels.accounts.models import Membership
    from panels.extensions import db
    from tests.conftest import make_user

    with app.app_context():
        user = make_user(email, name)
        db.session.add(Membership(user_id=user.id, organisation_id=world.org.id if panel_id is None
                                  else world.other_org.id, panel_id=panel_id or world.panel.id, role="member"))
        db.session.commit()
        return SimpleNamespace(id=user.id, email=email, name=name)


def draft(app, world, title: str = "Buses every ten minutes", text: str = "Run buses every 15 minutes.",
          rationale: str | None = "People want to leave the car at home.", user_id=None) -> int:
    """A recommendation written by the member (or ``user_id``); returns its id."""
    from panels.accounts.models import User
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.recommendations import drafting

    with app.app_context():
        actor = db.session.get(User, user_id or world.member.id)
        rec = drafting.create(actor, db.session.get(Panel, world.panel.id), title=title, text=text,
                              rationale=rationale)
        return rec.id


def propose(app, rec_id: int, user_id: int, new_text: str, section: str = "text", reason: str | None = None) -> int:
    from panels.accounts.models import User
    from panels.extensions import db
    from panels.recommendations import amendments
    from panels.recommendations.models import Recommendation

    with app.app_context():
        amendment = amendments.propose(db.session.get(User, user_id), db.session.get(Recommendation, rec_id),
                                       section=section, new_text=new_text, reason=reason)
        return amendment.id


def set_panel_status(app, panel_id: int, status: str) -> None:
    from panels.extensions import db
    from panels.panel.models import Panel

    with app.app_context():
        db.session.get(Panel, panel_id).status = status
        db.session.commit()


def rec_url(world, rec_id: int, suffix: str = "") -> str:
    return f"/panels/{world.panel.id}/recommendations/{rec_id}{suffix}"


def amendment_url(world, rec_id: int, amendment_id: int, action: str) -> str:
    return rec_url(world, rec_id, f"/amendments/{amendment_id}/{action}")
