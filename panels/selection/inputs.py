"""What the lottery sees: the panel's targets as Quotas and its pool as pseudonymous rows."""

from __future__ import annotations

import hashlib

import pandas as pd
from sqlalchemy import select

import lottery

from ..extensions import db
from ..pool.models import Volunteer
from .models import Target

ELIGIBLE = ("pool",)  # volunteers who can be drawn (not withdrawn, not already selected)


def targets_of(panel) -> list[Target]:
    return db.session.scalars(select(Target).where(Target.panel_id == panel.id)
                              .order_by(Target.position, Target.id)).all()


def quotas_frame(targets: list[Target]) -> pd.DataFrame:
    """The Sortition Foundation format organisers already use: feature,value,min,max,min_flex,max_flex."""
    return pd.DataFrame([{"feature": t.category, "value": t.value, "min": t.min, "max": t.max,
                          "min_flex": "" if t.min_flex is None else t.min_flex,
                          "max_flex": "" if t.max_flex is None else t.max_flex} for t in targets],
                        columns=["feature", "value", "min", "max", "min_flex", "max_flex"])


def household_pseudonym(panel_id: int, key: str | None) -> str:
    """Households are published only as a salted hash: the rule is checkable, the address is not."""
    if not key:
        return ""
    return hashlib.sha256(f"panel-{panel_id}|{key}".encode()).hexdigest()[:16]


def pool_frame(panel, statuses=ELIGIBLE) -> pd.DataFrame:
    """One row per volunteer: public id, one column per category, a pseudonymous household."""
    settings = panel.registration
    keys = [c["key"] for c in (settings.categories if settings else [])]
    rows = db.session.execute(select(Volunteer.public_id, Volunteer.answers, Volunteer.household_key)
                              .where(Volunteer.panel_id == panel.id, Volunteer.status.in_(statuses))
                              .order_by(Volunteer.public_id)).all()
    records = [{"id": pid, **{k: (answers or {}).get(k, "") for k in keys},
                "household": household_pseudonym(panel.id, hh)} for pid, answers, hh in rows]
    return pd.DataFrame(records, columns=["id", *keys, "household"])


def instance(panel, seats: int | None = None, people: pd.DataFrame | None = None,
             quotas: pd.DataFrame | None = None) -> lottery.Instance:
    """Raises lottery.InputError listing every problem (unknown value, missing column...)."""
    people = pool_frame(panel) if people is None else people
    quotas = quotas_frame(targets_of(panel)) if quotas is None else quotas
    return lottery.load_instance(quotas, people, seats or panel.seats, id_column="id",
                                 household_columns=["household"])
