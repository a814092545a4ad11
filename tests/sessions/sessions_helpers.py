"""Shared set-up for the sessions tests: a session, speakers, a material."""

from __future__ import annotations


def add_session(app, panel_id: int, number: int = 1, **values) -> int:
    from panels.extensions import db
    from panels.sessions.models import ProgrammeSession

    with app.app_context():
        data = {"title": f"Session {number}", "phase": "orientation_learning", "start": "09:30", "end": "16:30",
                "agenda": []}
        data.update(values)
        s = ProgrammeSession(panel_id=panel_id, number=number, **data)
        db.session.add(s)
        db.session.commit()
        return s.id


def add_speaker(app, panel_id: int, name: str, perspective: str = "neutral", **values) -> int:
    from panels.extensions import db
    from panels.sessions.models import Speaker

    with app.app_context():
        sp = Speaker(panel_id=panel_id, name=name, perspective=perspective, **values)
        db.session.add(sp)
        db.session.commit()
        return sp.id
