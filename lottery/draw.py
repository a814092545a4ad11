"""The draw: one panel from a portfolio, reproducible by anyone from the seed.

Exact derivation (also in ``lottery/DRAW.md``):

1. ``digest = SHA-256(seed encoded as UTF-8)``; ``N = first 8 bytes of digest`` read as
   a big-endian unsigned integer (``0 <= N < 2**64``), so ``u = N / 2**64`` is in [0, 1).
2. The portfolio is listed in canonical order: each panel's member ids sorted (as
   Unicode strings), panels sorted by those lists. Each panel's probability is stored
   as an integer weight out of ``TOTAL = 10**9``: ``floor(p * 10**9)``, then the
   missing units go one each to the panels with the largest remainders (ties: earlier
   panel first), so the weights add up to exactly ``10**9``.
3. ``r = floor(N * TOTAL / 2**64)`` (integer arithmetic, ``0 <= r < TOTAL``); the drawn
   panel is the first one whose running total of weights exceeds ``r``.

For a transparent lottery of M numbered panels, ``r = floor(N * M / 2**64)`` is the
panel number (or the number is drawn in public, e.g. with three ten-sided dice).
"""

from __future__ import annotations

import hashlib
import secrets
from fractions import Fraction

import numpy as np

TOTAL = 10**9


def new_seed() -> str:
    """A fresh unpredictable seed (to be recorded in the report)."""
    return secrets.token_hex(16)


def seed_integer(seed: str) -> int:
    """First 8 bytes of SHA-256(seed) as a big-endian integer in [0, 2**64)."""
    return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big")


def fixed_weights(probs: np.ndarray | list[float], total: int = TOTAL) -> list[int]:
    """Integer weights out of ``total`` by largest remainder (they sum to ``total``)."""
    exact = [Fraction(float(p)) * total for p in probs]
    s = sum(exact)
    if s <= 0:
        raise ValueError("probabilities must be positive")
    exact = [e * total / s for e in exact]  # renormalise exactly
    floors = [int(e) for e in exact]
    missing = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda j: (-(exact[j] - floors[j]), j))
    for j in order[:missing]:
        floors[j] += 1
    return floors


def draw_index(weights: list[int], seed: str) -> tuple[int, int]:
    """(panel position, r) for integer ``weights`` and ``seed`` (see module docstring)."""
    total = sum(weights)
    r = (seed_integer(seed) * total) >> 64
    running = 0
    for j, w in enumerate(weights):
        running += w
        if running > r:
            return j, r
    raise AssertionError("unreachable: r < total")


def draw_number(m: int, seed: str) -> int:
    """Panel number in 0..m-1 of a transparent lottery from ``seed``."""
    return (seed_integer(seed) * m) >> 64
