"""Response tracking: letters, registrations and the pool's make-up, per stratum and over time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from ..extensions import db
from ..pool.models import Volunteer
from .models import Letter, Mailing

ACTIVE = ("pool", "selected", "confirmed", "reserve", "replaced", "declined")


@dataclass
class AreaRow:
    area: str
    letters: int
    households: int  # households that answered
    volunteers: int

    @property
    def rate(self) -> float:
        return self.households / self.letters if self.letters else 0.0


@dataclass
class Composition:
    key: str
    question: str
    rows: list[dict] = field(default_factory=list)  # value, label, count, share, census


@dataclass
class Responses:
    letters: int
    households: int
    volunteers: int
    other_channels: int
    areas: list[AreaRow]
    daily: list[tuple[date, int, int]]  # day, new, cumulative
    composition: list[Composition]
    mailings: list[Mailing]

    @property
    def rate(self) -> float:
        return self.households / self.letters if self.letters else 0.0


def responses(panel) -> Responses:
    letter_rows = db.session.execute(
        select(Letter.area, func.count(), func.sum(case((Letter.registrations > 0, 1), else_=0)))
        .where(Letter.panel_id == panel.id).group_by(Letter.area)
    ).all()
    volunteers = db.session.execute(
        select(Volunteer.area, Volunteer.letter_id, Volunteer.created_at, Volunteer.answers)
        .where(Volunteer.panel_id == panel.id, Volunteer.status.in_(ACTIVE))
    ).all()
    by_area = Counter(v.area for v in volunteers if v.letter_id is not None)
    areas = sorted(
        (AreaRow(area, int(n), int(answered or 0), by_area.get(area, 0)) for area, n, answered in letter_rows),
        key=lambda r: r.area)
    per_day = Counter(v.created_at.date() for v in volunteers)
    daily, running = [], 0
    for day in sorted(per_day):
        running += per_day[day]
        daily.append((day, per_day[day], running))
    return Responses(
        letters=sum(r.letters for r in areas), households=sum(r.households for r in areas),
        volunteers=len(volunteers), other_channels=sum(1 for v in volunteers if v.letter_id is None),
        areas=areas, daily=daily, composition=_composition(panel, volunteers),
        mailings=db.session.scalars(select(Mailing).where(Mailing.panel_id == panel.id).order_by(Mailing.id)).all(),
    )


def _composition(panel, volunteers) -> list[Composition]:
    settings = panel.registration
    result = []
    for category in (settings.categories if settings else []):
        counts = Counter((v.answers or {}).get(category["key"]) for v in volunteers)
        total = sum(counts[o["value"]] for o in category["options"]) or 1
        comp = Composition(category["key"], category.get("question", category["key"]))
        for option in category["options"]:
            comp.rows.append({"value": option["value"], "label": option.get("label", option["value"]),
                              "count": counts[option["value"]], "share": counts[option["value"]] / total,
                              "census": option.get("share")})
        result.append(comp)
    return result


def charts(stats: Responses) -> dict:
    """The page's charts; the same Drawings can go into a PDF."""
    from ..charts import bar_chart, line_chart, to_svg

    out = {}
    if stats.areas:
        out["areas"] = to_svg(bar_chart([r.area for r in stats.areas], {"Response rate": [r.rate for r in stats.areas]},
                                        title="Response rate by area", percent=True),
                              description="Share of letters that led to a registration, per area.")
    if stats.daily:
        start = stats.daily[0][0]
        xs = [(d - start).days for d, _, _ in stats.daily]
        out["daily"] = to_svg(line_chart(xs, {"Registrations": [c for _, _, c in stats.daily]},
                                         title="Registrations over time",
                                         x_labels=[d.strftime("%-d %b") for d, _, _ in stats.daily]),
                              description="Cumulative registrations per day.")
    for comp in stats.composition:
        series = {"Pool": [r["share"] for r in comp.rows]}
        if all(r["census"] is not None for r in comp.rows):
            series["Census"] = [float(r["census"]) for r in comp.rows]
        out[f"comp:{comp.key}"] = to_svg(
            bar_chart([r["label"] for r in comp.rows], series, title=comp.question, percent=True),
            description=f"Share of the pool for each answer to “{comp.question}”, next to the census share.")
    return out
