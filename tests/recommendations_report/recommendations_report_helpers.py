"""Shared set-up for the final report tests: a panel that has voted, with minority reports."""

from __future__ import annotations

import io
from types import SimpleNamespace

PASSWORD = "correct horse battery"  # noqa: S105  (the one tests/conftest.py uses)
SCRIPT = "<script>alert('x')</script>"

R1 = ("Free buses for under-18s", "Make every bus in the city **free** for under-18s.", "Young people depend on buses.")
R2 = ("Close the ring road", f"Close the ring road to cars on Sundays. {SCRIPT}", f"Cleaner air. {SCRIPT}")
R3 = ("Plant more trees", "Plant a tree for every child born.", None)
MINORITY_R1 = ("The fares should be free for everyone", "Free fares only for the young do not go far enough.", 2)
MINORITY_R2 = (f"Keep the ring road open {SCRIPT}", f"Shops would suffer. {SCRIPT}", 3)
MINORITY_ALL = ("The process was too rushed", "We needed two more sessions.", 1)


def add_members(world, panel, n: int, prefix: str, name: str) -> list:
    """``n`` more members of the panel, with accounts (call inside an app context)."""
    from panels.accounts.models import Membership, User
    from panels.extensions import db

    users = []
    for i in range(n):
        user = User(email=f"{prefix}{i}@test.example", name=f"{name} {i}")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, organisation_id=world.org.id, panel_id=panel.id, role="member"))
        users.append(user)
    return users


def build(app, world, *, status: str = "reporting", review: bool = False) -> SimpleNamespace:
    """Six members, an adopted rulebook, a closed round on R1 (adopted) and R2 (not adopted),
    R3 never voted on, a minority report on each voted recommendation and one on the whole report."""
    from panels.accounts.models import User
    from panels.db import utcnow
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.recommendations.models import (
        Ballot,
        FinalReport,
        MinorityReport,
        Recommendation,
        Rulebook,
        Vote,
        VotingRound,
    )
    from panels.sessions.models import ProgrammeSession, Speaker

    with app.app_context():
        panel = db.session.get(Panel, world.panel.id)
        panel.status = status
        members = [db.session.get(User, world.member.id), *add_members(world, panel, 5, "voter", "Voter")]
        book = Rulebook(panel_id=panel.id, version=1, status="adopted", adopted_at=utcnow(), votes_for=5,
                        votes_against=0, votes_abstain=1, threshold=0.8, level=2, quorum=0.5)
        db.session.add(book)
        recs = []
        for number, (title, text, rationale) in enumerate((R1, R2, R3), start=1):
            rec = Recommendation(panel_id=panel.id, number=number, title=title, text=text, rationale=rationale,
                                 status="draft")
            db.session.add(rec)
            recs.append(rec)
        db.session.flush()
        recs[0].status, recs[1].status = "adopted", "not_adopted"
        vround = VotingRound(panel_id=panel.id, title="Final vote", rulebook_id=book.id, status="closed",
                             members_eligible=6, opened_at=utcnow(), closed_at=utcnow(),
                             recommendations=recs[:2])
        db.session.add(vround)
        db.session.flush()
        for user in members:
            db.session.add(Ballot(voting_round_id=vround.id, user_id=user.id))
        for rec, levels in ((recs[0], [0, 0, 1, 2, 2, 3]), (recs[1], [3, 4, 4, 2, 1, 4])):
            for level in levels:
                db.session.add(Vote(voting_round_id=vround.id, recommendation_id=rec.id, level=level, strata={}))
        minority = []
        for rec, (title, text, signers) in ((recs[0], MINORITY_R1), (recs[1], MINORITY_R2), (None, MINORITY_ALL)):
            mr = MinorityReport(panel_id=panel.id, recommendation_id=rec.id if rec else None, title=title, text=text,
                                author_id=members[1].id, signatories=members[1:1 + signers])
            db.session.add(mr)
            minority.append(mr)
        db.session.add(ProgrammeSession(panel_id=panel.id, number=1, title="Learning about buses",
                                        phase="orientation_learning", start="10:00", end="16:00", agenda=[]))
        db.session.add(Speaker(panel_id=panel.id, name="Dr Ada Transit", affiliation="Riverton University",
                               perspective="neutral"))
        if review:
            db.session.add(FinalReport(panel_id=panel.id, status="review", review_opened_at=utcnow()))
        db.session.commit()
        return SimpleNamespace(panel_id=panel.id, rec_ids=[r.id for r in recs], minority_ids=[m.id for m in minority],
                               member_emails=[u.email for u in members])


def pdf_text(data: bytes) -> list[str]:
    """The text of each page of a PDF."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def publish(app, panel_id: int) -> None:
    from panels.accounts.models import User
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.recommendations import report_review

    with app.app_context():
        organiser = db.session.scalar(db.select(User).filter_by(email="organiser@test.example"))
        report_review.publish(organiser, db.session.get(Panel, panel_id))
