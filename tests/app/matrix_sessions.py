"""Authorization matrix entries for sessions: programme, speakers, materials, questions, calendars."""

from __future__ import annotations

from tests.app.matrix_roles import ON_PANEL, PUBLIC

STAFF_READ = {"observer", "facilitator", "organiser", "admin"}
PLANNERS = {"facilitator", "organiser", "admin"}

MATRIX = {
    "sessions.programme": ON_PANEL,
    "sessions.from_template": PLANNERS,
    "sessions.session_new": PLANNERS,
    "sessions.session_edit": PLANNERS,
    "sessions.session_detail": ON_PANEL,
    "sessions.item_add": PLANNERS,
    "sessions.item_delete": PLANNERS,
    "sessions.budget": STAFF_READ,
    "sessions.balance": STAFF_READ,
    "sessions.balance_perspectives": PLANNERS,
    "sessions.speakers": ON_PANEL,
    "sessions.speaker_form": PLANNERS,
    "sessions.materials": ON_PANEL,
    "sessions.material_new": PLANNERS,
    "sessions.material_detail": ON_PANEL,
    "sessions.material_edit": PLANNERS,
    "sessions.material_version_add": PLANNERS,
    "sessions.material_file": ON_PANEL,
    "sessions.public_material": PUBLIC,
    "sessions.questions": ON_PANEL,
    "sessions.question_ask": {"member"},
    "sessions.question_answer": PLANNERS,
    "sessions.public": PUBLIC,
    "sessions.panel_calendar": PUBLIC,
    "sessions.member_calendar": PUBLIC,  # the secret token is the key
}


def url_values(world, app) -> dict:
    """A session with an agenda, a speaker, a material with a stored file, a question, a feed token."""
    from panels.accounts.models import User
    from panels.extensions import db
    from panels.sessions import services
    from panels.sessions.models import Material, MaterialVersion, MemberQuestion, ProgrammeSession, Speaker
    from panels.sessions.uploads import material_path

    with app.app_context():
        speaker = Speaker(panel_id=world.panel.id, name="Matrix Speaker", perspective="neutral")
        session = ProgrammeSession(panel_id=world.panel.id, number=1, title="Matrix session",
                                   phase="orientation_learning", start="09:30", end="16:30",
                                   agenda=[{"title": f"Item {i}", "type": "plenary",
                                            "start": f"{10 + i // 4:02d}:{15 * (i % 4):02d}",
                                            "end": f"{10 + (i + 1) // 4:02d}:{15 * ((i + 1) % 4):02d}",
                                            "items": [], "speakers": []} for i in range(10)])
        material = Material(panel_id=world.panel.id, title="Matrix material", language="en")
        db.session.add_all([speaker, session, material])
        db.session.flush()
        stored = "matrixmaterial.pdf"
        material_path(stored).write_bytes(b"%PDF-1.4\n% matrix\n")
        version = MaterialVersion(material_id=material.id, number=1, filename="matrix.pdf", stored_name=stored,
                                  content_type="application/pdf", size=18)
        question = MemberQuestion(panel_id=world.panel.id, kind="question", asked_by_id=world.member.id,
                                  text="Why?")
        db.session.add_all([version, question])
        db.session.commit()
        token = services.calendar_token(db.session.get(User, world.member.id))
        values = {"session_id": session.id, "speaker_id": speaker.id, "material_id": material.id,
                  "version_id": version.id, "question_id": question.id, "path": "1", "cal_token": token}
        db.session.remove()
    return values
