"""Compress the pool to *types*: volunteers with identical category values.

Volunteers of one type are interchangeable for every quota, so the algorithms decide
how many seats each type gets and share them fairly among its members afterwards.
This turns thousands of binary choices into a few hundred bounded integers. A volunteer
who shares a household with someone else is not interchangeable (the household rule
treats them differently), so each such volunteer is a type of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .pool import Instance


@dataclass(frozen=True)
class TypeSpace:
    """Types of one instance.

    ``codes`` (T x C) value codes, ``sizes`` (T,), ``members[t]`` person indices sorted
    by id, ``person_type`` (n,), ``households`` lists of type indices sharing a household,
    ``A`` (V x T) 0/1 matrix of quota value membership, ``lo``/``hi`` (V,) bounds, ``k``.
    """

    codes: np.ndarray
    sizes: np.ndarray
    members: tuple[np.ndarray, ...]
    person_type: np.ndarray
    households: tuple[np.ndarray, ...]
    A: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    k: int
    labels: tuple[tuple[str, str], ...]  # (category, value) per quota row

    @property
    def n_types(self) -> int:
        return len(self.sizes)

    def panel_ok(self, x: np.ndarray, lo: np.ndarray | None = None,
                 hi: np.ndarray | None = None) -> bool:
        """Exact integer check of a type-count vector against every rule."""
        x = np.asarray(x)
        lo = self.lo if lo is None else lo
        hi = self.hi if hi is None else hi
        if x.dtype.kind not in "iu" or (x < 0).any() or (x > self.sizes).any():
            return False
        if int(x.sum()) != self.k:
            return False
        counts = self.A64 @ x.astype(np.int64)
        if (counts < lo).any() or (counts > hi).any():
            return False
        if not self.households:
            return True
        members, starts = self._household_index
        return bool((np.add.reduceat(x[members], starts) <= 1).all())

    @cached_property
    def A64(self) -> np.ndarray:
        return self.A.astype(np.int64)

    @cached_property
    def _household_index(self) -> tuple[np.ndarray, np.ndarray]:
        """Types of every shared household end to end, and where each household starts."""
        lengths = [len(h) for h in self.households]
        return (np.concatenate(self.households),
                np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64))


def quota_arrays(instance: Instance) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str]]]:
    """Bounds per quota row in quota-file order."""
    lo, hi, labels = [], [], []
    for q in instance.quotas:
        lo.append(q.min)
        hi.append(q.max)
        labels.append((q.category, q.value))
    return np.array(lo, dtype=np.int64), np.array(hi, dtype=np.int64), labels


def value_matrix(instance: Instance, codes: np.ndarray) -> np.ndarray:
    """(V x rows of codes) 0/1 matrix: does a row of codes have quota value v."""
    cats = list(instance.quotas.categories.items())
    mats = []
    for c, (_cat, values) in enumerate(cats):
        for j in range(len(values)):
            mats.append(codes[:, c] == j)
    if not mats:
        return np.zeros((0, len(codes)), dtype=np.int8)
    return np.array(mats, dtype=np.int8)


def compress(instance: Instance) -> TypeSpace:
    """Group interchangeable volunteers into types (deterministic order)."""
    pool = instance.pool
    n = pool.n
    order = sorted(range(n), key=lambda i: pool.ids[i])
    hh = pool.households if instance.household_rule else np.full(n, -1)
    shared = np.zeros(n, dtype=bool)
    if (hh >= 0).any():
        counts = np.bincount(hh[hh >= 0])
        shared = (hh >= 0) & (counts[np.maximum(hh, 0)] > 1)
    groups: dict[tuple, list[int]] = {}
    for i in order:
        key = tuple(int(v) for v in pool.codes[i])
        key = key + ((pool.ids[i],) if shared[i] else ())
        groups.setdefault(key, []).append(i)
    keys = sorted(groups, key=lambda g: (g[: pool.codes.shape[1]], pool.ids[groups[g][0]]))
    members = tuple(np.array(groups[g], dtype=np.int64) for g in keys)
    person_type = np.empty(n, dtype=np.int64)
    for t, m in enumerate(members):
        person_type[m] = t
    codes = (np.array([g[: pool.codes.shape[1]] for g in keys], dtype=np.int32)
             if keys else np.zeros((0, pool.codes.shape[1]), dtype=np.int32))
    households: list[np.ndarray] = []
    if shared.any():
        by_hh: dict[int, list[int]] = {}
        for i in np.flatnonzero(shared):
            by_hh.setdefault(int(hh[i]), []).append(int(person_type[i]))
        households = [np.array(sorted(v), dtype=np.int64) for _, v in sorted(by_hh.items())]
    lo, hi, labels = quota_arrays(instance)
    return TypeSpace(
        codes=codes,
        sizes=np.array([len(m) for m in members], dtype=np.int64),
        members=members,
        person_type=person_type,
        households=tuple(households),
        A=value_matrix(instance, codes),
        lo=lo,
        hi=hi,
        k=instance.k,
        labels=tuple(labels),
    )
