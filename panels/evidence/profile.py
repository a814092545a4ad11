"""The capability profile: per capability, the latest score, the evidence behind it, its trend.

The arithmetic works on plain data (`RecordRow`, `AssessmentRow`) so it can be tested without a
database; `load` reads one organisation's rows. A capability whose evidence comes from a single
panel carries a warning: never score a capability from a single panel.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .models import CONFIDENCE


@dataclass(frozen=True)
class Capability:
    key: str
    name: str
    description: str = ""
    questions: tuple[tuple[str, str], ...] = ()  # (question key, question text)


@dataclass(frozen=True)
class RecordRow:
    id: int
    capability: str
    indicator: str
    value: float | None
    unit: str | None
    observed_on: date
    confidence: str
    panel_id: int | None = None
    panel_title: str | None = None
    source: str = "manual"
    source_url: str | None = None
    period: str = "all"  # the feed's period: "all", or an implementation checkpoint ("3m", "6m", "12m", "24m")


@dataclass(frozen=True)
class AssessmentRow:
    id: int
    assessed_on: date
    status: str
    scores: dict  # capability key -> (score or None, reason or None)


@dataclass
class CapabilitySummary:
    capability: Capability
    score: int | None = None
    reason: str | None = None
    assessed_on: date | None = None
    assessment_id: int | None = None
    records: int = 0
    by_confidence: dict = field(default_factory=dict)  # confidence key -> count, in CONFIDENCE order
    panels: list = field(default_factory=list)  # [(panel id, title, record count)], most records first
    unpanelled: int = 0  # records not tied to a panel (organisation-wide, hand-entered)
    score_trend: list = field(default_factory=list)  # [(date, score)] over final assessments
    indicators: dict = field(default_factory=dict)  # indicator -> [RecordRow] oldest first

    @property
    def single_panel(self) -> bool:
        return len(self.panels) == 1

    @property
    def warning(self) -> str | None:
        name = self.capability.name
        if self.single_panel:
            title = self.panels[0][1]
            return (f"The evidence for {name} comes from one panel only ({title}). Never score a capability "
                    "from a single panel: add evidence from other panels or sources before relying on it.")
        if self.score is not None and not self.panels:
            return f"The score for {name} has no evidence from any panel behind it yet."
        return None


def indicator_key(row: RecordRow) -> str:
    """The indicator, with its period when it has one ("implementation_progress@12m"): progress 24 months
    after a report is not comparable with progress 3 months after another."""
    return row.indicator if row.period == "all" else f"{row.indicator}@{row.period}"


def latest_values(rows: list[RecordRow]) -> dict[str, RecordRow]:
    """Per indicator (and period), the most recent record (by date observed, then id)."""
    latest: dict[str, RecordRow] = {}
    for row in sorted(rows, key=lambda r: (r.observed_on, r.id)):
        latest[indicator_key(row)] = row
    return latest


def summarise(capabilities: list[Capability], records: list[RecordRow],
              assessments: list[AssessmentRow]) -> list[CapabilitySummary]:
    """One summary per capability: latest final score, evidence counts, panels and trends."""
    finals = sorted((a for a in assessments if a.status == "final"), key=lambda a: (a.assessed_on, a.id))
    out = []
    for capability in capabilities:
        summary = CapabilitySummary(capability)
        mine = sorted((r for r in records if r.capability == capability.key), key=lambda r: (r.observed_on, r.id))
        summary.records = len(mine)
        counts = Counter(r.confidence for r in mine)
        summary.by_confidence = {key: counts.get(key, 0) for key in CONFIDENCE}
        panel_counts = Counter((r.panel_id, r.panel_title) for r in mine if r.panel_id is not None)
        summary.panels = sorted(((pid, title or f"Panel {pid}", n) for (pid, title), n in panel_counts.items()),
                                key=lambda p: (-p[2], p[1]))
        summary.unpanelled = sum(1 for r in mine if r.panel_id is None)
        for row in mine:
            summary.indicators.setdefault(row.indicator, []).append(row)
        for assessment in finals:
            score, reason = assessment.scores.get(capability.key, (None, None))
            if score is None:
                continue
            summary.score_trend.append((assessment.assessed_on, int(score)))
            summary.score, summary.reason = int(score), reason
            summary.assessed_on, summary.assessment_id = assessment.assessed_on, assessment.id
        out.append(summary)
    return out


def timeline(summaries: list[CapabilitySummary]) -> tuple[list[date], dict[str, list[float]]]:
    """Assessment dates and, per capability, its score on each (carried forward where not scored).

    A capability never scored is left out; before its first score it starts at its first score,
    so the lines stay comparable. The table beside the chart shows the real scores.
    """
    dates = sorted({d for s in summaries for d, _ in s.score_trend})
    series: dict[str, list[float]] = {}
    for s in summaries:
        if not s.score_trend:
            continue
        by_date = dict(s.score_trend)
        current = float(s.score_trend[0][1])
        values = []
        for d in dates:
            current = float(by_date.get(d, current))
            values.append(current)
        series[s.capability.name] = values
    return dates, series


# --------------------------------------------------------------------------- frameworks and the database

def frameworks() -> list:
    """The frameworks of the data file (see frameworks.py): key, name, capabilities."""
    from . import frameworks as data

    return data.load()


def framework_names() -> dict[str, str]:
    return {f.key: f.name for f in frameworks()}


def capabilities(framework_key: str = "psci") -> list[Capability]:
    """The capabilities of a framework, as plain values (empty for an unknown framework)."""
    for fw in frameworks():
        if fw.key == framework_key:
            return [Capability(c.key, c.name, c.description, tuple((q.key, q.text) for q in c.questions))
                    for c in fw.capabilities]
    return []


def load(organisation, framework_key: str = "psci") -> list[CapabilitySummary]:
    """The profile of one organisation from the database."""
    return summarise(capabilities(framework_key), record_rows([organisation.id], framework_key),
                     assessment_rows([organisation.id], framework_key).get(organisation.id, []))


def record_rows(organisation_ids: list[int], framework_key: str = "psci") -> list[RecordRow]:
    from sqlalchemy import select

    from ..extensions import db
    from ..panel.models import Panel
    from .models import EvidenceRecord

    query = (select(EvidenceRecord, Panel.title).outerjoin(Panel, Panel.id == EvidenceRecord.panel_id)
             .where(EvidenceRecord.organisation_id.in_(organisation_ids),
                    EvidenceRecord.framework == framework_key))
    return [RecordRow(r.id, r.capability, r.indicator, r.value, r.unit, r.observed_on, r.confidence,
                      r.panel_id, title, r.source, r.source_url)
            for r, title in db.session.execute(query)]


def records_by_organisation(organisation_ids: list[int], framework_key: str = "psci") -> dict[int, list]:
    from sqlalchemy import select

    from ..extensions import db
    from .models import EvidenceRecord

    out: dict[int, list] = {i: [] for i in organisation_ids}
    query = select(EvidenceRecord).where(EvidenceRecord.organisation_id.in_(organisation_ids),
                                         EvidenceRecord.framework == framework_key)
    for r in db.session.scalars(query):
        period = r.feed_key.rsplit(":", 1)[1] if r.feed_key else "all"
        out[r.organisation_id].append(RecordRow(r.id, r.capability, r.indicator, r.value, r.unit, r.observed_on,
                                                r.confidence, r.panel_id, None, r.source, r.source_url, period))
    return out


def assessment_rows(organisation_ids: list[int], framework_key: str = "psci") -> dict[int, list[AssessmentRow]]:
    from sqlalchemy import select

    from ..extensions import db
    from .models import Assessment

    out: dict[int, list[AssessmentRow]] = {i: [] for i in organisation_ids}
    query = select(Assessment).where(Assessment.organisation_id.in_(organisation_ids),
                                     Assessment.framework == framework_key)
    for a in db.session.scalars(query):
        scores = {ans.capability: (ans.score, ans.reason) for ans in a.answers}
        out[a.organisation_id].append(AssessmentRow(a.id, a.assessed_on, a.status, scores))
    return out
