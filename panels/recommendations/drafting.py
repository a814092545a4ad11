"""Drafting recommendations: create and edit (every save a version), co-authors, sources, comments,
statuses and working groups.

Members write; facilitators help. Who may change a recommendation: its co-authors and staff; nobody
once the panel is past reporting (the text is then what was reported and responded to).
"""

from __future__ import annotations

from sqlalchemy import func, select

from .. import audit
from ..access import PermissionDenied, can, require
from ..accounts.models import Membership, User
from ..extensions import db
from ..panel.lifecycle import ORDER, Status
from ..sessions.models import Material, ProgrammeSession, Speaker
from ..sessions.participation import TableNote
from .models import (
    SOURCE_KINDS,
    Comment,
    FinalReport,
    Recommendation,
    RecommendationSource,
    RecommendationVersion,
    WorkingGroup,
)

LIMITS = {"title": 300, "text": 20000, "rationale": 10000, "comment": 5000, "note": 300, "name": 200,
          "description": 2000}
STAFF_STATUSES = ("draft", "ready", "withdrawn")  # the voting round sets adopted / not_adopted / redraft
EDITABLE = ("draft", "ready", "redraft")
VOTED = ("adopted", "not_adopted")  # decided by a vote: no hand-set status undoes it
SOURCE_LABELS = {"session": "Session", "speaker": "Speaker", "material": "Material", "table_note": "Table note"}


class DraftingError(ValueError):
    """Bad input or a state that does not allow the change; ``problems`` name the field and the fix."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(" ".join(self.problems))


# --------------------------------------------------------------------------- who may do what

def report_published(panel) -> bool:
    report = db.session.get(FinalReport, panel.id)
    return report is not None and report.published_at is not None


def panel_open(panel) -> bool:
    """Drafting is possible until the panel is past reporting and its final report is published (the
    public report shows the recommendations' texts: they must not change under it)."""
    return ORDER.index(Status(panel.status)) <= ORDER.index(Status.REPORTING) and not report_published(panel)


def check_open(panel) -> None:
    if report_published(panel):
        raise DraftingError("The final report is published: its recommendations can no longer be changed.")
    if not panel_open(panel):
        raise DraftingError("The panel has moved past reporting: its recommendations can no longer be changed.")


def is_staff(user, panel) -> bool:
    return can(user, "recommendations.manage", panel=panel)


def is_author(user, rec: Recommendation) -> bool:
    return getattr(user, "id", None) in {a.id for a in rec.authors}


def may_edit(user, rec: Recommendation) -> bool:
    """Co-authors and staff, while the panel and the recommendation are still open."""
    return (can(user, "recommendations.draft", panel=rec.panel) and panel_open(rec.panel)
            and rec.status in EDITABLE and (is_author(user, rec) or is_staff(user, rec.panel)))


def require_editor(user, rec: Recommendation) -> None:
    require(user, "recommendations.draft", panel=rec.panel)
    if not (is_author(user, rec) or is_staff(user, rec.panel)):
        raise PermissionDenied("Only the co-authors of a recommendation and staff can change it.")
    check_open(rec.panel)
    if rec.status not in EDITABLE:
        raise DraftingError(f"{rec.code} is {rec.status.replace('_', ' ')}: it can no longer be edited.")


def members(panel) -> list[User]:
    from ..sessions.tables import members as panel_members

    return panel_members(panel)


# --------------------------------------------------------------------------- validation

def _clean(value: str | None, field: str, label: str, problems: list[str], required: bool = False) -> str | None:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        problems.append(f"{label}: this cannot be empty. Write a few words.")
    if len(value) > LIMITS[field]:
        problems.append(f"{label}: shorten it to {LIMITS[field]:,} characters at most (it has {len(value):,}).")
    return value or None


def _group(panel, group_id) -> WorkingGroup | None:
    if not group_id:
        return None
    group = db.session.get(WorkingGroup, int(group_id))
    if group is None or group.panel_id != panel.id:
        raise DraftingError("Working group: choose one of this panel's working groups.")
    return group


def _topic_id(panel, topic_id, group: WorkingGroup | None) -> int | None:
    if not panel.is_standing:
        return None
    topic_id = int(topic_id) if topic_id else (group.topic_id if group else None)
    if topic_id is None and panel.topics:
        raise DraftingError("Topic: choose the topic this recommendation answers.")
    if topic_id is not None and topic_id not in {t.id for t in panel.topics}:
        raise DraftingError("Topic: choose one of this panel's topics.")
    return topic_id


# --------------------------------------------------------------------------- recommendations

def recommendations(panel) -> list[Recommendation]:
    return list(db.session.scalars(select(Recommendation).filter_by(panel_id=panel.id)
                                   .order_by(Recommendation.number)))


def _next_number(panel) -> int:
    return (db.session.scalar(select(func.max(Recommendation.number)).filter_by(panel_id=panel.id)) or 0) + 1


def _is_member(user, panel) -> bool:
    return db.session.scalar(select(Membership.id).filter_by(user_id=user.id, panel_id=panel.id,
                                                             role="member")) is not None


def create(actor, panel, *, title: str, text: str, rationale: str | None = None, working_group_id=None,
           topic_id=None, authors: list[User] | None = None, from_amendment_id: int | None = None,
           note: str = "First draft", commit: bool = True) -> Recommendation:
    """A new recommendation, numbered R1, R2... in the panel, with version 1."""
    require(actor, "recommendations.draft", panel=panel)
    check_open(panel)
    problems: list[str] = []
    title = _clean(title, "title", "Title", problems, required=True)
    text = _clean(text, "text", "Text", problems, required=True)
    rationale = _clean(rationale, "rationale", "Rationale", problems)
    if problems:
        raise DraftingError(problems)
    group = _group(panel, working_group_id)
    topic = _topic_id(panel, topic_id, group)
    if authors is None:
        authors = [actor] if _is_member(actor, panel) else []
    rec = Recommendation(panel_id=panel.id, number=_next_number(panel), title=title, text=text,
                         rationale=rationale, working_group_id=group.id if group else None, topic_id=topic,
                         status="draft", created_by_id=actor.id, from_amendment_id=from_amendment_id,
                         authors=list(authors))
    rec.versions = [RecommendationVersion(number=1, title=title, text=text, rationale=rationale,
                                          author_id=actor.id, note=note)]
    db.session.add(rec)
    db.session.flush()
    audit.record("recommendation.created", rec, actor=actor, panel=panel, code=rec.code)
    if commit:
        db.session.commit()
    return rec


def add_version(rec: Recommendation, actor_id: int | None, note: str | None, amendment_id: int | None = None):
    """Snapshot the recommendation as it now is as its next version."""
    version = RecommendationVersion(recommendation_id=rec.id, number=len(rec.versions) + 1, title=rec.title,
                                    text=rec.text, rationale=rec.rationale, author_id=actor_id,
                                    amendment_id=amendment_id, note=note)
    rec.versions.append(version)
    db.session.flush()
    return version


def edit(actor, rec: Recommendation, *, title: str, text: str, rationale: str | None = None,
         working_group_id=None, topic_id=None, note: str | None = None) -> RecommendationVersion | None:
    """Save an edit as a new version; None when nothing in the text changed."""
    require_editor(actor, rec)
    problems: list[str] = []
    title = _clean(title, "title", "Title", problems, required=True)
    text = _clean(text, "text", "Text", problems, required=True)
    rationale = _clean(rationale, "rationale", "Rationale", problems)
    note = _clean(note, "note", "What changed", problems)
    if problems:
        raise DraftingError(problems)
    group = _group(rec.panel, working_group_id)
    rec.working_group_id = group.id if group else None
    if rec.panel.is_standing:
        rec.topic_id = _topic_id(rec.panel, topic_id, group)
    if (title, text, rationale) == (rec.title, rec.text, rec.rationale):
        db.session.commit()
        return None
    rec.title, rec.text, rec.rationale = title, text, rationale
    version = add_version(rec, actor.id, note or "Edited")
    audit.record("recommendation.edited", rec, actor=actor, panel=rec.panel, code=rec.code, version=version.number)
    db.session.commit()
    return version


def set_status(actor, rec: Recommendation, status: str) -> None:
    require(actor, "recommendations.manage", panel=rec.panel)
    check_open(rec.panel)
    if status not in STAFF_STATUSES:
        raise DraftingError("Status: choose draft, ready for a vote or withdrawn (votes set the other statuses).")
    if status == rec.status:
        return
    if rec.status in VOTED:
        raise DraftingError(f"{rec.code} is {rec.status.replace('_', ' ')}: the panel's vote decided it, so its "
                            "status can no longer be changed by hand.")
    before, rec.status = rec.status, status
    audit.record("recommendation.status", rec, actor=actor, panel=rec.panel, code=rec.code, before=before,
                 after=status)
    db.session.commit()


def version(rec: Recommendation, number: int) -> RecommendationVersion | None:
    return next((v for v in rec.versions if v.number == number), None)


# --------------------------------------------------------------------------- co-authors

def add_author(actor, rec: Recommendation, user_id: int) -> User:
    require_editor(actor, rec)
    user = next((m for m in members(rec.panel) if m.id == user_id), None)
    if user is None:
        raise DraftingError("Co-author: choose a member of this panel.")
    if not is_author(user, rec):
        rec.authors.append(user)
        audit.record("recommendation.author_added", rec, actor=actor, panel=rec.panel, code=rec.code,
                     user_id=user.id)
    db.session.commit()
    return user


def remove_author(actor, rec: Recommendation, user_id: int) -> None:
    require_editor(actor, rec)
    user = next((a for a in rec.authors if a.id == user_id), None)
    if user is None:
        raise DraftingError("Co-author: this person is not a co-author.")
    if len(rec.authors) == 1 and not is_staff(actor, rec.panel):
        raise DraftingError("Co-authors: a recommendation needs at least one co-author. Add another one first.")
    rec.authors.remove(user)
    audit.record("recommendation.author_removed", rec, actor=actor, panel=rec.panel, code=rec.code,
                 user_id=user.id)
    db.session.commit()


# --------------------------------------------------------------------------- sources (traceability)

def _targets(panel) -> dict[str, dict[int, str]]:
    """Everything of the panel a recommendation can cite, as kind -> id -> label."""
    sessions = db.session.scalars(select(ProgrammeSession).filter_by(panel_id=panel.id)
                                  .order_by(ProgrammeSession.number)).all()
    notes = db.session.execute(select(TableNote, ProgrammeSession.number).join(
        ProgrammeSession, TableNote.session_id == ProgrammeSession.id).where(ProgrammeSession.panel_id == panel.id)
        .order_by(ProgrammeSession.number, TableNote.table_number, TableNote.id)).all()
    return {
        "session": {s.id: f"Session {s.number}: {s.title}" for s in sessions},
        "speaker": {s.id: s.name + (f" ({s.affiliation})" if s.affiliation else "") for s in db.session.scalars(
            select(Speaker).filter_by(panel_id=panel.id).order_by(Speaker.name))},
        "material": {m.id: m.title for m in db.session.scalars(
            select(Material).filter_by(panel_id=panel.id).order_by(Material.title))},
        "table_note": {n.id: f"Session {number}, table {n.table_number}: {n.text[:80]}" for n, number in notes},
    }


def source_choices(panel) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a select: (group label, [("kind:id", label), ...])."""
    return [(SOURCE_LABELS[kind] + "s", [(f"{kind}:{i}", label) for i, label in items.items()])
            for kind, items in _targets(panel).items() if items]


def described_sources(rec: Recommendation) -> list[dict]:
    """The sources with a label and, where there is one, the session of a table note (for its link)."""
    targets = _targets(rec.panel)
    note_sessions = dict(db.session.execute(select(TableNote.id, TableNote.session_id).where(
        TableNote.id.in_([s.target_id for s in rec.sources if s.kind == "table_note"]))).all())
    return [{"source": s, "kind": SOURCE_LABELS.get(s.kind, s.kind),
             "label": targets.get(s.kind, {}).get(s.target_id, "(no longer available)"),
             "exists": s.target_id in targets.get(s.kind, {}),
             "session_id": note_sessions.get(s.target_id) if s.kind == "table_note" else None}
            for s in rec.sources]


def add_source(actor, rec: Recommendation, kind: str, target_id: int, note: str | None = None):
    require_editor(actor, rec)
    problems: list[str] = []
    note = _clean(note, "note", "Note", problems)
    if kind not in SOURCE_KINDS:
        problems.append("Source: choose a session, speaker, material or table note.")
    elif target_id not in _targets(rec.panel)[kind]:
        problems.append(f"Source: that {SOURCE_LABELS[kind].lower()} is not part of this panel's programme.")
    if problems:
        raise DraftingError(problems)
    if any(s.kind == kind and s.target_id == target_id for s in rec.sources):
        raise DraftingError("Source: this is already cited.")
    source = RecommendationSource(recommendation_id=rec.id, kind=kind, target_id=target_id, note=note)
    rec.sources.append(source)
    audit.record("recommendation.source_added", rec, actor=actor, panel=rec.panel, code=rec.code, kind=kind,
                 target_id=target_id)
    db.session.commit()
    return source


def remove_source(actor, rec: Recommendation, source_id: int) -> None:
    require_editor(actor, rec)
    source = next((s for s in rec.sources if s.id == source_id), None)
    if source is None:
        raise DraftingError("Source: it is not cited by this recommendation.")
    rec.sources.remove(source)
    audit.record("recommendation.source_removed", rec, actor=actor, panel=rec.panel, code=rec.code,
                 kind=source.kind, target_id=source.target_id)
    db.session.commit()


# --------------------------------------------------------------------------- comments

def add_comment(actor, rec: Recommendation, text: str) -> Comment:
    """Anyone who drafts may comment, co-author or not, while the panel is open."""
    require(actor, "recommendations.draft", panel=rec.panel)
    check_open(rec.panel)
    problems: list[str] = []
    text = _clean(text, "comment", "Comment", problems, required=True)
    if problems:
        raise DraftingError(problems)
    comment = Comment(recommendation_id=rec.id, author_id=actor.id, text=text)
    rec.comments.append(comment)
    db.session.commit()
    return comment


# --------------------------------------------------------------------------- working groups

def working_groups(panel) -> list[WorkingGroup]:
    return list(db.session.scalars(select(WorkingGroup).filter_by(panel_id=panel.id).order_by(WorkingGroup.name)))


def save_group(actor, panel, *, name: str, description: str | None = None, topic_id=None,
               group: WorkingGroup | None = None) -> WorkingGroup:
    require(actor, "recommendations.manage", panel=panel)
    check_open(panel)
    problems: list[str] = []
    name = _clean(name, "name", "Name", problems, required=True)
    description = _clean(description, "description", "Description", problems)
    if problems:
        raise DraftingError(problems)
    topic_id = int(topic_id) if topic_id else None
    if topic_id is not None and topic_id not in {t.id for t in panel.topics}:
        raise DraftingError("Topic: choose one of this panel's topics.")
    clash = db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.panel_id == panel.id,
                                                            func.lower(WorkingGroup.name) == name.lower()))
    if clash is not None and (group is None or clash != group.id):
        raise DraftingError(f"Name: there is already a working group called {name!r}. Choose another name.")
    if group is None:
        group = WorkingGroup(panel_id=panel.id)
        db.session.add(group)
    group.name, group.description, group.topic_id = name, description, topic_id
    db.session.flush()
    audit.record("working_group.saved", group, actor=actor, panel=panel, name=name)
    db.session.commit()
    return group


def delete_group(actor, group: WorkingGroup) -> None:
    """Its recommendations stay, without a group."""
    from ..panel.models import Panel

    panel = db.session.get(Panel, group.panel_id)
    require(actor, "recommendations.manage", panel=panel)
    check_open(panel)
    for rec in db.session.scalars(select(Recommendation).filter_by(working_group_id=group.id)):
        rec.working_group_id = None
    audit.record("working_group.deleted", group, actor=actor, panel=panel, name=group.name)
    db.session.delete(group)
    db.session.commit()
