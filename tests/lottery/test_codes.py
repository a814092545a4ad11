"""Registration codes: random, unique, typable, and every single typo or neighbour swap caught."""

from __future__ import annotations

import math
import secrets
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lottery import codes
from lottery.codes import (
    ALPHABET,
    LENGTH,
    check_character,
    format_code,
    generate_code,
    generate_codes,
    is_valid,
    normalise,
)

payloads = st.text(alphabet=ALPHABET, min_size=9, max_size=9)


def test_alphabet_and_weights_are_what_the_proof_needs():
    assert len(ALPHABET) == 31 == len(set(ALPHABET))
    assert all(31 % d for d in range(2, 31))  # prime
    assert not set("01OIL") & set(ALPHABET)
    w = [int(x) for x in codes.WEIGHTS]
    assert len(set(w)) == LENGTH and all(x % 31 for x in w)
    assert all((a - b) % 31 for a, b in zip(w, w[1:], strict=False))


def test_randomness_is_at_least_40_bits():
    code = generate_code()
    assert len(code) == 10 and set(code) <= set(ALPHABET)
    assert (LENGTH - 1) * math.log2(len(ALPHABET)) >= 40


def _all_typos(code: str):
    for i, c in enumerate(code):
        for other in ALPHABET:
            if other != c:
                yield code[:i] + other + code[i + 1:]
    for i in range(LENGTH - 1):
        if code[i] != code[i + 1]:
            yield code[:i] + code[i + 1] + code[i] + code[i + 2:]


def test_every_single_substitution_and_neighbour_swap_is_caught_exhaustively():
    sample = generate_codes(300) + [generate_code() for _ in range(20)]
    checked = 0
    for code in sample:
        assert is_valid(code)
        for typo in _all_typos(code):
            assert not is_valid(typo), (code, typo)
            checked += 1
    assert checked > 300 * 10 * 30


@settings(max_examples=300, deadline=None)
@given(payloads, st.integers(0, LENGTH - 1), st.sampled_from(ALPHABET), st.integers(0, LENGTH - 2))
def test_check_character_catches_substitutions_and_swaps(payload, pos, char, swap):
    code = payload + check_character(payload)
    assert is_valid(code)
    if code[pos] != char:
        assert not is_valid(code[:pos] + char + code[pos + 1:])
    if code[swap] != code[swap + 1]:
        assert not is_valid(code[:swap] + code[swap + 1] + code[swap] + code[swap + 2:])


def test_hundred_thousand_codes_are_unique_valid_and_uniform():
    many = generate_codes(100_000)
    assert len(many) == len(set(many)) == 100_000
    assert all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in many)
    assert all(is_valid(c) for c in many[:2000])
    expected = len(many) / len(ALPHABET)
    for pos in range(LENGTH):  # every position uses every character about equally often
        counts = Counter(c[pos] for c in many)
        assert set(counts) == set(ALPHABET)
        assert all(abs(v - expected) < 0.25 * expected for v in counts.values())


def _number(code: str) -> int:
    return int("".join("0123456789abcdefghijklmnopqrstu"[ALPHABET.index(c)] for c in code[:9]), 31)


def test_codes_are_not_sequential():
    batch = generate_codes(1000)
    numbers = [_number(c) for c in batch]
    assert numbers != sorted(numbers) and numbers != sorted(numbers, reverse=True)
    gaps = [abs(b - a) for a, b in zip(numbers, numbers[1:], strict=False)]
    assert len(set(gaps)) > 990 and min(gaps) > 1000
    singles = [_number(generate_code()) for _ in range(200)]
    assert min(abs(b - a) for a, b in zip(singles, singles[1:], strict=False)) > 1000


def test_generate_codes_skips_existing_and_repeats(monkeypatch):
    a, b, c = (generate_code() for _ in range(3))
    batches = iter([[a, a, b], [b, c], [generate_code()]])
    monkeypatch.setattr(codes, "_batch", lambda n: next(batches))
    out = generate_codes(3, existing=[format_code(a).lower()])
    assert out[:2] == [b, c] and len(set(out)) == 3 and a not in out


def test_generate_codes_edge_cases():
    assert generate_codes(0) == []
    with pytest.raises(ValueError):
        generate_codes(-1)


@pytest.mark.parametrize("typed", [
    "{raw}", "{low}", "{fmt}", "{fmtlow}", "  {a} {b}  ", "{a}.{b}", "{a} - {b}", "{a}\u2013{b}", "{spaced}",
])
def test_normalise_tolerates_case_spaces_dashes_and_dots(typed):
    raw = generate_code()
    text = typed.format(raw=raw, low=raw.lower(), fmt=format_code(raw), fmtlow=format_code(raw).lower(),
                        a=raw[:5].lower(), b=raw[5:], spaced=" ".join(raw))
    assert normalise(text) == raw
    assert is_valid(text)


def test_normalise_rejects_what_cannot_be_a_code():
    raw = generate_code()
    for bad in [raw[:-1], raw + "2", "", "O" + raw[1:], "0" + raw[1:], "1" + raw[1:], "I" + raw[1:],
                "l" + raw[1:], raw[:4] + "!" + raw[5:], None, 12345]:
        assert normalise(bad) is None
        assert not is_valid(bad)


def test_normalise_does_not_judge_the_check_character_but_is_valid_does():
    raw = generate_code()
    wrong = raw[:-1] + next(c for c in ALPHABET if c != raw[-1])
    assert normalise(wrong) == wrong and not is_valid(wrong)


def test_format_code_and_check_character():
    raw = generate_code()
    assert format_code(raw) == f"{raw[:5]}-{raw[5:]}"
    assert format_code(format_code(raw).lower()) == format_code(raw)
    assert check_character(raw[:9]) == raw[9]
    with pytest.raises(ValueError):
        format_code("not a code")
    with pytest.raises(ValueError):
        check_character("O" * 9)


def test_single_codes_come_from_secrets(monkeypatch):
    monkeypatch.setattr(secrets, "choice", lambda seq: seq[0])
    assert generate_code() == "222222222" + check_character("222222222")
