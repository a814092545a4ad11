"""Set-up for the voting tests: members with selection categories, ready recommendations, a rulebook."""

from __future__ import annotations

from panels.accounts.models import Membership, User
from panels.db import utcnow
from panels.extensions import db
from panels.panel.models import Panel
from panels.pool.models import RegistrationSettings, Volunteer
from panels.recommendations.models import Recommendation, Rulebook

CATEGORIES = [{"key": "age", "question": "Age", "options": [{"value": "young"}, {"value": "old"}]},
              {"key": "area", "question": "Area", "options": [{"value": "north"}, {"value": "south"}]}]


def members(world, n: int, prefix: str = "voter") -> list[int]:
    """n more members of the world's panel, with answers (age alternates; area by halves)."""
    panel = db.session.get(Panel, world.panel.id)
    if not db.session.query(RegistrationSettings).filter_by(panel_id=panel.id).count():
        db.session.add(RegistrationSettings(panel_id=panel.id, short_code=f"votes-{panel.id}", categories=CATEGORIES))
    ids = []
    for i in range(n):
        user = User(email=f"{prefix}{i}@votes.example", name=f"{prefix.title()} {i:02d}")
        user.set_password("correct horse battery")
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, organisation_id=panel.organisation_id, panel_id=panel.id,
                                  role="member"))
        db.session.add(Volunteer(panel_id=panel.id, public_id=f"V-{prefix}{i:03d}", email=user.email,
                                 status="confirmed", answers={"age": "young" if i % 2 else "old",
                                                              "area": "north" if i < n // 2 else "south"}))
        ids.append(user.id)
    db.session.commit()
    return ids


def recommendation(world, number: int, status: str = "ready", title: str | None = None) -> int:
    rec = Recommendation(panel_id=world.panel.id, number=number, title=title or f"Recommendation {number}",
                         text=f"Do thing number {number}.", status=status)
    db.session.add(rec)
    db.session.commit()
    return rec.id


def rulebook(world, **values) -> int:
    """An adopted rulebook (version 1 unless one exists)."""
    version = (db.session.query(db.func.max(Rulebook.version)).filter_by(panel_id=world.panel.id).scalar() or 0) + 1
    for old in db.session.query(Rulebook).filter_by(panel_id=world.panel.id, status="adopted"):
        old.status = "superseded"
    book = Rulebook(panel_id=world.panel.id, version=version, status="adopted", votes_for=20, votes_against=1,
                    votes_abstain=2, adopted_at=utcnow(), **values)
    db.session.add(book)
    db.session.commit()
    return book.id


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def panel(world) -> Panel:
    return db.session.get(Panel, world.panel.id)
