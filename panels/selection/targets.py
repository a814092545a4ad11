"""Targets: computed from census shares, edited by hand with a reason, imported and exported."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import delete

import lottery

from .. import audit
from ..access import require
from ..extensions import db
from .inputs import quotas_frame, targets_of
from .models import Target


class TargetError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def census_shares(panel) -> dict[str, dict[str, float]]:
    """The census shares the registration schema records for each answer option."""
    settings = panel.registration
    shares: dict[str, dict[str, float]] = {}
    for category in (settings.categories if settings else []):
        values = {o["value"]: float(o["share"]) for o in category["options"] if o.get("share") is not None}
        if values:
            shares[category["key"]] = values
    return shares


def _labels(panel) -> dict[tuple[str, str], str]:
    settings = panel.registration
    return {(c["key"], o["value"]): o.get("label", o["value"])
            for c in (settings.categories if settings else []) for o in c["options"]}


def _replace(actor, panel, quotas, shares: dict, action: str, **details) -> list[Target]:
    labels = _labels(panel)
    db.session.execute(delete(Target).where(Target.panel_id == panel.id))
    rows = [Target(panel_id=panel.id, category=q.category, value=q.value, position=i, min=q.min, max=q.max,
                   min_flex=q.min_flex, max_flex=q.max_flex, label=labels.get((q.category, q.value)),
                   census_share=shares.get(q.category, {}).get(q.value))
            for i, q in enumerate(quotas)]
    db.session.add_all(rows)
    audit.record(action, panel, actor=actor, targets=len(rows), **details)
    db.session.commit()
    return rows


def from_census(actor, panel, min_small: int = 1) -> list[Target]:
    """min = floor(share × seats), max = ceil(share × seats); small groups raised to `min_small`."""
    require(actor, "selection.manage", panel=panel)
    shares = census_shares(panel)
    if not shares:
        raise TargetError(["The registration form has no census shares. Add a share to each answer option "
                           "of the categories in the registration settings, or import a targets file."])
    quotas = lottery.targets(shares, panel.seats, min_small=min_small)
    total = {c: sum(v.values()) for c, v in shares.items()}
    normalised = {c: {v: s / total[c] for v, s in values.items()} for c, values in shares.items()}
    return _replace(actor, panel, quotas, normalised, "targets.from_census", min_small=min_small)


def edit(actor, target: Target, minimum: int, maximum: int, reason: str) -> None:
    from ..panel.models import Panel

    panel = db.session.get(Panel, target.panel_id)
    require(actor, "selection.manage", panel=panel)
    problems = []
    if not reason or not reason.strip():
        problems.append("Say why you are changing the computed target: it is published with the report.")
    if minimum < 0 or maximum < minimum:
        problems.append("The minimum must be 0 or more and not above the maximum.")
    if maximum > panel.seats:
        problems.append(f"The maximum cannot be above the number of seats ({panel.seats}).")
    if problems:
        raise TargetError(problems)
    before = {"min": target.min, "max": target.max}
    target.min, target.max, target.edit_reason = minimum, maximum, reason.strip()
    audit.record("target.edited", target, actor=actor, panel=panel, category=target.category, value=target.value,
                 before=before, after={"min": minimum, "max": maximum}, reason=reason.strip())
    db.session.commit()


def import_csv(actor, panel, source) -> list[Target]:
    """A Sortition Foundation (or Flanigan et al.) quota file; every problem reported, nothing kept on error."""
    require(actor, "selection.manage", panel=panel)
    try:
        frame = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise TargetError([f"The file could not be read as CSV ({exc}). Save it as CSV (UTF-8)."]) from exc
    quotas, problems = lottery.parse_quotas(frame)
    messages = [str(p) for p in problems if p.severity == "error"]
    settings = panel.registration
    known = {c["key"]: {o["value"] for o in c["options"]} for c in (settings.categories if settings else [])}
    for q in quotas if not messages else []:
        if q.category not in known:
            messages.append(f"quotas: category '{q.category}' is not asked on the registration form "
                            f"(the form asks: {', '.join(known) or 'nothing yet'})")
        elif q.value not in known[q.category]:
            messages.append(f"quotas: '{q.value}' is not an answer of '{q.category}' "
                            f"(answers: {', '.join(sorted(known[q.category]))})")
    if messages:
        raise TargetError(messages)
    return _replace(actor, panel, quotas, census_shares(panel), "targets.imported")


def export_csv(panel) -> str:
    return quotas_frame(targets_of(panel)).to_csv(index=False)


def table(panel, pool: pd.DataFrame | None = None, selected: set[str] | None = None) -> list[dict]:
    """Targets next to the pool (and a panel): what the targets page and the report show."""
    rows = []
    for t in targets_of(panel):
        in_pool = int((pool[t.category] == t.value).sum()) if pool is not None and t.category in pool else None
        in_panel = None
        if selected is not None and pool is not None and t.category in pool:
            in_panel = int(((pool[t.category] == t.value) & pool["id"].isin(selected)).sum())
        rows.append({"target": t, "pool": in_pool, "panel": in_panel})
    return rows
