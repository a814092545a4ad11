"""Implementation: results per recommendation (nested, weighted), milestones with evidence, pilots,
and members' ratings of the response and the implementation at each checkpoint.

A result describes work; it never changes the recommendation's response, which only the
response form records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..access import require, roles_for
from ..extensions import db
from ..roles import Role
from ..uploads import UploadError, save_document, stored_path
from .models import IMPLEMENTATION_STATUSES, ImplementationResult, Milestone, Recommendation, ResponseRating
from .responses import ResponseError, _text, progress_reports

STATUS_LABELS = {"not_started": "Not started", "in_progress": "In progress", "completed": "Completed",
                 "abandoned": "Abandoned"}
MIN_RATINGS_SHOWN = 3
EVIDENCE_FOLDER = "evidence"
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


# --------------------------------------------------------------------------- the roll-up (pure)

@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    progress: float  # 0-100, a leaf's own
    weight: float = 1.0


def roll_up(nodes: list[Node]) -> dict[int, float]:
    """Each result's progress: a leaf's own (clamped to 0-100); a parent's is the weighted mean of
    its children's, recursively. Children with no weight count equally when all weights are zero.
    A parent pointing outside the list, or a cycle, makes a node a root/leaf rather than an error."""
    by_id = {n.id: n for n in nodes}
    children: dict[int, list[Node]] = {}
    for node in nodes:
        if node.parent_id in by_id and node.parent_id != node.id:
            children.setdefault(node.parent_id, []).append(node)
    out: dict[int, float] = {}

    def value(node: Node, path: frozenset) -> float:
        if node.id in out:
            return out[node.id]
        kids = [k for k in children.get(node.id, []) if k.id not in path]
        if not kids:
            result = min(100.0, max(0.0, float(node.progress)))
        else:
            values = [value(k, path | {node.id}) for k in kids]
            weights = [max(0.0, float(k.weight)) for k in kids]
            total = sum(weights)
            result = (sum(v * w for v, w in zip(values, weights, strict=True)) / total if total > 0
                      else sum(values) / len(values))
            result = min(max(result, min(values)), max(values))  # no float drift past the children's range
        out[node.id] = result
        return result

    for node in nodes:
        value(node, frozenset())
    return out


def overall(nodes: list[Node]) -> float | None:
    """A recommendation's progress: the weighted mean of its top-level results (None without results)."""
    if not nodes:
        return None
    rolled = roll_up(nodes)
    ids = {n.id for n in nodes}
    roots = [n for n in nodes if n.parent_id not in ids or n.parent_id == n.id]
    total = sum(max(0.0, n.weight) for n in roots)
    if total <= 0:
        return sum(rolled[n.id] for n in roots) / len(roots)
    return sum(rolled[n.id] * max(0.0, n.weight) for n in roots) / total


def overall_status(statuses: list[str]) -> str:
    """One word for a recommendation from the statuses of its results' leaves."""
    live = [s for s in statuses if s != "abandoned"]
    if not statuses:
        return "not_started"
    if not live:
        return "abandoned"
    if all(s == "completed" for s in live):
        return "completed"
    return "in_progress" if any(s in ("in_progress", "completed") for s in live) else "not_started"


# --------------------------------------------------------------------------- reading

def results_of(recommendation: Recommendation) -> list[ImplementationResult]:
    return list(db.session.scalars(select(ImplementationResult).filter_by(recommendation_id=recommendation.id)
                                   .order_by(ImplementationResult.id)))


def nodes(results: list[ImplementationResult]) -> list[Node]:
    return [Node(r.id, r.parent_id, r.progress or 0, r.weight if r.weight is not None else 1.0) for r in results]


@dataclass
class Summary:
    """What the pages show for one recommendation's implementation."""

    results: list[tuple[int, ImplementationResult, float]]  # depth, result, rolled progress (tree order)
    progress: float | None
    status: str


def summary(recommendation: Recommendation) -> Summary:
    results = results_of(recommendation)
    rolled = roll_up(nodes(results))
    ids = {r.id for r in results}
    kids: dict[int | None, list[ImplementationResult]] = {}
    for r in results:
        kids.setdefault(r.parent_id if r.parent_id in ids else None, []).append(r)
    ordered: list[tuple[int, ImplementationResult, float]] = []

    def walk(parent, depth, seen):
        for r in kids.get(parent, []):
            if r.id not in seen:
                ordered.append((depth, r, rolled[r.id]))
                walk(r.id, depth + 1, seen | {r.id})

    walk(None, 0, frozenset())
    leaves = [r for _, r, _ in ordered if not kids.get(r.id)]  # the work itself; parents only group it
    return Summary(ordered, overall(nodes(results)), overall_status([r.status for r in leaves]))


# --------------------------------------------------------------------------- results and milestones

def _check_result(values: dict, recommendation: Recommendation, result: ImplementationResult | None) -> dict:
    problems = {}
    title = _text(values.get("title"), 300)
    if not title:
        problems["title"] = "Give the result a title, like “Pilot in two districts”."
    status = values.get("status") or "not_started"
    if status not in IMPLEMENTATION_STATUSES:
        problems["status"] = "Choose one of: " + ", ".join(STATUS_LABELS.values()) + "."
    progress = values.get("progress")
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        problems["progress"] = "Enter a whole number from 0 to 100."
    weight = values.get("weight")
    if weight is None:
        weight = 1.0
    if not isinstance(weight, int | float) or not 0 < weight <= 1000:
        problems["weight"] = "Enter a weight above 0 (1 for equal weights; 2 counts double)."
    parent_id = values.get("parent_id") or None
    if parent_id is not None:
        parent = db.session.get(ImplementationResult, parent_id)
        if parent is None or parent.recommendation_id != recommendation.id:
            problems["parent_id"] = "Choose a result of the same recommendation, or none."
        elif result is not None:
            node = parent
            while node is not None:  # a result cannot sit under itself or under its own child
                if node.id == result.id:
                    problems["parent_id"] = "A result cannot sit under itself or one of its own parts."
                    break
                node = db.session.get(ImplementationResult, node.parent_id) if node.parent_id else None
    url = _text(values.get("evaluation_url"), 500)
    if url and not url.startswith(("https://", "http://")):
        problems["evaluation_url"] = "Enter a full web address starting with https://, or leave it empty."
    if problems:
        raise ResponseError(problems)
    return {"title": title, "status": status, "progress": progress, "weight": float(weight),
            "parent_id": parent_id, "is_pilot": bool(values.get("is_pilot")), "evaluation_url": url}


def save_result(user, recommendation: Recommendation, result: ImplementationResult | None = None,
                **values) -> ImplementationResult:
    """Add or edit a result; the recommendation's response is left exactly as it is."""
    panel = recommendation.panel
    require(user, "response.manage", panel=panel)
    clean = _check_result(values, recommendation, result)
    created = result is None
    if created:
        result = ImplementationResult(panel_id=panel.id, recommendation_id=recommendation.id)
        db.session.add(result)
    for name, value in clean.items():
        setattr(result, name, value)
    audit.record("implementation.result_added" if created else "implementation.result_edited", result,
                 actor=user, panel=panel, code=recommendation.code, status=clean["status"],
                 progress=clean["progress"])
    db.session.commit()
    return result


def delete_result(user, result: ImplementationResult) -> None:
    panel = db.session.get(Recommendation, result.recommendation_id).panel
    require(user, "response.manage", panel=panel)
    audit.record("implementation.result_deleted", result, actor=user, panel=panel, title=result.title)
    db.session.delete(result)
    db.session.commit()


def evidence_path(stored_name: str) -> Path:
    return stored_path(EVIDENCE_FOLDER, stored_name)


def save_evidence(file) -> tuple[str, str]:
    """Keep an evidence document under a random name (checked, at most EVIDENCE_MAX_BYTES);
    returns (original name, stored name)."""
    saved = save_document(file, EVIDENCE_FOLDER, max_bytes=EVIDENCE_MAX_BYTES, otherwise="give a link instead")
    return saved["filename"], saved["stored_name"]


def save_milestone(user, result: ImplementationResult, milestone: Milestone | None = None, *, title: str,
                   due_on: date | None = None, done_on: date | None = None, evidence_url: str | None = None,
                   evidence_file=None, note: str | None = None) -> Milestone:
    panel = db.session.get(Recommendation, result.recommendation_id).panel
    require(user, "response.manage", panel=panel)
    problems = {}
    title = _text(title, 300)
    if not title:
        problems["title"] = "Give the milestone a title, like “Consultation closes”."
    evidence_url = _text(evidence_url, 500)
    if evidence_url and not evidence_url.startswith(("https://", "http://")):
        problems["evidence_url"] = "Enter a full web address starting with https://, or leave it empty."
    stored = None
    if evidence_file is not None and getattr(evidence_file, "filename", None) and not problems:
        try:
            stored = save_evidence(evidence_file)
        except UploadError as exc:
            problems["evidence_file"] = str(exc)
    if problems:
        raise ResponseError(problems)
    created = milestone is None
    if created:
        milestone = Milestone(result_id=result.id)
        db.session.add(milestone)
    milestone.title, milestone.due_on, milestone.done_on = title, due_on, done_on
    milestone.evidence_url, milestone.note = evidence_url, _text(note)
    if stored:
        milestone.evidence_filename, milestone.evidence_stored_name = stored
    audit.record("implementation.milestone_saved", result, actor=user, panel=panel, milestone=title,
                 done=done_on.isoformat() if done_on else None)
    db.session.commit()
    return milestone


# --------------------------------------------------------------------------- members' ratings

def checkpoint(panel) -> str:
    """The checkpoint members rate now: the response, then the latest progress report delivered."""
    reports = progress_reports(panel)
    return f"progress-{reports[-1].number}" if reports else "response"


def checkpoint_label(key: str) -> str:
    return "the response" if key == "response" else f"progress report {key.split('-', 1)[1]}"


def can_rate(user, panel) -> bool:
    return Role.MEMBER in roles_for(user, panel=panel)


def rated(user, panel) -> set[int]:
    """Recommendations this member has rated at the current checkpoint."""
    return set(db.session.scalars(select(ResponseRating.recommendation_id).filter_by(
        panel_id=panel.id, checkpoint=checkpoint(panel), user_id=user.id)))


def rate(user, recommendation: Recommendation, *, response_score: int, implementation_score: int) -> ResponseRating:
    """A member rates a responded recommendation once per checkpoint (0-10 each)."""
    panel = recommendation.panel
    require(user, "response.rate", panel=panel)
    problems = {}
    if recommendation.response is None:
        problems["response_score"] = f"{recommendation.code} has no government response to rate yet."
    for name, value in (("response_score", response_score), ("implementation_score", implementation_score)):
        if not isinstance(value, int) or not 0 <= value <= 10:
            problems[name] = "Choose a score from 0 (very poor) to 10 (excellent)."
    if problems:
        raise ResponseError(problems)
    key = checkpoint(panel)
    row = ResponseRating(panel_id=panel.id, recommendation_id=recommendation.id, checkpoint=key,
                         user_id=user.id, response_score=response_score, implementation_score=implementation_score)
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ResponseError({"response_score": f"You have already rated {recommendation.code} at "
                                               f"{checkpoint_label(key)}. You can rate it again at the next "
                                               "progress report."}) from None
    return row


@dataclass
class RatingSummary:
    checkpoint: str
    count: int
    response: float | None  # hidden (None) below MIN_RATINGS_SHOWN ratings
    implementation: float | None


def ratings(panel) -> dict[int, RatingSummary]:
    """Members' average ratings per recommendation at the current checkpoint."""
    key = checkpoint(panel)
    rows = db.session.execute(
        select(ResponseRating.recommendation_id, func.count(), func.avg(ResponseRating.response_score),
               func.avg(ResponseRating.implementation_score))
        .where(ResponseRating.panel_id == panel.id, ResponseRating.checkpoint == key)
        .group_by(ResponseRating.recommendation_id)).all()
    out = {}
    for rec_id, count, response, implementation in rows:
        shown = count >= MIN_RATINGS_SHOWN
        out[rec_id] = RatingSummary(key, count, round(float(response), 1) if shown and response is not None else None,
                                    round(float(implementation), 1) if shown and implementation is not None else None)
    return out
