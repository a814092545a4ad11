"""Household sampling: which addresses of the address register get a letter.

The civic lottery starts with letters to randomly sampled households, stratified (e.g.
district × deprivation decile) so every part of the city gets its fair share, with
optional oversampling of strata that respond less. Anyone must be able to replay the
draw from the recorded seed and get the same letters. A draw:

1. puts the register in id order, so the sample never depends on the rows' order;
2. gives each stratum a share = its register households (or population) × its weight,
   normalised; shares count already-mailed households too, so a first and a second
   mailing together stay proportional to the register;
3. allocates N × share letters by largest remainder (total exactly N), never more than
   a stratum's available households, the excess going to the others pro rata;
4. gives every household a random 64-bit key (in id order) and mails, per stratum, the
   available households with the smallest keys: a simple random sample in each stratum.

Seeds: ``str(seed)`` is hashed with SHA-256; the digest (a big-endian integer) seeds
numpy's ``SeedSequence`` → ``PCG64``. Keys are raw PCG64 output, a stream numpy keeps
stable across versions. ``42`` and ``"42"`` are the same seed.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

#: Columns of a strata table that are figures, not stratum values.
FIGURE_COLUMNS = ("register_households", "population", "available", "weight", "quota", "letters",
                  "share_of_letters", "share_of_register", "response_rate", "expected_volunteers")


class SamplingError(ValueError):
    """The draw cannot be made as asked; the message says what to change."""


@dataclass(frozen=True, eq=False)
class HouseholdSample:
    """A drawn mailing: ``ids`` (selected register ids, sorted), ``strata`` (one row per
    stratum: its values, register households, available, weight, quota, letters and
    shares) and the recorded ``seed``."""

    ids: np.ndarray
    strata: pd.DataFrame
    seed: str

    @property
    def n(self) -> int:
        return len(self.ids)


def rng_from_seed(seed: str | int) -> np.random.Generator:
    """Generator from SHA-256 of ``str(seed)``, so a seed written in the minutes of a
    meeting (text or number) replays the same draw anywhere."""
    if isinstance(seed, bool) or not isinstance(seed, str | int | np.integer) or not str(seed).strip():
        raise SamplingError("A seed is needed to make the draw reproducible: record a number or a phrase.")
    digest = hashlib.sha256(str(seed).encode("utf-8")).digest()
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int.from_bytes(digest, "big"))))


def allocate_letters(n: int, shares: Sequence[float] | np.ndarray,
                     available: Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Letters per stratum: proportional to ``shares``, capped at ``available``, excess
    spread over the uncapped strata in proportion to their shares, then rounded by
    largest remainder so the total is exactly ``n``. Returns (letters, exact quotas).

    Strata with share 0 get no letters. Ties in remainders go to the earlier stratum.
    """
    shares = np.asarray(shares, dtype=float)
    available = np.asarray(available, dtype=np.int64)
    if shares.shape != available.shape or not np.all(np.isfinite(shares)) or (shares < 0).any() \
            or (available < 0).any():
        raise SamplingError("Each stratum needs a finite share ≥ 0 and a count of available households ≥ 0.")
    if isinstance(n, bool) or not isinstance(n, Real) or n != int(n) or n < 0:
        raise SamplingError(f"The number of letters must be a whole number of 0 or more, not {n!r}.")
    n = int(n)
    open_ = (shares > 0) & (available > 0)
    reachable = int(available[open_].sum())
    if n > reachable:
        closed = int(available[(shares == 0) & (available > 0)].sum())
        extra = f" ({closed:,} more are in strata with weight 0, which get no letters)" if closed else ""
        raise SamplingError(
            f"Cannot send {n:,} letter{'s' if n != 1 else ''}: only {reachable:,} households can still receive "
            f"one{extra}. "
            "Send fewer letters, or use a larger address register.")
    quota = np.zeros(len(shares))
    capped = np.zeros(len(shares), dtype=bool)
    remaining = float(n)
    while n and open_.any():
        q = remaining * shares * open_ / shares[open_].sum()
        over = open_ & (q >= available)
        if not over.any():
            quota[open_] = q[open_]
            break
        quota[over] = available[over]
        capped |= over
        open_ &= ~over
        remaining = n - float(available[capped].sum())
    # Σ floor(quota + 1e-9) ≤ n for any realistic number of strata, so only adding is needed.
    letters = np.minimum(np.floor(quota + 1e-9).astype(np.int64), available)
    short = n - int(letters.sum())
    if short > 0:  # largest remainders first
        room = np.flatnonzero((letters < available) & (shares > 0))
        order = room[np.lexsort((room, -(quota[room] - letters[room])))]
        letters[order[:short]] += 1
    return letters, quota


def _factorize(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, sorted distinct values); small whole numbers (deciles, district
    numbers) are counted directly instead of hashed."""
    x = column.to_numpy()
    if x.dtype.kind in "iu" and len(x):
        lo, hi = int(x.min()), int(x.max())
        if hi - lo <= 4 * len(x) + 1024:
            shifted = x - lo
            present = np.bincount(shifted, minlength=hi - lo + 1) > 0
            return (np.cumsum(present) - 1)[shifted], (np.flatnonzero(present) + lo).astype(object)
    try:  # a plain array hashes twice as fast as pandas' string arrays, and with the NA sentinel
        codes, uniques = pd.factorize(column if isinstance(column.dtype, pd.CategoricalDtype) else x, sort=True)
    except TypeError as exc:
        raise SamplingError(f"Column '{column.name}' mixes numbers and text; use one kind of value "
                            "per column.") from exc
    uniques = np.asarray(uniques, dtype=object)
    if (codes < 0).any():  # missing values form the last stratum value
        codes = np.where(codes < 0, len(uniques), codes)
        uniques = np.append(uniques, np.nan)
    return codes, uniques


def _stratum_codes(register: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Stratum number per row and the table of stratum values, numbered in sorted order
    of the values so the numbering never depends on row order."""
    code = np.zeros(len(register), dtype=np.intp)
    value_codes: list[np.ndarray] = []  # per column: value index of each stratum
    uniques = []
    for col in columns:
        c, u = _factorize(register[col])
        uniques.append(u)
        if not value_codes:  # first column: its codes are already the strata
            code, value_codes = c, [np.arange(len(u))]
            continue
        combined = code * len(u) + c  # lexicographic order of the values
        top = int(combined.max()) + 1 if len(combined) else 0
        if top <= 4 * len(combined) + 1024:  # renumber the strata present as 0, 1, ... in O(rows)
            present = np.bincount(combined, minlength=top) > 0
            code, seen = (np.cumsum(present) - 1)[combined], np.flatnonzero(present)
        else:
            code, seen = pd.factorize(combined, sort=True)
        value_codes = [v[seen // len(u)] for v in value_codes] + [seen % len(u)]
    n_strata = (int(code.max()) + 1 if len(code) else 0) if columns else int(len(code) > 0)
    table = pd.DataFrame({col: u[v] for col, u, v in zip(columns, uniques, value_codes, strict=True)},
                         index=range(n_strata)).infer_objects()
    return code, table


def _weights(table: pd.DataFrame, columns: list[str],
             weights: Mapping[str, Mapping[Hashable, float]] | None) -> np.ndarray:
    """Oversampling weight per stratum: product of the weights of its values."""
    w = np.ones(len(table))
    for col, by_value in (weights or {}).items():
        if col not in columns:
            raise SamplingError(f"Oversampling weights name column '{col}', which is not a stratum column "
                                f"(strata: {', '.join(columns) or 'none'}).")
        present = set(table[col])
        unknown = [v for v in by_value if v not in present]
        if unknown:
            raise SamplingError(f"Oversampling weights for '{col}' name value(s) {unknown!r} that are not in "
                                f"the address register (values there: {sorted(map(str, present))[:12]}).")
        for value, factor in by_value.items():
            if isinstance(factor, bool) or not isinstance(factor, Real) or not (0 <= factor < math.inf):
                raise SamplingError(f"Oversampling weight for {col} = {value!r} must be a number ≥ 0, "
                                    f"not {factor!r}.")
            w[(table[col] == value).to_numpy()] *= factor
    return w


def _id_order(ids: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """(row order that sorts the ids, or None when already sorted; sorted ids as numbers
    or text). Whole numbers in a moderate range sort as (id, row) packed in one uint64,
    five times faster than an argsort."""
    keys = ids if ids.dtype.kind in "iuf" else ids.astype(str)
    if keys.dtype.kind == "f" and np.all(keys == np.floor(keys)) and np.all(np.abs(keys) < 2**53):
        keys = keys.astype(np.int64)
    n = len(keys)
    if keys.dtype.kind in "iu" and n:
        if n < 2 or bool(np.all(keys[1:] > keys[:-1])):
            return None, keys
        lo = keys.min()
        bits = max(1, (n - 1).bit_length())
        if int(keys.max()) - int(lo) < 2 ** (64 - bits):
            packed = ((keys - lo).astype(np.uint64) << np.uint64(bits)) | np.arange(n, dtype=np.uint64)
            packed.sort()
            order = (packed & np.uint64((1 << bits) - 1)).astype(np.intp)
            return order, (packed >> np.uint64(bits)).astype(keys.dtype) + lo
    order = np.argsort(keys, kind="stable")
    return order, keys[order]


def _excluded(sorted_keys: np.ndarray, exclude: Iterable[Hashable] | np.ndarray | None) -> np.ndarray:
    """Mask (in id order) of register households already mailed for this panel. Ids
    typed as text match numeric register ids and vice versa."""
    mailed = np.zeros(len(sorted_keys), dtype=bool)
    given = exclude if isinstance(exclude, np.ndarray | pd.Index | pd.Series) else list(exclude or ())
    values = raw = np.asarray(given).ravel()
    if values.size == 0 or len(sorted_keys) == 0:
        return mailed
    if sorted_keys.dtype.kind not in "iuf":
        values = values.astype(str)
    elif values.dtype.kind not in "iuf":
        values = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
        if np.isnan(values).any():
            raise SamplingError(f"Already-mailed id(s) {', '.join(map(repr, raw[np.isnan(values)][:3]))} are "
                                "not numbers, but the register ids are: check the list of mailed ids.")
    if sorted_keys.dtype.kind in "iu":  # 12.5 can never match a whole-number id
        values = values[values == np.floor(values)].astype(sorted_keys.dtype)
    pos = np.searchsorted(sorted_keys, values)
    hit = pos < len(sorted_keys)
    hit[hit] = sorted_keys[pos[hit]] == values[hit]
    mailed[pos[hit]] = True
    return mailed


def _take_smallest(groups: np.ndarray, keys: np.ndarray, letters: np.ndarray, avail: np.ndarray,
                   mailed: np.ndarray | None) -> np.ndarray:
    """Positions of the ``letters[g]`` smallest keys of each group, ties to the earlier
    position (id order), so the result is exact and free of row order.

    Only rows under a generous per-group threshold are sorted (the m-th smallest of a
    uniform keys lies below it except with odds of about 1e-9; a group that falls
    short takes all its rows), which keeps the work near O(rows)."""
    frac = (letters + 6 * np.sqrt(letters) + 16) / np.maximum(avail, 1)
    limit = (np.minimum(frac, 0.999) * 2.0**64).astype(np.uint64)
    limit[frac >= 1] = np.iinfo(np.uint64).max
    limit[letters == 0] = 0
    cand = keys <= limit[groups]
    if mailed is not None:
        cand &= ~mailed
    short = np.bincount(groups[cand], minlength=len(letters)) < letters
    if short.any():
        cand |= short[groups]
        if mailed is not None:
            cand &= ~mailed
    idx = np.flatnonzero(cand)
    g = groups[idx]
    order = np.lexsort((keys[idx], g))  # stable: equal keys stay in id order
    idx, g = idx[order], g[order]
    starts = np.concatenate(([0], np.cumsum(np.bincount(g, minlength=len(letters)))[:-1]))
    rank = np.arange(len(idx)) - starts[g]
    return idx[rank < letters[g]]


def sample_households(
    register: pd.DataFrame,
    n: int,
    strata: str | Sequence[str] | None = None,
    *,
    seed: str | int,
    id_column: str = "id",
    population_column: str | None = None,
    weights: Mapping[str, Mapping[Hashable, float]] | None = None,
    exclude: Iterable[Hashable] | np.ndarray | None = None,
) -> HouseholdSample:
    """Draw ``n`` households from the address register, stratified by ``strata``.

    ``weights`` oversample strata, e.g. ``{"deprivation_decile": {1: 1.5, 2: 1.5}}``
    multiplies those strata's shares by 1.5 before normalising (weights of several
    columns multiply). ``exclude`` holds register ids already mailed for this panel,
    so a second mailing never repeats one. Missing stratum values form their own stratum.
    """
    columns = [strata] if isinstance(strata, str) else list(strata or [])
    missing = [c for c in [id_column, *columns, *([population_column] if population_column else [])]
               if c not in register.columns]
    if missing:
        raise SamplingError(f"The address register has no column(s) {', '.join(map(repr, missing))} "
                            f"(columns there: {', '.join(map(str, register.columns))}).")
    rng = rng_from_seed(seed)
    ids = register[id_column].to_numpy()
    if ids.dtype.kind not in "iub" and pd.isna(ids).any():
        raise SamplingError(f"Some households in the address register have no '{id_column}'.")
    order, sorted_keys = _id_order(ids)
    if len(ids) > 1 and order is not None:
        same = sorted_keys[1:] == sorted_keys[:-1]
        if same.any():
            raise SamplingError(f"Each household must appear once in the address register; repeated "
                                f"'{id_column}': {', '.join(map(str, sorted_keys[1:][same][:5]))}.")

    groups, table = _stratum_codes(register, columns)
    n_strata = len(table)
    if order is not None:
        groups = groups[order]
    mailed = _excluded(sorted_keys, exclude)
    households = np.bincount(groups, minlength=n_strata)
    available = households - np.bincount(groups[mailed], minlength=n_strata)
    if population_column:
        pop = pd.to_numeric(register[population_column], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(pop)) or np.any(pop < 0):
            raise SamplingError(f"Column '{population_column}' must hold a number ≥ 0 for every household.")
        size = np.bincount(groups, weights=pop if order is None else pop[order], minlength=n_strata)
    else:
        size = households.astype(float)
    w = _weights(table, columns, weights)
    if isinstance(n, Real) and not isinstance(n, bool) and n > available.sum():
        done = int(mailed.sum())
        raise SamplingError(
            f"Cannot send {n:,} letter{'s' if n != 1 else ''}: the address register has only {len(ids):,} households"
            + (f" and {done:,} of them were already mailed for this panel, so at most "
               f"{len(ids) - done:,} letters can be sent now" if done else "")
            + ". Send fewer letters, or use a larger address register.")
    letters, quota = allocate_letters(n, size * w, available)

    keys = rng.bit_generator.random_raw(len(ids))  # one key per household, in id order
    chosen = np.sort(_take_smallest(groups, keys, letters, available, mailed if mailed.any() else None))
    chosen_ids = ids[chosen if order is None else order[chosen]]  # in id order

    table = table.assign(register_households=households, **({"population": size} if population_column else {}),
                         available=available, weight=w, quota=quota, letters=letters,
                         share_of_letters=letters / n if n else 0.0,
                         share_of_register=households / households.sum() if len(ids) else 0.0)
    return HouseholdSample(ids=chosen_ids, strata=table, seed=str(seed))


@dataclass(frozen=True, eq=False)
class MailingPlan:
    """How many letters to send and what to expect back (overall and per stratum).
    ``volunteers_per_seat`` is the expected pool per seat; ``pool_per_seat`` the rule's
    minimum before the safety factor."""

    seats: int
    letters: int
    response_rate: float
    expected_volunteers: float
    letters_per_seat: float
    volunteers_per_seat: float
    pool_per_seat: float
    safety_factor: float
    strata: pd.DataFrame | None = None


def _rates(table: pd.DataFrame, columns: list[str], default: float,
           by_stratum: Mapping[Hashable, float] | pd.Series | None) -> np.ndarray:
    """Response rate per stratum row; keys are a value (one stratum column) or a tuple."""
    rates = np.full(len(table), float(default))
    rows = table[columns].itertuples(index=False)
    where = {tuple(r) if len(columns) > 1 else r[0]: i for i, r in enumerate(rows)}
    for key, rate in dict((by_stratum if by_stratum is not None else {}).items()).items():
        if key not in where:
            raise SamplingError(f"Response rate given for stratum {key!r}, which is not in the strata table.")
        if not (0 < float(rate) <= 1):
            raise SamplingError(f"Response rate for stratum {key!r} must be above 0 and at most 1, not {rate!r}.")
        rates[where[key]] = float(rate)
    return rates


def plan_mailing(
    seats: int,
    response_rate: float = 0.03,
    strata_table: pd.DataFrame | None = None,
    response_rates_by_stratum: Mapping[Hashable, float] | pd.Series | None = None,
    safety_factor: float = 2.0,
    pool_per_seat: float = 4.0,
) -> MailingPlan:
    """Suggest how many letters to send for ``seats`` seats.

    Rule: the selection needs a pool of about ``pool_per_seat`` (4) volunteers per
    seat to meet its quotas; response rates vary by stratum and by year, so plan for
    ``safety_factor`` (2) times that:  N = ceil(seats × 4 × 2 / response rate).
    At 3 % that is 267 letters per seat (36 seats → 9,600 letters, ~288 volunteers),
    inside the 250-300 per seat practitioners plan; 2 % → 400, 4 % → 200, 5 % → 160.

    With ``strata_table`` (e.g. ``HouseholdSample.strata``: stratum columns plus
    ``letters``, ``share_of_letters`` or ``register_households``, and ``available`` to
    cap), N uses the share-weighted response rate and the plan lists letters and
    expected volunteers (letters × stratum rate) per stratum.
    ``response_rates_by_stratum`` maps a stratum value (or tuple of values) to its rate.
    """
    if isinstance(seats, bool) or int(seats) != seats or seats < 1:
        raise SamplingError(f"Seats must be a whole number of 1 or more, not {seats!r}.")
    if not 0 < response_rate <= 1:
        raise SamplingError(f"The response rate is a fraction such as 0.03 for 3 %, not {response_rate!r}.")
    if safety_factor < 1 or pool_per_seat < 1:
        raise SamplingError("The safety factor and the pool per seat must be at least 1.")
    target = seats * pool_per_seat * safety_factor
    table = None
    rate = float(response_rate)
    if strata_table is not None:
        columns = [c for c in strata_table.columns if c not in FIGURE_COLUMNS]
        for source in ("share_of_letters", "letters", "register_households"):
            if source in strata_table.columns:
                share = strata_table[source].to_numpy(dtype=float)
                break
        else:
            raise SamplingError("The strata table needs a 'letters', 'share_of_letters' or "
                                "'register_households' column to split the letters.")
        if share.sum() <= 0:
            raise SamplingError("The strata table gives every stratum a share of 0.")
        share = share / share.sum()
        rates = _rates(strata_table, columns, rate, response_rates_by_stratum)
        rate = float(share @ rates)
        letters_n = math.ceil(target / rate - 1e-9)
        cap = (strata_table["available"].to_numpy(dtype=np.int64) if "available" in strata_table.columns
               else np.full(len(share), letters_n, dtype=np.int64))
        letters, _ = allocate_letters(letters_n, share, cap)
        table = strata_table[columns].reset_index(drop=True).assign(
            letters=letters, response_rate=rates, expected_volunteers=letters * rates)
        rate = float((letters * rates).sum() / letters_n)
    elif response_rates_by_stratum is not None:
        raise SamplingError("Response rates by stratum need a strata table to say how letters split.")
    else:
        letters_n = math.ceil(target / rate - 1e-9)
    return MailingPlan(
        seats=int(seats), letters=letters_n, response_rate=rate, expected_volunteers=letters_n * rate,
        letters_per_seat=letters_n / seats, volunteers_per_seat=letters_n * rate / seats,
        pool_per_seat=float(pool_per_seat), safety_factor=float(safety_factor), strata=table,
    )
