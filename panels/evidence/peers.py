"""Peer groups: organisations of similar structural capacity, and a city's comparison within its group.

The default rule is banding, and it is meant to be read by anyone:

* population band: under 50,000 / 50,000-249,999 / 250,000-999,999 / 1 million or more;
* budget per resident, converted to euros with the rates in ``currency_rates.json`` (approximate
  annual averages; budgets in a currency not in the table count as "unknown"): under €1,000 /
  €1,000-2,999 / €3,000 or more;
* level of government and country income group (World Bank), as recorded.

Two organisations are peers when all four agree. Optionally, k-means on standardised features
(log population, log budget per resident, income group and level as ordinals) groups them instead,
with a fixed seed so the same data gives the same clusters; the clusters are shown with their members
and centroids in original units (geometric means; the most common level and income group).
A group of fewer than three organisations is never compared: with one
or two others a comparison would single a city out and says little.

Only organisations that opted in to sharing (``open_data``) take part, plus the city itself.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

MIN_GROUP = 3
RATES_FILE = Path(__file__).with_name("currency_rates.json")
POPULATION_BANDS = [(0, 50_000, "under 50,000"), (50_000, 250_000, "50,000 to 249,999"),
                    (250_000, 1_000_000, "250,000 to 999,999"), (1_000_000, None, "1 million or more")]
BUDGET_BANDS = [(0, 1_000, "under €1,000 per resident"), (1_000, 3_000, "€1,000 to €2,999 per resident"),
                (3_000, None, "€3,000 or more per resident")]
INCOME_ORDER = {"low": 0, "lower_middle": 1, "upper_middle": 2, "high": 3}
LEVEL_ORDER = {"neighbourhood": 0, "municipal": 1, "local": 1, "city": 1, "county": 2, "regional": 2,
               "state": 3, "national": 4}
UNKNOWN = "unknown"


@dataclass(frozen=True)
class OrgFeatures:
    id: int
    name: str
    population: int | None = None
    budget: float | None = None
    currency: str | None = None
    level: str | None = None
    income_group: str | None = None


@dataclass
class Group:
    key: str
    label: str
    members: list[int]  # organisation ids, ascending
    centroid: dict = field(default_factory=dict)  # feature -> value in original units (k-means only)

    @property
    def comparable(self) -> bool:
        return len(self.members) >= MIN_GROUP


@cache
def rates() -> dict[str, float]:
    return {k.upper(): float(v) for k, v in json.loads(RATES_FILE.read_text(encoding="utf-8"))["rates"].items()}


def budget_per_resident(org: OrgFeatures, table: dict[str, float] | None = None) -> float | None:
    """The annual budget per resident in euros, or None when it cannot be known."""
    table = rates() if table is None else table
    if not org.population or org.population <= 0 or org.budget is None or org.budget < 0:
        return None
    rate = table.get((org.currency or "").upper())
    return None if rate is None else float(org.budget) * rate / org.population


def _band(value: float | None, bands) -> str:
    if value is None or not math.isfinite(value):
        return UNKNOWN
    for low, high, label in bands:
        if value >= low and (high is None or value < high):
            return label
    return UNKNOWN


def band_key(org: OrgFeatures, table: dict[str, float] | None = None) -> tuple[str, str, str, str]:
    """The four bands of an organisation: population, budget per resident, level, income group."""
    return (_band(org.population, POPULATION_BANDS), _band(budget_per_resident(org, table), BUDGET_BANDS),
            (org.level or UNKNOWN).strip().lower() or UNKNOWN,
            (org.income_group or UNKNOWN).strip().lower() or UNKNOWN)


def group_by_bands(orgs: list[OrgFeatures], table: dict[str, float] | None = None) -> list[Group]:
    """Every organisation in exactly one group: the ones whose four bands agree."""
    groups: dict[tuple, list[int]] = {}
    for org in orgs:
        groups.setdefault(band_key(org, table), []).append(org.id)
    out = []
    for key in sorted(groups):
        label = f"Population {key[0]}; budget {key[1]}; level: {key[2]}; income group: {key[3]}"
        out.append(Group("|".join(key), label, sorted(groups[key])))
    return out


def _vector(org: OrgFeatures, table: dict[str, float] | None) -> list[float] | None:
    per_resident = budget_per_resident(org, table)
    income = INCOME_ORDER.get((org.income_group or "").strip().lower())
    level = LEVEL_ORDER.get((org.level or "").strip().lower())
    if per_resident is None or per_resident <= 0 or income is None or level is None:
        return None
    return [math.log10(org.population), math.log10(per_resident), float(income), float(level)]


def group_by_kmeans(orgs: list[OrgFeatures], k: int = 2, *, seed: int = 2024,
                    table: dict[str, float] | None = None) -> list[Group]:
    """k-means on standardised features with a fixed seed; organisations missing a feature form their own group."""
    from scipy.cluster.vq import kmeans2

    complete = [(org, v) for org in orgs if (v := _vector(org, table)) is not None]
    missing = sorted(org.id for org in orgs if _vector(org, table) is None)
    out: list[Group] = []
    if complete:
        complete.sort(key=lambda pair: pair[0].id)  # the input order never changes the answer
        data = np.array([v for _, v in complete])
        mean, sd = data.mean(axis=0), data.std(axis=0)
        sd[sd == 0] = 1.0
        z = (data - mean) / sd
        k = max(1, min(int(k), len(complete)))
        if k == 1:
            labels = np.zeros(len(complete), dtype=int)
        else:
            _centroids, labels = kmeans2(z, k, minit="++", missing="warn", rng=np.random.default_rng(seed))
        clusters: dict[int, list[int]] = {}
        for index, label in enumerate(labels):
            clusters.setdefault(int(label), []).append(index)
        # Number the clusters by their smallest population first, so the names do not depend on the seed's labels.
        ordered = sorted(clusters.values(), key=lambda idx: (data[idx, 0].mean(), min(complete[i][0].id for i in idx)))
        for number, idx in enumerate(ordered, start=1):
            centre = data[idx].mean(axis=0)
            centroid = {"population": round(10 ** centre[0]),
                        "budget_per_resident_eur": round(10 ** centre[1]),
                        "income_group": _mode([complete[i][0].income_group for i in idx]),
                        "level": _mode([complete[i][0].level for i in idx])}
            out.append(Group(f"cluster-{number}", f"Cluster {number}", sorted(complete[i][0].id for i in idx),
                             centroid))
    if missing:
        out.append(Group("incomplete", "Not clustered: population, budget, level or income group missing", missing))
    return out


def _mode(values: list[str | None]) -> str:
    """The most common value (ties: alphabetical), as a categorical feature's centre."""
    counts = Counter((v or UNKNOWN).strip().lower() for v in values)
    return min(counts, key=lambda v: (-counts[v], v))


def group_of(groups: list[Group], org_id: int) -> Group | None:
    return next((g for g in groups if org_id in g.members), None)


@dataclass
class Comparison:
    group: Group
    organisations: list[int]  # the city first, then its peers by id
    capabilities: dict  # capability key -> {org id: latest score or None}
    indicators: dict  # indicator -> {org id: (latest value, unit) or None}


def compare(city_id: int, groups: list[Group], scores: dict[int, dict[str, int | None]],
            values: dict[int, dict[str, tuple]], capability_keys: list[str]) -> Comparison | None:
    """The city beside its peers, on each capability and indicator; None for a group under three."""
    group = group_of(groups, city_id)
    if group is None or not group.comparable:
        return None
    members = [city_id] + [m for m in group.members if m != city_id]
    caps = {key: {m: scores.get(m, {}).get(key) for m in members} for key in capability_keys}
    names = sorted({name for m in members for name in values.get(m, {})})
    indicators = {name: {m: values.get(m, {}).get(name) for m in members} for name in names}
    return Comparison(group, members, caps, indicators)


# --------------------------------------------------------------------------- the database

def features(org) -> OrgFeatures:
    return OrgFeatures(org.id, org.name, org.population, float(org.annual_budget) if org.annual_budget is not None
                       else None, org.budget_currency, org.government_level, org.income_group)


def load(organisation, framework_key: str = "psci") -> tuple[list, dict, dict, dict]:
    """Organisations that share their data (and the city), their latest scores and indicator values."""
    from sqlalchemy import or_, select

    from ..accounts.models import Organisation
    from ..extensions import db
    from .profile import assessment_rows, latest_values, records_by_organisation

    orgs = list(db.session.scalars(select(Organisation).where(
        or_(Organisation.open_data.is_(True), Organisation.id == organisation.id)).order_by(Organisation.id)))
    ids = [o.id for o in orgs]
    assessments = assessment_rows(ids, framework_key)
    records = records_by_organisation(ids, framework_key)
    scores, values = {}, {}
    for org_id in ids:
        finals = sorted((a for a in assessments[org_id] if a.status == "final"), key=lambda a: (a.assessed_on, a.id))
        latest: dict[str, int | None] = {}
        for a in finals:
            for key, (score, _reason) in a.scores.items():
                if score is not None:
                    latest[key] = score
        scores[org_id] = latest
        values[org_id] = {name: (row.value, row.unit) for name, row in latest_values(records[org_id]).items()
                          if row.value is not None}
    return [features(o) for o in orgs], {o.id: o.name for o in orgs}, scores, values
