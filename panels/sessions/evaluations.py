"""Anonymous evaluations after each session and at the end of the process.

The questions follow the OECD's 2021 evaluation guidelines for representative deliberative
processes. A response stores no user id and only the day it was given; a receipt, kept apart,
says that a member has answered, so each member answers once. Results are shown only in
aggregate and only once at least MIN_ANSWERS members have answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from ..access import require
from ..audit import record
from ..extensions import db
from .models import ProgrammeSession
from .participation import EvaluationReceipt, EvaluationResponse

MIN_ANSWERS = 5
SCALE = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree", 5: "Strongly agree"}

QUESTIONS = {
    "learning": "I learned something new about the topic in this session.",
    "heard": "I had enough opportunity to speak and felt heard.",
    "respect": "Members treated each other with respect.",
    "balance": "The information presented was balanced, with a range of views.",
    "neutrality": "The facilitators were neutral and did not steer us towards a conclusion.",
}
FINAL_QUESTIONS = {
    **QUESTIONS,
    "learning": "I learned a lot about the topic over the whole process.",
    "heard": "Over the process, I had enough opportunity to speak and felt heard.",
    "outcome": "The recommendations reflect what the panel concluded together.",
    "recommend": "I would recommend taking part in a citizens' panel to others.",
}
SHORT = {"learning": "Learning", "heard": "Being heard", "respect": "Respect", "balance": "Balance of information",
         "neutrality": "Facilitator neutrality", "outcome": "Recommendations reflect the panel",
         "recommend": "Would recommend taking part"}


class EvaluationError(ValueError):
    pass


def is_open(session: ProgrammeSession | None, today: date | None = None) -> bool:
    """A session's questionnaire opens on the day of the session (at once when it has no date)."""
    return session is None or session.date is None or session.date <= (today or date.today())


def key_of(session: ProgrammeSession | None) -> str:
    return "final" if session is None else str(session.id)


def questions_for(session: ProgrammeSession | None) -> dict[str, str]:
    return FINAL_QUESTIONS if session is None else QUESTIONS


def has_answered(user, panel, session: ProgrammeSession | None) -> bool:
    return db.session.scalar(select(EvaluationReceipt.id).filter_by(
        panel_id=panel.id, session_key=key_of(session), user_id=user.id)) is not None


def answered_keys(user, panel) -> set[str]:
    return set(db.session.scalars(select(EvaluationReceipt.session_key).filter_by(panel_id=panel.id,
                                                                                   user_id=user.id)))


def submit(user, panel, session: ProgrammeSession | None, scores: dict[str, int], comment: str | None) -> None:
    """Store one anonymous response and the member's receipt; a second answer is refused."""
    require(user, "evaluation.answer", panel=panel)
    if not is_open(session):
        raise EvaluationError(f"This questionnaire opens on the day of the session ({session.date:%-d %B %Y}).")
    questions = questions_for(session)
    clean = {}
    for key in questions:
        value = scores.get(key)
        if value in (None, ""):
            continue  # a question may be skipped
        value = int(value)
        if value not in SCALE:
            raise EvaluationError("Each answer is on a scale of 1 to 5.")
        clean[key] = value
    if not clean and not (comment or "").strip():
        raise EvaluationError("Answer at least one question, or write a comment.")
    if has_answered(user, panel, session):
        raise EvaluationError("You have already answered this questionnaire. Thank you.")
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    db.session.add(EvaluationReceipt(panel_id=panel.id, session_key=key_of(session), user_id=user.id))
    db.session.add(EvaluationResponse(panel_id=panel.id, session_id=session.id if session else None, scores=clean,
                                      comment=(comment or "").strip() or None, submitted_on=today))
    # No actor: the audit log must not say who answered when.
    record("evaluation.answered", panel, panel=panel, questionnaire="final" if session is None else "session")
    db.session.commit()


@dataclass
class QuestionResult:
    key: str
    label: str
    answers: int = 0
    mean: float | None = None
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(SCALE, 0))


@dataclass
class Results:
    session: ProgrammeSession | None
    n: int
    questions: list[QuestionResult] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return self.n >= MIN_ANSWERS


def _responses(panel, session: ProgrammeSession | None) -> list[EvaluationResponse]:
    q = select(EvaluationResponse).filter_by(panel_id=panel.id)
    q = q.where(EvaluationResponse.session_id.is_(None)) if session is None else q.filter_by(session_id=session.id)
    return list(db.session.scalars(q))


def results(panel, session: ProgrammeSession | None) -> Results:
    """Aggregates for one questionnaire; empty (only the count) below MIN_ANSWERS."""
    responses = _responses(panel, session)
    out = Results(session, len(responses))
    if not out.enough:
        return out
    for key, label in questions_for(session).items():
        qr = QuestionResult(key, label)
        values = [r.scores.get(key) for r in responses if isinstance(r.scores, dict) and r.scores.get(key) in SCALE]
        qr.answers = len(values)
        if len(values) >= MIN_ANSWERS:  # a question most members skipped would point to the few who did not
            for v in values:
                qr.distribution[v] += 1
            qr.mean = sum(values) / len(values)
        out.questions.append(qr)
    comments = [r.comment for r in responses if r.comment]
    out.comments = sorted(comments)  # sorted, not in the order given: the order could point to a person
    return out


def counts(panel) -> dict[str, int]:
    """Session key -> number of responses."""
    rows = db.session.execute(select(EvaluationResponse.session_id, func.count()).filter_by(panel_id=panel.id)
                              .group_by(EvaluationResponse.session_id))
    return {("final" if sid is None else str(sid)): n for sid, n in rows}
