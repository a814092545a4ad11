"""Registration codes printed on the letters.

Each letter carries one code that a resident types to register. Codes are random
(from :mod:`secrets`, never sequential, so one code reveals nothing about another and
cannot be guessed), short enough to type, and self-checking so that a typo is caught
before it can match somebody else's letter.

Format: 9 random characters + 1 check character from a 31-character alphabet without
0/O, 1/I/L (``23456789ABCDEFGHJKMNPQRSTUVWXYZ``), shown as ``XXXXX-XXXXX``.
31^9 ≈ 2^44.6 possible codes, so 30,000 letters use about one code in 900 million.

Check character: with values v1..v10 and weights 1..10, the check v10 makes
Σ i·vi ≡ 0 (mod 31).
Proof it catches any single substitution and any swap of neighbours (31 is prime):
  a substitution at i shifts the sum by i·(v'−v), a product of two non-zero residues;
  a swap at i, i+1 shifts it by (i − (i+1))·(v(i+1) − vi) = vi − v(i+1) ≠ 0 unless equal.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Iterable

import numpy as np

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BASE = len(ALPHABET)  # 31, prime
PAYLOAD = 9  # random characters
LENGTH = PAYLOAD + 1
WEIGHTS = np.arange(1, LENGTH + 1)  # distinct, non-zero, neighbours differ by 1 (mod 31)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_INV_LAST = pow(int(WEIGHTS[-1]), -1, BASE)  # 10 × 28 ≡ 1 (mod 31)
_SEPARATORS = dict.fromkeys(map(ord, " -.\t\n\r\u00a0\u2010\u2011\u2012\u2013\u2014\u2212_/"))
_ALPHABET_BYTES = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)


def check_character(payload: str) -> str:
    """The character that makes ``payload`` (9 characters of the alphabet) a valid code."""
    if len(payload) != PAYLOAD or any(c not in _VALUE for c in payload):
        raise ValueError(f"A code starts with {PAYLOAD} characters from {ALPHABET}, not {payload!r}.")
    total = sum(int(w) * _VALUE[c] for w, c in zip(WEIGHTS, payload, strict=False))
    return ALPHABET[(-total * _INV_LAST) % BASE]


def generate_code() -> str:
    """One fresh code (10 characters, no dash): 9 characters from :mod:`secrets` + check."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD))
    return payload + check_character(payload)


def _random_values(count: int) -> np.ndarray:
    """``count`` values uniform in 0..30 from the OS's secure source: bytes ≥ 248 are
    rejected so that ``b % 31`` has no bias (248 = 8 × 31)."""
    out = np.empty(0, dtype=np.uint8)
    while len(out) < count:
        need = count - len(out)
        raw = np.frombuffer(secrets.token_bytes(need + need // 16 + 64), dtype=np.uint8)
        out = np.concatenate((out, raw[raw < 248][:need] % BASE))
    return out


def _batch(n: int) -> list[str]:
    """``n`` codes at once (vectorised; the same construction as :func:`generate_code`)."""
    values = _random_values(n * PAYLOAD).reshape(n, PAYLOAD).astype(np.int64)
    check = (-(values @ WEIGHTS[:PAYLOAD]) * _INV_LAST) % BASE
    chars = _ALPHABET_BYTES[np.column_stack((values, check))]
    return chars.view(f"S{LENGTH}").ravel().astype(str).tolist()


def generate_codes(n: int, existing: Iterable[str] = ()) -> list[str]:
    """``n`` distinct codes, none of them in ``existing`` (typed or formatted codes of
    earlier mailings), in random order. Fast: 100,000 codes in well under a second."""
    if isinstance(n, bool) or int(n) != n or n < 0:
        raise ValueError(f"The number of codes must be a whole number of 0 or more, not {n!r}.")
    taken = {c for c in map(normalise, existing) if c is not None}
    codes: list[str] = []
    fresh: set[str] = set()
    while len(codes) < n:
        for code in _batch(n - len(codes)):
            if code not in taken and code not in fresh:
                fresh.add(code)
                codes.append(code)
    return codes


def normalise(typed: str) -> str | None:
    """The code as stored (10 upper-case characters, no separators), or None when what
    was typed cannot be a code (wrong length or a character outside the alphabet).

    Tolerates lower case, spaces, dashes (also typographic ones), dots, slashes and
    underscores. 0, O, 1, I and L are never in a code, so they are not guessed at: a
    code containing them is rejected and the person is asked to retype it.
    Does not test the check character: see :func:`is_valid`.
    """
    if not isinstance(typed, str):
        return None
    text = unicodedata.normalize("NFKC", typed).translate(_SEPARATORS).upper()
    if len(text) != LENGTH or any(c not in _VALUE for c in text):
        return None
    return text


def is_valid(typed: str) -> bool:
    """True when ``typed`` is a well-formed code whose check character matches, i.e. not a
    typo of some other code (it may still be a code that was never sent)."""
    code = normalise(typed)
    if code is None:
        return False
    return sum(int(w) * _VALUE[c] for w, c in zip(WEIGHTS, code, strict=True)) % BASE == 0


def format_code(raw: str) -> str:
    """The code as printed on a letter: ``XXXXX-XXXXX``."""
    code = normalise(raw)
    if code is None:
        raise ValueError(f"{raw!r} is not a registration code ({LENGTH} characters from {ALPHABET}).")
    return f"{code[:5]}-{code[5:]}"
