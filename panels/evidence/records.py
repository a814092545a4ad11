"""Evidence records: listing with filters, entry by hand (with a link or an uploaded document), deletion.

Only records entered by hand or imported can be deleted here; the feed's own records change when
the data behind them changes (and disappear when it goes). Attribution is always "contributed to".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from .. import audit, uploads
from ..access import require
from ..extensions import db
from ..panel.models import Panel
from ..uploads import UploadError, stored_path
from . import frameworks
from .models import CONFIDENCE, SOURCES, EvidenceRecord

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DELETABLE = ("manual", "import")


class RecordError(ValueError):
    """A hand entry that cannot be saved: field name -> what to fix."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Filters:
    capability: str = ""
    panel: str = ""
    source: str = ""
    confidence: str = ""

    @classmethod
    def from_args(cls, args) -> Filters:
        return cls(**{k: (args.get(k) or "").strip() for k in ("capability", "panel", "source", "confidence")})

    @property
    def active(self) -> bool:
        return any((self.capability, self.panel, self.source, self.confidence))


def _panel_id(text: str) -> int:
    """A panel id from the filter, or -1 (matches nothing) for anything else: "²" passes isdigit() but not
    int(), and a 30-digit number overflows the database's integer."""
    return int(text) if text.isascii() and text.isdecimal() and len(text) <= 18 else -1


def listing(organisation, filters: Filters | None = None) -> list[EvidenceRecord]:
    """The organisation's records, newest observation first; unknown filter values match nothing."""
    filters = filters or Filters()
    query = select(EvidenceRecord).where(EvidenceRecord.organisation_id == organisation.id)
    if filters.capability:
        query = query.where(EvidenceRecord.capability == filters.capability)
    if filters.panel:
        query = query.where(EvidenceRecord.panel_id.is_(None) if filters.panel == "none"
                            else EvidenceRecord.panel_id == _panel_id(filters.panel))
    if filters.source:
        query = query.where(EvidenceRecord.source == filters.source)
    if filters.confidence:
        query = query.where(EvidenceRecord.confidence == filters.confidence)
    return list(db.session.scalars(query.order_by(EvidenceRecord.observed_on.desc(), EvidenceRecord.capability,
                                                  EvidenceRecord.indicator, EvidenceRecord.id)))


def of_organisation(organisation, record_id: int) -> EvidenceRecord | None:
    record = db.session.get(EvidenceRecord, record_id)
    return record if record is not None and record.organisation_id == organisation.id else None


def panel_choices(organisation) -> list[tuple[str, str]]:
    return [(str(p.id), p.title) for p in organisation.panels]


def check_url(url: str) -> str | None:
    """A source link must be a web address (http or https); returns the problem, or None."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return "Give a full web address starting with https:// (or http://)."
    return None


def document_path(stored_name: str) -> Path:
    return stored_path("evidence", stored_name)


def save_document(file: FileStorage) -> dict:
    """Keep an allowed source document under a random name, or raise UploadError saying what to do."""
    saved = uploads.save_document(file, "evidence", max_bytes=MAX_DOCUMENT_BYTES, otherwise="give a link instead")
    return {"document_filename": saved["filename"], "document_stored_name": saved["stored_name"]}


def create(actor, organisation, *, capability: str, indicator: str, value, unit: str | None, observed_on: date,
           confidence: str, source_url: str | None = None, note: str | None = None, panel_id: int | None = None,
           document: FileStorage | None = None, source: str = "manual") -> EvidenceRecord:
    """Add a record entered by hand; the whole entry is checked first and fails whole."""
    require(actor, "evidence.manage", organisation=organisation)
    errors = {}
    found = frameworks.capability(capability or "")
    if found is None:
        errors["capability"] = "Choose a capability from the list."
    if not (indicator or "").strip():
        errors["indicator"] = "Say what was measured, e.g. “Residents reached by the consultation”."
    try:
        finite = value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        finite = False
    if not finite:  # "nan" and "inf" pass a float field, then break the charts and the JSON export
        errors["value"] = "Give the value as an ordinary number, e.g. 42 or 3.5."
    if confidence not in CONFIDENCE:
        errors["confidence"] = f"Choose one of: {', '.join(CONFIDENCE.values())}."
    if panel_id is not None and db.session.scalar(select(Panel.id).where(
            Panel.id == panel_id, Panel.organisation_id == organisation.id)) is None:
        errors["panel"] = "Choose one of this organisation's panels, or none."
    if source_url and (problem := check_url(source_url.strip())):
        errors["source_url"] = problem
    has_document = document is not None and bool(document.filename)
    if source == "manual" and not (source_url or "").strip() and not has_document:
        errors["source_url"] = "Give a link to the source document, or upload it."
    if errors:
        raise RecordError(errors)
    stored = {}
    if has_document:
        try:
            stored = save_document(document)
        except UploadError as exc:
            raise RecordError({"document": str(exc)}) from exc
    record = EvidenceRecord(
        organisation_id=organisation.id, panel_id=panel_id, framework=found.framework, capability=found.key,
        indicator=indicator.strip()[:80], value=float(value), unit=(unit or "").strip()[:40] or None,
        observed_on=observed_on, source=source, source_kind="document" if stored else "link",
        source_url=(source_url or "").strip() or None, confidence=confidence, attribution="contributed to",
        note=(note or "").strip() or None, created_by_id=getattr(actor, "id", None), **stored)
    db.session.add(record)
    db.session.flush()
    audit.record("evidence.added", record, actor=actor, organisation=organisation, capability=found.key,
                 indicator=record.indicator)
    db.session.commit()
    return record


def delete(actor, record: EvidenceRecord) -> None:
    """Delete a record entered by hand or imported (the feed's records follow their data)."""
    require(actor, "evidence.manage", organisation=record.organisation)
    if record.source not in DELETABLE:
        raise RecordError({"record": "Records from the automatic feed cannot be deleted: they change when the "
                                     "data behind them changes. Change the mapping to stop recording an indicator."})
    stored = record.document_stored_name
    audit.record("evidence.deleted", record, actor=actor, organisation=record.organisation,
                 capability=record.capability, indicator=record.indicator)
    db.session.delete(record)
    db.session.commit()
    if stored:
        document_path(stored).unlink(missing_ok=True)


def labels() -> dict:
    """Names for the templates."""
    return {"sources": SOURCES, "confidence": CONFIDENCE,
            "capabilities": {c.key: c.name for c in frameworks.capabilities()},
            "frameworks": {f.key: f.name for f in frameworks.frameworks()}}
