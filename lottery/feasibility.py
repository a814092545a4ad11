"""Is there any panel at all? If not, why, and what is the smallest fix?

``check`` answers in words an organiser can act on:

* a small set of quota bounds that cannot all hold together (found by a deletion
  filter: drop one bound at a time and keep it dropped if the rest is still
  infeasible; what remains is irreducible), with facts from the pool that explain it;
* the smallest relaxation: new (min, max) bounds changing the fewest seats in total,
  within ``min_flex``/``max_flex`` when the quota file gives them (an integer program
  with one slack per bound, HiGHS).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np

from .compress import TypeSpace, compress
from .milp import INF, PanelSolver, new_highs
from .pool import Instance


@dataclass
class Feasibility:
    """Result of :func:`check`. ``relaxation`` rows: category, value, min, max, new_min,
    new_max (only changed values)."""

    feasible: bool
    example_panel: list[int] | None = None
    conflicts: list[dict] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    relaxation: list[dict] = field(default_factory=list)
    seats_changed: int = 0
    within_flex: bool = True

    def message(self) -> str:
        if self.feasible:
            return "The quotas can be met: at least one panel satisfies all of them."
        lines = ["No panel can meet all the quotas."]
        lines += self.explanation
        if self.relaxation:
            lines.append(f"Smallest change ({self.seats_changed} seat(s)"
                         f"{'' if self.within_flex else ', beyond the flex bounds'}):")
            for r in self.relaxation:
                lines.append(f"  {r['category']} = {r['value']}: min {r['min']} -> "
                             f"{r['new_min']}, max {r['max']} -> {r['new_max']}")
        return "\n".join(lines)


def _bound_text(label: tuple[str, str], kind: str, limit: int) -> str:
    cat, val = label
    return f"at {'least' if kind == 'min' else 'most'} {limit} of {cat} = {val}"


def minimal_relaxation(instance: Instance, ts: TypeSpace | None = None,
                       use_flex: bool = True) -> tuple[dict | None, int]:
    """New bounds {(category, value): (min, max)} changing the fewest seats, or None."""
    ts = ts or compress(instance)
    quotas = list(instance.quotas)
    V, T = len(quotas), ts.n_types
    h = new_highs(time_limit=60)
    h.addVars(T, np.zeros(T), ts.sizes.astype(float))
    lo_cap = [q.min - (q.min_flex if use_flex and q.min_flex is not None else 0)
              for q in quotas]
    hi_cap = [(q.max_flex - q.max) if use_flex and q.max_flex is not None else ts.k
              for q in quotas]
    h.addVars(V, np.zeros(V), np.array(lo_cap, dtype=float))
    h.addVars(V, np.zeros(V), np.array(hi_cap, dtype=float))
    total = T + 2 * V
    h.changeColsIntegrality(total, np.arange(total, dtype=np.int32),
                            np.full(total, highspy.HighsVarType.kInteger))
    h.changeColsCost(2 * V, np.arange(T, total, dtype=np.int32), np.ones(2 * V))
    for v, q in enumerate(quotas):
        cols = np.flatnonzero(ts.A[v])
        idx = np.concatenate([cols, [T + v]]).astype(np.int32)
        h.addRow(float(q.min), INF, len(idx), idx, np.ones(len(idx)))
        idx = np.concatenate([cols, [T + V + v]]).astype(np.int32)
        h.addRow(-INF, float(q.max), len(idx), idx,
                 np.concatenate([np.ones(len(cols)), [-1.0]]))
    h.addRow(float(ts.k), float(ts.k), T, np.arange(T, dtype=np.int32), np.ones(T))
    for grp in ts.households:
        h.addRow(-INF, 1.0, len(grp), grp.astype(np.int32), np.ones(len(grp)))
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None, 0
    sol = np.rint(np.array(h.getSolution().col_value)).astype(np.int64)
    lo_s, hi_s = sol[T:T + V], sol[T + V:]
    bounds = {(q.category, q.value): (q.min - int(lo_s[v]), q.max + int(hi_s[v]))
              for v, q in enumerate(quotas)}
    return bounds, int(lo_s.sum() + hi_s.sum())


def _conflict_set(ts: TypeSpace, solver: PanelSolver) -> list[tuple[int, str]]:
    """Deletion filter over the quota bounds that can bind."""
    pool_counts = ts.A.astype(np.int64) @ ts.sizes
    active = [(v, "min") for v in range(len(ts.lo)) if ts.lo[v] > 0]
    active += [(v, "max") for v in range(len(ts.hi)) if ts.hi[v] < min(pool_counts[v], ts.k)]
    on = set(active)

    def apply() -> None:
        lo = np.array([ts.lo[v] if (v, "min") in on else 0 for v in range(len(ts.lo))])
        hi = np.array([ts.hi[v] if (v, "max") in on else ts.k for v in range(len(ts.hi))])
        solver.set_quota_bounds(lo, hi)

    def feasible() -> bool:
        apply()
        return solver.any_panel() is not None

    for b in active:
        on.discard(b)
        if feasible():
            on.add(b)
    solver.set_quota_bounds(ts.lo, ts.hi)
    return sorted(on)


def _pool_facts(ts: TypeSpace, conflicts: list[tuple[int, str]]) -> list[str]:
    facts = []
    vals = sorted({v for v, _ in conflicts})
    counts = ts.A.astype(np.int64) @ ts.sizes
    for v in vals:
        facts.append(f"The pool has {counts[v]} volunteer(s) with {ts.labels[v][0]} = "
                     f"{ts.labels[v][1]}.")
    for a in vals:
        for b in vals:
            if a < b and ts.labels[a][0] != ts.labels[b][0]:
                both = int((ts.A[a] * ts.A[b]) @ ts.sizes)
                la, lb = ts.labels[a], ts.labels[b]
                if both == counts[a]:
                    facts.append(f"Every volunteer with {la[0]} = {la[1]} has {lb[0]} = {lb[1]}.")
                elif both == counts[b]:
                    facts.append(f"Every volunteer with {lb[0]} = {lb[1]} has {la[0]} = {la[1]}.")
                elif both == 0:
                    facts.append(f"No volunteer has both {la[0]} = {la[1]} and "
                                 f"{lb[0]} = {lb[1]}.")
                else:
                    facts.append(f"{both} of the {counts[a]} volunteers with {la[0]} = "
                                 f"{la[1]} have {lb[0]} = {lb[1]}.")
    return facts


def check(instance: Instance, explain: bool = True) -> Feasibility:
    """Whether some panel meets every quota (and the household rule); if not, why not
    and the smallest relaxation of the quotas that would allow one."""
    ts = compress(instance)
    solver = PanelSolver(ts, time_limit=120)
    x = solver.any_panel()
    if x is not None:
        from .leximin import TypePortfolio
        from .portfolio import expand
        panels, _ = expand(ts, TypePortfolio(x[None, :], np.array([1.0])))
        return Feasibility(True, example_panel=sorted(panels[0]))
    result = Feasibility(False)
    if not explain:
        return result
    conflicts = _conflict_set(ts, solver)
    for v, kind in conflicts:
        limit = int(ts.lo[v] if kind == "min" else ts.hi[v])
        result.conflicts.append({"category": ts.labels[v][0], "value": ts.labels[v][1],
                                 "bound": kind, "limit": limit})
    parts = [_bound_text(ts.labels[v], kind, int(ts.lo[v] if kind == "min" else ts.hi[v]))
             for v, kind in conflicts]
    parts.append(f"a panel of exactly {ts.k}")
    if ts.households:
        parts.append("at most one person per household")
    result.explanation.append("These cannot all hold together: " + "; ".join(parts) + ".")
    result.explanation += _pool_facts(ts, conflicts)
    bounds, seats = minimal_relaxation(instance, ts, use_flex=True)
    if bounds is None:
        bounds, seats = minimal_relaxation(instance, ts, use_flex=False)
        result.within_flex = False
    if bounds is None:
        result.explanation.append("No change to the quotas alone helps: the pool has too "
                                  "few volunteers (or households) for this panel size.")
        return result
    result.seats_changed = seats
    for q in instance.quotas:
        new = bounds[(q.category, q.value)]
        if new != (q.min, q.max):
            result.relaxation.append({"category": q.category, "value": q.value, "min": q.min,
                                      "max": q.max, "new_min": new[0], "new_max": new[1]})
    return result
