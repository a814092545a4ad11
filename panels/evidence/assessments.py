"""Periodic capability assessments in the style of the Public Sector Capabilities Index.

An assessor interviews senior officials (roles, not names), reads documents, and for each
capability of a framework writes the answers to the interview questions and a score from 1 to 5
with the reason. A draft may be partial; finalising needs every capability scored, and a final
assessment no longer changes (the profile reads final assessments only). Input is checked as a
whole: one problem and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from .. import audit
from ..access import require
from ..extensions import db
from .models import Assessment, AssessmentAnswer
from .profile import Capability, capabilities, framework_names

SCORES = {
    1: "1 — not in place: no practice or only isolated cases",
    2: "2 — emerging: some practice, not systematic",
    3: "3 — developing: practised in parts of the organisation, some evidence of outcomes",
    4: "4 — established: practised across the organisation, with evidence of outcomes",
    5: "5 — embedded: routine, funded and evaluated, with outcomes and learning documented",
}
MAX_TEXT = 5000
MAX_DOCUMENTS = 50
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class Problem:
    field: str  # the form field's name (also its id on the page)
    message: str


class AssessmentError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def score_field(capability: str) -> str:
    return f"{capability}-score"


def reason_field(capability: str) -> str:
    return f"{capability}-reason"


def answer_field(capability: str, question: str) -> str:
    return f"{capability}-{question}"


def _text(form: Mapping, name: str) -> str:
    return (form.get(name) or "").strip()


def parse_header(form: Mapping, *, today: date | None = None, with_framework: bool = True) -> tuple[dict, list]:
    """Framework, date, assessor, roles interviewed and documents, checked."""
    today = today or date.today()
    problems, values = [], {}
    if with_framework:
        framework = _text(form, "framework") or "psci"
        if framework not in framework_names():
            problems.append(Problem("framework", f"Framework: “{framework}” is not one of the frameworks. "
                                                 "Choose one from the list."))
        values["framework"] = framework
    raw = _text(form, "assessed_on")
    try:
        assessed_on = date.fromisoformat(raw)
    except ValueError:
        assessed_on = None
        problems.append(Problem("assessed_on", "Date of the assessment: enter a date as YYYY-MM-DD, "
                                               "for example 2027-03-15."))
    if assessed_on is not None and not EARLIEST <= assessed_on <= today:
        problems.append(Problem("assessed_on", "Date of the assessment: it cannot be in the future "
                                               f"or before {EARLIEST.year}. Enter the day the interviews ended."))
    values["assessed_on"] = assessed_on
    assessor = _text(form, "assessor")
    if not assessor:
        problems.append(Problem("assessor", "Assessor: say who assessed (an officer's role or an evaluator)."))
    elif len(assessor) > 200:
        problems.append(Problem("assessor", "Assessor: keep it under 200 characters."))
    values["assessor"] = assessor
    interviewees = _text(form, "interviewees")
    if len(interviewees) > MAX_TEXT:
        problems.append(Problem("interviewees", f"Roles interviewed: keep it under {MAX_TEXT} characters."))
    values["interviewees"] = interviewees or None
    documents = [line.strip() for line in (form.get("documents") or "").splitlines() if line.strip()]
    if len(documents) > MAX_DOCUMENTS or any(len(d) > 500 for d in documents):
        problems.append(Problem("documents", f"Documents used: at most {MAX_DOCUMENTS} lines of at most "
                                             "500 characters each (one document or link per line)."))
    values["documents"] = documents
    return values, problems


def parse_answers(caps: list[Capability], form: Mapping, *, finalise: bool) -> tuple[dict, list]:
    """Per capability: the answers, the score (1-5) and the reason, checked."""
    problems, values = [], {}
    for cap in caps:
        answers = {}
        for key, _text_of_question in cap.questions:
            text = _text(form, answer_field(cap.key, key))
            if len(text) > MAX_TEXT:
                problems.append(Problem(answer_field(cap.key, key),
                                        f"{cap.name}: an answer is longer than {MAX_TEXT} characters. Shorten it."))
            if text:
                answers[key] = text
        raw = _text(form, score_field(cap.key))
        score = None
        if raw:
            try:
                score = int(raw)
            except ValueError:
                score = 0
            if score not in SCORES:
                problems.append(Problem(score_field(cap.key), f"{cap.name}: the score must be a whole number "
                                                              "from 1 to 5."))
                score = None
        reason = _text(form, reason_field(cap.key))
        if raw and not reason:
            problems.append(Problem(reason_field(cap.key), f"{cap.name}: give the reason for the score "
                                                           "(what in the interviews and documents supports it)."))
        elif len(reason) > MAX_TEXT:
            problems.append(Problem(reason_field(cap.key), f"{cap.name}: the reason is longer than "
                                                           f"{MAX_TEXT} characters. Shorten it."))
        if finalise and not raw:
            problems.append(Problem(score_field(cap.key), f"{cap.name}: score it from 1 to 5 before finalising "
                                                          "(or save the assessment as a draft)."))
        values[cap.key] = {"answers": answers, "score": score, "reason": reason or None}
    return values, problems


def of_organisation(organisation) -> list[Assessment]:
    query = (select(Assessment).filter_by(organisation_id=organisation.id)
             .order_by(Assessment.assessed_on.desc(), Assessment.id.desc()))
    return list(db.session.scalars(query))


def create(user, organisation, form: Mapping, *, today: date | None = None) -> Assessment:
    """A new draft assessment from the header fields; raises AssessmentError with every problem."""
    require(user, "evidence.manage", organisation=organisation)
    values, problems = parse_header(form, today=today)
    if problems:
        raise AssessmentError(problems)
    assessment = Assessment(organisation_id=organisation.id, created_by_id=getattr(user, "id", None),
                            status="draft", **values)
    db.session.add(assessment)
    audit.record("evidence.assessment_created", assessment, actor=user, organisation=organisation,
                 framework=assessment.framework, assessed_on=assessment.assessed_on.isoformat())
    db.session.commit()
    return assessment


def save(user, organisation, assessment: Assessment, form: Mapping, *, finalise: bool,
         today: date | None = None) -> Assessment:
    """Save the header and every capability's answers; finalise if asked and complete."""
    require(user, "evidence.manage", organisation=organisation)
    if assessment.status == "final":
        raise AssessmentError([Problem("status", "This assessment is final and can no longer change. "
                                                 "Start a new assessment instead.")])
    header, problems = parse_header(form, today=today, with_framework=False)
    caps = capabilities(assessment.framework)
    answers, more = parse_answers(caps, form, finalise=finalise)
    problems += more
    if problems:
        raise AssessmentError(problems)
    for name, value in header.items():
        setattr(assessment, name, value)
    existing = {a.capability: a for a in assessment.answers}
    for key, value in answers.items():
        row = existing.get(key)
        if row is None:
            row = AssessmentAnswer(capability=key)
            assessment.answers.append(row)
        row.answers, row.score, row.reason = value["answers"], value["score"], value["reason"]
    if finalise:
        assessment.status = "final"
        audit.record("evidence.assessment_finalised", assessment, actor=user, organisation=organisation,
                     scores={k: v["score"] for k, v in answers.items()})
    db.session.commit()
    return assessment


def form_values(assessment: Assessment) -> dict:
    """The saved assessment as the form's field values (for the edit page)."""
    values = {"assessed_on": assessment.assessed_on.isoformat() if assessment.assessed_on else "",
              "assessor": assessment.assessor or "", "interviewees": assessment.interviewees or "",
              "documents": "\n".join(assessment.documents or [])}
    for answer in assessment.answers:
        for key, text in (answer.answers or {}).items():
            values[answer_field(answer.capability, key)] = text
        values[score_field(answer.capability)] = str(answer.score) if answer.score else ""
        values[reason_field(answer.capability)] = answer.reason or ""
    return values
