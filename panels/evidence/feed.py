"""The automatic feed: what panels did, turned into evidence records of the city's capabilities.

``run_feed`` computes every indicator of the mapping (``mapping.toml``) for each panel in scope and
writes one record per indicator, capability and period, keyed
``"{organisation id}:{panel id}:{indicator}:{capability}:{period}"``: running it again updates the
same rows (same ids), and feed records that nothing produces any more are removed (records entered
by hand or imported are never touched). It runs for a panel right after a person changes it (the
``panels.events.panel_changed`` signal: a status change, a vote, a response, a milestone...),
nightly from cron for everything (``python -m panels evidence-feed``: what changes without a
person, such as registrations and deadlines passing), and from the button on the records page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from .. import events
from ..accounts.models import Organisation
from ..extensions import db
from ..jobs import job_function
from ..panel.models import Panel
from . import frameworks
from . import mapping as mapping_module
from .indicators import INDICATORS, Observation
from .models import EvidenceRecord

__all__ = ["INDICATORS", "FeedSummary", "Observation", "feed_key", "run_feed"]
log = logging.getLogger(__name__)


@dataclass
class FeedSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def message(self) -> str:
        return (f"Evidence feed: {self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.removed} removed.")

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "removed": self.removed, "message": self.message}


def feed_key(organisation_id: int, panel_id: int, indicator: str, capability: str, period: str) -> str:
    return f"{organisation_id}:{panel_id}:{indicator}:{capability}:{period}"


def _panels(organisation, panel) -> list[Panel]:
    if panel is not None:
        return [panel]
    query = select(Panel).order_by(Panel.id)
    if organisation is not None:
        query = query.where(Panel.organisation_id == organisation.id)
    return list(db.session.scalars(query))


def _fields(indicator, capability: str, obs: Observation, panel: Panel) -> dict:
    return {
        "organisation_id": panel.organisation_id, "panel_id": panel.id,
        "framework": frameworks.capability(capability).framework, "capability": capability,
        "indicator": indicator.key, "value": float(obs.value), "unit": indicator.unit,
        "observed_on": obs.observed_on, "source": "feed", "source_kind": obs.source_kind,
        "source_id": obs.source_id, "source_url": obs.source_url, "confidence": indicator.confidence,
        "attribution": "contributed to", "note": obs.note,
    }


def run_feed(organisation=None, panel=None, today: date | None = None, *,
             mapping_path: Path | None = None) -> FeedSummary:
    """Create or update the feed's evidence records for one panel, one organisation, or everything."""
    today = today or date.today()
    indicators = [i for i in mapping_module.load(mapping_path) if i.capabilities]
    summary = FeedSummary()
    wanted: dict[str, dict] = {}
    for p in _panels(organisation, panel):
        for ind in indicators:
            for obs in INDICATORS[ind.key](p, today):
                for capability in ind.capabilities:
                    key = feed_key(p.organisation_id, p.id, ind.key, capability, obs.period)
                    wanted[key] = _fields(ind, capability, obs, p)
    scope = select(EvidenceRecord).where(EvidenceRecord.source == "feed")
    if panel is not None:
        scope = scope.where(EvidenceRecord.panel_id == panel.id)
    elif organisation is not None:
        scope = scope.where(EvidenceRecord.organisation_id == organisation.id)
    existing = {r.feed_key: r for r in db.session.scalars(scope)}
    if panel is not None:  # a key is unique across the installation: include rows outside the scope too
        existing.update({r.feed_key: r for r in db.session.scalars(
            select(EvidenceRecord).where(EvidenceRecord.feed_key.in_(list(wanted))))} if wanted else {})
    for key, fields in wanted.items():
        record = existing.get(key)
        if record is None:
            db.session.add(EvidenceRecord(feed_key=key, **fields))
            summary.created += 1
            continue
        changed = {k: v for k, v in fields.items() if getattr(record, k) != v}
        for k, v in changed.items():
            setattr(record, k, v)
        if changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
    for key, record in existing.items():
        if key not in wanted and record.source == "feed":
            db.session.delete(record)
            summary.removed += 1
    db.session.commit()
    return summary


@events.panel_changed.connect
def follow_changes(app, panel_ids: list[int]) -> None:
    """Bring the changed panels' records up to date after a request; never fails the request."""
    if not app.config.get("EVIDENCE_FEED_ON_CHANGE", True):
        return
    if db.session.new or db.session.dirty or db.session.deleted:
        return  # never commit someone else's unfinished work; the nightly run catches up
    for panel_id in panel_ids:
        panel = db.session.get(Panel, panel_id)
        if panel is None:
            continue
        try:
            run_feed(panel=panel)
        except Exception:  # noqa: BLE001 - the change itself succeeded; the nightly run retries
            db.session.rollback()
            log.exception("evidence feed for panel %s failed; the nightly run will retry", panel_id)


@job_function("evidence.feed")
def feed_job(ctx, organisation_id: int | None = None) -> dict:
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    ctx.progress(0.1, "Computing the indicators")
    return run_feed(organisation=organisation).as_dict()


@click.command("evidence-feed")
@click.option("--organisation", "slug", default=None, help="Only this organisation (its slug).")
@click.option("--today", default=None, help="Compute as of this day (YYYY-MM-DD); default today.")
@with_appcontext
def feed_command(slug: str | None, today: str | None) -> None:
    """Create or update the evidence records from every panel (run nightly from cron)."""
    organisation = None
    if slug:
        organisation = db.session.scalar(select(Organisation).filter_by(slug=slug))
        if organisation is None:
            raise click.BadParameter(f"no organisation with the slug “{slug}”.", param_hint="--organisation")
    try:
        day = date.fromisoformat(today) if today else None
    except ValueError as exc:
        raise click.BadParameter("write the day as YYYY-MM-DD, e.g. 2026-03-31.", param_hint="--today") from exc
    try:
        summary = run_feed(organisation=organisation, today=day)
    except frameworks.FrameworkError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(summary.message)
