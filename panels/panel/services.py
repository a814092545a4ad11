"""Creating and changing panels. Every change is permission-checked and audited here."""

from __future__ import annotations

import re

from sqlalchemy import select

from .. import audit
from ..access import require
from ..db import utcnow
from ..extensions import db
from .lifecycle import Status, check_transition
from .models import Cohort, Panel, Topic

EDITABLE = ("title", "kind", "question", "remit", "commitment", "seats", "term_start", "term_end")


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60] or "panel"


def _unique_slug(organisation, title: str, exclude_id: int | None = None) -> str:
    base = slugify(title)
    slug, n = base, 2
    while db.session.scalar(
        select(Panel.id).where(Panel.organisation_id == organisation.id, Panel.slug == slug,
                               Panel.id != (exclude_id or -1))
    ):
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_panel(actor, organisation, **fields) -> Panel:
    require(actor, "panel.create", organisation=organisation)
    slug = _unique_slug(organisation, fields["title"])
    panel = Panel(organisation=organisation, status=Status.DRAFT.value, slug=slug,
                  **{k: fields.get(k) for k in EDITABLE})
    db.session.add(panel)
    db.session.flush()
    db.session.add(Cohort(panel=panel, number=1, label="First cohort",
                          starts_on=panel.term_start, ends_on=panel.term_end))
    audit.record("panel.created", panel, actor=actor, title=panel.title, seats=panel.seats)
    db.session.commit()
    return panel


def update_panel(actor, panel: Panel, **fields) -> list[str]:
    """Apply the edited fields; return the names of those that changed."""
    require(actor, "panel.edit", panel=panel)
    changed = {}
    for name in EDITABLE:
        if name in fields and getattr(panel, name) != fields[name]:
            changed[name] = {"from": _plain(getattr(panel, name)), "to": _plain(fields[name])}
            setattr(panel, name, fields[name])
    if changed:
        if "title" in changed:
            panel.slug = _unique_slug(panel.organisation, panel.title, exclude_id=panel.id)
        audit.record("panel.updated", panel, actor=actor, changes=changed)
        db.session.commit()
    return list(changed)


def change_status(actor, panel: Panel, target: str, reason: str | None = None) -> None:
    """The one place a panel's status changes: checks the transition, then records it."""
    require(actor, "panel.status", panel=panel)
    check_transition(panel.status, target)
    previous = panel.status
    panel.status = Status(target).value
    panel.status_changed_at = utcnow()
    audit.record("panel.status_changed", panel, actor=actor, **{"from": previous, "to": target},
                 reason=reason)
    db.session.commit()


def add_topic(actor, panel: Panel, title: str, question: str, starts_on=None, ends_on=None) -> Topic:
    require(actor, "panel.edit", panel=panel)
    topic = Topic(panel=panel, title=title, question=question, starts_on=starts_on, ends_on=ends_on,
                  position=len(panel.topics))
    db.session.add(topic)
    audit.record("topic.added", topic, actor=actor, panel=panel, title=title)
    db.session.commit()
    return topic


def add_cohort(actor, panel: Panel, label: str, starts_on=None, ends_on=None) -> Cohort:
    require(actor, "panel.edit", panel=panel)
    number = max((c.number for c in panel.cohorts), default=0) + 1
    cohort = Cohort(panel=panel, number=number, label=label, starts_on=starts_on, ends_on=ends_on)
    db.session.add(cohort)
    audit.record("cohort.added", cohort, actor=actor, panel=panel, label=label)
    db.session.commit()
    return cohort


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value
