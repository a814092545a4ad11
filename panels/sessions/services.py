"""The programme's rules: agendas validated by the curriculum library before anything is saved,
templates copied with dates from the panel's term, balance and budget on the saved data."""

from __future__ import annotations

import copy
from datetime import date, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

import curriculum
from curriculum import AgendaItem, Problem, Programme, Session

from ..access import require
from ..audit import record
from ..db import utcnow
from ..extensions import db
from .models import Material, MaterialVersion, MemberQuestion, ProgrammeSession, Speaker

TEMPLATE_SIZES = curriculum.TEMPLATE_SIZES
PHASE_LABELS = {p.value: label for p, label in curriculum.plans.PHASE_LABELS.items()}
ITEM_TYPE_LABELS = {t.value: label for t, label in curriculum.plans.ITEM_TYPE_LABELS.items()}


class ProgrammeError(ValueError):
    """Refused: nothing was saved; ``problems`` say why."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("refused", problems)]
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


# --------------------------------------------------------------------------- reading

def sessions_of(panel) -> list[ProgrammeSession]:
    return list(db.session.scalars(select(ProgrammeSession).filter_by(panel_id=panel.id)
                                   .order_by(ProgrammeSession.number)))


def to_curriculum(s: ProgrammeSession, agenda: list | None = None, **override) -> Session:
    data = {"number": s.number, "title": s.title, "phase": s.phase, "start": s.start, "end": s.end,
            "date": s.date.isoformat() if s.date else None, "items": agenda if agenda is not None else s.agenda}
    data.update(override)
    return Session.from_dict(data)


def programme(panel) -> Programme:
    return Programme(panel.title, [to_curriculum(s) for s in sessions_of(panel)])


def flat_items(agenda: list, prefix: str = "", depth: int = 0):
    """(path, depth, item dict) depth first, paths like '3' and '3.2'."""
    for pos, item in enumerate(agenda or [], start=1):
        path = f"{prefix}{pos}"
        yield path, depth, item
        yield from flat_items(item.get("items") or [], f"{path}.", depth + 1)


def _find(agenda: list, path: str) -> tuple[list, int] | None:
    """The list holding the item at ``path`` and its index there."""
    try:
        parts = [int(p) - 1 for p in path.split(".")]
    except ValueError:
        return None
    container = agenda
    for depth, index in enumerate(parts):
        if not 0 <= index < len(container):
            return None
        if depth == len(parts) - 1:
            return container, index
        container = container[index].setdefault("items", [])
    return None


def _errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def _sort(agenda: list) -> list:
    def key(item):
        try:
            return curriculum.to_minutes(item.get("start"))
        except ValueError:
            return 0
    for item in agenda:
        item["items"] = _sort(item.get("items") or [])
    return sorted(agenda, key=key)


# --------------------------------------------------------------------------- changing sessions

SESSION_FIELDS = ("number", "title", "phase", "date", "start", "end", "venue_name", "venue_address",
                  "accessibility", "online_url")


def _check_topics(panel, topics) -> None:
    if len(topics) > 2:
        raise ProgrammeError("A session of a standing panel takes one or two topics; choose at most two.")
    if any(t.panel_id != panel.id for t in topics):
        raise ProgrammeError("That topic belongs to another panel.")


def save_session(user, panel, session: ProgrammeSession | None, fields: dict, topics=()) -> ProgrammeSession:
    """Create or update a session; ProgrammeError (nothing saved) if its agenda no longer fits."""
    require(user, "programme.manage", panel=panel)
    topics = list(topics)
    _check_topics(panel, topics)
    taken = db.session.scalar(select(ProgrammeSession).filter_by(panel_id=panel.id, number=fields["number"]))
    if taken is not None and taken is not session:
        raise ProgrammeError(f"Session number {fields['number']} is already used by “{taken.title}”.")
    agenda = session.agenda if session is not None else []
    probe = Session.from_dict({"number": fields["number"], "title": fields["title"], "phase": fields["phase"],
                               "start": fields["start"], "end": fields["end"], "items": agenda})
    errors = _errors(curriculum.validate_agenda(probe))
    if errors:
        raise ProgrammeError(errors)
    creating = session is None
    if creating:
        session = ProgrammeSession(panel_id=panel.id, agenda=[])
        db.session.add(session)
    for name in SESSION_FIELDS:
        setattr(session, name, fields.get(name))
    session.start, session.end = curriculum.fmt_time(fields["start"]), curriculum.fmt_time(fields["end"])
    session.topics = topics
    record("session.created" if creating else "session.updated", session, actor=user, panel=panel,
           number=session.number)
    db.session.commit()
    return session


def set_agenda(user, session: ProgrammeSession, agenda: list) -> None:
    """Replace the agenda if every item fits; ProgrammeError with each reason otherwise."""
    require(user, "programme.manage", panel=session.panel)
    agenda = _sort(agenda)
    errors = _errors(curriculum.validate_agenda(to_curriculum(session, agenda)))
    if errors:
        raise ProgrammeError(errors)
    session.agenda = agenda
    record("session.agenda", session, actor=user, panel=session.panel, items=len(list(flat_items(agenda))))
    db.session.commit()


def add_item(user, session: ProgrammeSession, item: dict, parent: str = "") -> None:
    agenda = copy.deepcopy(session.agenda or [])
    new = AgendaItem.from_dict(item).to_dict()
    new["start"], new["end"] = item["start"], item["end"]
    if parent:
        found = _find(agenda, parent)
        if found is None:
            raise ProgrammeError(f"There is no item {parent} to put this item in.")
        container, index = found
        container[index].setdefault("items", []).append(new)
    else:
        agenda.append(new)
    set_agenda(user, session, agenda)


def remove_item(user, session: ProgrammeSession, path: str) -> dict:
    agenda = copy.deepcopy(session.agenda or [])
    found = _find(agenda, path)
    if found is None:
        raise ProgrammeError(f"There is no item {path}.")
    container, index = found
    removed = container.pop(index)
    set_agenda(user, session, agenda)
    return removed


def session_dates(panel, n: int) -> list[date | None]:
    """n dates from the panel's term: evenly spread from start to end (fortnightly without an end)."""
    start = panel.term_start
    if start is None:
        return [None] * n
    if panel.term_end is None or panel.term_end <= start or n == 1:
        return [start + timedelta(days=14 * i) for i in range(n)]
    span = (panel.term_end - start).days
    return [start + timedelta(days=round(i * span / (n - 1))) for i in range(n)]


def copy_template(user, panel, n: int) -> list[ProgrammeSession]:
    """Copy ``curriculum.template(n)`` into an empty programme, dated from the panel's term."""
    require(user, "programme.manage", panel=panel)
    if n not in TEMPLATE_SIZES:
        raise ProgrammeError(f"Templates exist for {', '.join(map(str, TEMPLATE_SIZES))} sessions.")
    if sessions_of(panel):
        raise ProgrammeError("This panel already has sessions. A template can only start an empty programme.")
    created = []
    for s, day in zip(curriculum.template(n).sessions, session_dates(panel, n), strict=True):
        row = ProgrammeSession(panel_id=panel.id, number=s.number, title=s.title, phase=str(s.phase), date=day,
                               start=curriculum.fmt_time(s.start), end=curriculum.fmt_time(s.end),
                               agenda=[i.to_dict() for i in s.items])
        db.session.add(row)
        created.append(row)
    record("programme.template", panel, actor=user, sessions=n)
    db.session.commit()
    return created


# --------------------------------------------------------------------------- speakers, materials

def speaker_sessions(panel) -> dict[int, list[ProgrammeSession]]:
    """Speaker id -> the sessions where an agenda item names them."""
    out: dict[int, list[ProgrammeSession]] = {}
    for s in sessions_of(panel):
        ids = {int(x) for _, _, item in flat_items(s.agenda) for x in item.get("speakers") or []
               if str(x).isdigit()}
        for sid in ids:
            out.setdefault(sid, []).append(s)
    return out


def add_version(user, material: Material, *, upload: dict | None = None, url: str | None = None,
                note: str | None = None) -> MaterialVersion:
    require(user, "programme.manage", panel=material_panel(material))
    number = 1 + max((v.number for v in material.versions), default=0)
    version = MaterialVersion(material=material, number=number, url=url or None, note=note or None,
                              created_by_id=getattr(user, "id", None), **(upload or {}))
    db.session.add(version)
    record("material.version", material, actor=user, panel=material_panel(material), number=number)
    db.session.commit()
    return version


def material_panel(material: Material):
    from ..panel.models import Panel

    return db.session.get(Panel, material.panel_id)


# --------------------------------------------------------------------------- questions

def ask(user, panel, *, kind: str, text: str, speaker=None, session=None, perspective: str | None = None,
        show_name: bool = False) -> MemberQuestion:
    require(user, "programme.ask", panel=panel)
    q = MemberQuestion(panel_id=panel.id, kind=kind, asked_by_id=user.id, text=text, show_name=show_name,
                       speaker_id=getattr(speaker, "id", None), session_id=getattr(session, "id", None),
                       perspective=perspective or None)
    db.session.add(q)
    record("question.asked", q, actor=user, panel=panel, kind=kind)
    db.session.commit()
    return q


def answer(user, question: MemberQuestion, text: str, session=None) -> None:
    from ..panel.models import Panel

    panel = db.session.get(Panel, question.panel_id)
    require(user, "programme.manage", panel=panel)
    question.answer = text
    if session is not None:
        question.session_id = session.id
    question.answered_by_id = user.id
    question.answered_at = utcnow()
    record("question.answered", question, actor=user, panel=panel, kind=question.kind)
    db.session.commit()


def questions_of(panel) -> list[MemberQuestion]:
    return list(db.session.scalars(select(MemberQuestion).filter_by(panel_id=panel.id)
                                   .order_by(MemberQuestion.created_at.desc(), MemberQuestion.id.desc())))


# --------------------------------------------------------------------------- budget and balance

def budget(panel) -> curriculum.Budget:
    return curriculum.time_budget(programme(panel))


def balance(panel) -> tuple[curriculum.BalanceReport, dict]:
    """The curriculum balance report, plus members' questions counted per speaker perspective."""
    speakers = list(db.session.scalars(select(Speaker).filter_by(panel_id=panel.id)))
    materials = list(db.session.scalars(select(Material).filter_by(panel_id=panel.id)))
    questions = questions_of(panel)
    sessions = {s.id: s.number for s in sessions_of(panel)}
    report = curriculum.balance_report(
        [curriculum.Speaker(str(s.id), s.name, s.perspective or "", s.evidence_type or "", s.interest_list,
                            s.affiliation or "") for s in speakers],
        curriculum.appearances_from_programme(programme(panel)),
        [curriculum.Material(str(m.id), m.title, m.perspective or "", m.evidence_type or "") for m in materials],
        panel.perspectives or None,
        [curriculum.WitnessRequest(str(q.id), "member", q.text, q.perspective, sessions.get(q.session_id),
                                   q.answer) for q in questions if q.kind == "witness"],
    )
    counts: dict[str, dict[str, int]] = {}
    for q in questions:
        if q.kind != "question":
            continue
        key = (q.speaker.perspective if q.speaker and q.speaker.perspective else "(no speaker)")
        row = counts.setdefault(key, {"asked": 0, "answered": 0})
        row["asked"] += 1
        row["answered"] += int(q.answered)
    witness = [q for q in questions if q.kind == "witness"]
    counts_total = {"questions": sum(r["asked"] for r in counts.values()),
                    "answered": sum(r["answered"] for r in counts.values()),
                    "witness_requests": len(witness),
                    "witness_open": sum(1 for q in witness if not q.answered), "by_perspective": counts}
    return report, counts_total


# --------------------------------------------------------------------------- calendar tokens

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="sessions.calendar")


def calendar_token(user) -> str:
    """The member's private feed key, derived from SECRET_KEY (nothing stored)."""
    return _serializer().dumps(user.id)


def user_for_token(token: str):
    from ..accounts.models import User

    try:
        user_id = _serializer().loads(token)
    except BadSignature:
        return None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    return user if user is not None and user.active else None


def member_sessions(user) -> list[ProgrammeSession]:
    """Sessions of the panels the user sits on as a member."""
    panel_ids = {m.panel_id for m in user.memberships if m.role == "member" and m.panel_id is not None}
    if not panel_ids:
        return []
    return list(db.session.scalars(select(ProgrammeSession).where(ProgrammeSession.panel_id.in_(panel_ids))
                                   .order_by(ProgrammeSession.date, ProgrammeSession.start)))


def set_perspectives(actor, panel, text: str) -> list[str]:
    """The organiser's list of perspectives (one per line) that the balance report checks."""
    require(actor, "programme.manage", panel=panel)
    names = list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))
    panel.perspectives = names
    record("programme.perspectives_set", panel, actor=actor, perspectives=names)
    db.session.commit()
    return names
