"""Household sampling: exact totals, fair shares, exclusions, caps, seeds and the planner."""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lottery.households import (
    HouseholdSample,
    SamplingError,
    _take_smallest,
    allocate_letters,
    plan_mailing,
    rng_from_seed,
    sample_households,
)

STRATA = ["district", "decile"]
LOW = {"decile": {1: 1.5, 2: 1.5, 3: 1.5}}


def make_register(n: int = 20_000, seed: int = 7, text_ids: bool = False) -> pd.DataFrame:
    """Five districts of unequal size × deciles 1-10, 1-6 residents per household."""
    rng = np.random.default_rng(seed)
    district = rng.choice(["north", "south", "east", "west", "centre"], size=n, p=[0.4, 0.25, 0.15, 0.12, 0.08])
    ids = rng.choice(10**9, size=n, replace=False) + 10**9
    return pd.DataFrame({
        "id": [f"A{i}" for i in ids] if text_ids else ids,
        "district": district,
        "decile": rng.integers(1, 11, size=n),
        "residents": rng.integers(1, 7, size=n),
    })


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    return make_register()


def per_stratum(register: pd.DataFrame, sample: HouseholdSample) -> pd.Series:
    """Letters per stratum counted from the drawn ids themselves."""
    drawn = register[register["id"].isin(sample.ids)]
    return drawn.groupby(STRATA).size()


def test_total_is_exact_and_strata_get_their_proportional_quota(register):
    s = sample_households(register, 1234, STRATA, seed="proportional")
    assert len(s.ids) == s.n == 1234 == s.strata["letters"].sum()
    assert len(np.unique(s.ids)) == 1234 and np.all(np.diff(s.ids) > 0)  # sorted, distinct
    t = s.strata
    exact = 1234 * t["register_households"] / len(register)
    assert np.all(np.abs(t["letters"] - exact) < 1)
    assert np.allclose(t["quota"], exact)
    counted = per_stratum(register, s)
    assert (counted.to_numpy() == t.set_index(STRATA)["letters"].loc[counted.index].to_numpy()).all()
    assert t["share_of_letters"].sum() == pytest.approx(1) and t["share_of_register"].sum() == pytest.approx(1)
    assert list(t.columns[:2]) == STRATA and len(t) == 50


def test_exclusions_are_honoured_and_a_second_mailing_never_repeats(register):
    first = sample_households(register, 3000, STRATA, seed="first")
    second = sample_households(register, 3000, STRATA, seed="first", exclude=set(first.ids.tolist()))
    assert not np.isin(second.ids, first.ids).any()
    excluded = register["id"].to_numpy()[::7]
    s = sample_households(register, 5000, STRATA, seed="s", exclude=excluded)
    assert not np.isin(s.ids, excluded).any()
    assert s.strata["available"].sum() == len(register) - len(excluded)
    # shares still follow the whole register, so both mailings together stay proportional
    assert np.all(np.abs(second.strata["letters"] - 3000 * second.strata["share_of_register"]) < 1)


def test_exclusions_typed_as_text_still_match_numeric_ids(register):
    first = sample_households(register, 100, "district", seed=1)
    again = sample_households(register, 100, "district", seed=1, exclude=[str(i) for i in first.ids])
    assert not np.isin(again.ids, first.ids).any()
    with pytest.raises(SamplingError, match="not numbers"):
        sample_households(register, 100, "district", seed=1, exclude=["abc"])


def test_oversampling_weights_raise_the_weighted_strata_share(register):
    plain = sample_households(register, 4000, STRATA, seed="w").strata
    weighted = sample_households(register, 4000, STRATA, seed="w", weights=LOW).strata
    low = weighted["decile"] <= 3
    assert weighted.loc[low, "letters"].sum() > plain.loc[low, "letters"].sum()
    w = np.where(low, 1.5, 1.0)
    assert (weighted["weight"] == w).all()
    share = w * weighted["register_households"] / (w * weighted["register_households"]).sum()
    assert np.all(np.abs(weighted["letters"] - 4000 * share) < 1)
    # per household, deciles 1-3 are mailed 1.5 times as often as the rest
    rate = weighted["letters"].groupby(low).sum() / weighted["register_households"].groupby(low).sum()
    assert rate[True] / rate[False] == pytest.approx(1.5, rel=0.02)


def test_weights_of_two_columns_multiply(register):
    t = sample_households(register, 1000, STRATA, seed=3,
                          weights={"decile": {1: 2}, "district": {"north": 3}}).strata
    assert t.loc[(t.decile == 1) & (t.district == "north"), "weight"].item() == 6


def test_population_column_allocation(register):
    s = sample_households(register, 2500, STRATA, seed="pop", population_column="residents")
    pop = register.groupby(STRATA)["residents"].sum().to_numpy()
    assert np.array_equal(s.strata["population"].to_numpy(), pop)
    assert np.all(np.abs(s.strata["letters"] - 2500 * pop / pop.sum()) < 1)


def test_caps_redistribute_excess_proportionally():
    reg = pd.DataFrame({"id": range(1600), "area": ["a"] * 100 + ["b"] * 500 + ["c"] * 1000})
    s = sample_households(reg, 600, "area", seed="cap", weights={"area": {"a": 10}})
    letters = dict(zip(s.strata["area"], s.strata["letters"], strict=True))
    assert letters["a"] == 100  # wanted 600 × 1000/2500 = 240, has only 100
    assert letters["b"] + letters["c"] == 500
    assert abs(letters["b"] - 500 / 3) < 1 and abs(letters["c"] - 1000 / 3) < 1
    assert set(s.ids[s.ids < 100]) == set(range(100))


def test_too_many_letters_raise_a_clear_error(register):
    with pytest.raises(SamplingError, match=r"^Cannot send 20,001 letters: the address register has only 20,000 "
                                            r"households\. Send fewer letters"):
        sample_households(register, 20_001, STRATA, seed=1)
    with pytest.raises(SamplingError, match=r"1,000 of them were already mailed.*at most 19,000 letters"):
        sample_households(register, 19_500, STRATA, seed=1, exclude=register["id"][:1000])
    assert issubclass(SamplingError, ValueError)
    everything = sample_households(register, 20_000, STRATA, seed=1)
    assert np.array_equal(everything.ids, np.sort(register["id"].to_numpy()))


def test_same_seed_same_sample_different_seed_different_sample(register):
    a = sample_households(register, 800, STRATA, seed="meeting 12 May", weights=LOW)
    b = sample_households(register, 800, STRATA, seed="meeting 12 May", weights=LOW)
    c = sample_households(register, 800, STRATA, seed="meeting 13 May", weights=LOW)
    assert np.array_equal(a.ids, b.ids) and a.seed == "meeting 12 May"
    assert len(np.intersect1d(a.ids, c.ids)) < 200
    assert np.array_equal(sample_households(register, 50, seed=42).ids, sample_households(register, 50, seed="42").ids)


@pytest.mark.parametrize("text_ids", [False, True])
def test_row_order_does_not_matter(text_ids):
    reg = make_register(6000, seed=3, text_ids=text_ids)
    kwargs = dict(seed="order", weights=LOW, population_column="residents", exclude=reg["id"][::5].tolist())
    a = sample_households(reg, 700, STRATA, **kwargs)
    b = sample_households(reg.sample(frac=1, random_state=1), 700, STRATA, **kwargs)
    c = sample_households(reg.sort_values("id").reset_index(drop=True), 700, STRATA, **kwargs)
    assert np.array_equal(a.ids, b.ids) and np.array_equal(a.ids, c.ids)
    pd.testing.assert_frame_equal(a.strata, b.strata)


def test_seed_derivation_is_the_documented_one():
    digest = int.from_bytes(hashlib.sha256(b"town hall").digest(), "big")
    expected = np.random.Generator(np.random.PCG64(np.random.SeedSequence(digest)))
    assert np.array_equal(rng_from_seed("town hall").bit_generator.random_raw(5), expected.bit_generator.random_raw(5))
    for bad in ["", "  ", None, True, 1.5]:
        with pytest.raises(SamplingError):
            rng_from_seed(bad)


def test_each_household_of_a_stratum_is_equally_likely():
    reg = pd.DataFrame({"id": range(30), "area": ["a"] * 20 + ["b"] * 10})
    hits = np.zeros(30)
    for i in range(1500):
        hits[sample_households(reg, 6, "area", seed=i).ids] += 1
    assert np.all(np.abs(hits[:20] / 1500 - 0.2) < 0.05) and np.all(np.abs(hits[20:] / 1500 - 0.2) < 0.05)


def test_take_smallest_handles_ties_and_the_fallback():
    groups = np.array([0, 0, 0, 1, 1, 1, 1])
    same = np.full(7, 5, dtype=np.uint64)  # all keys tie: earlier (id order) rows win
    assert list(_take_smallest(groups, same, np.array([2, 1]), np.array([3, 4]), None)) == [0, 1, 3]
    big = np.full(7, 2**64 - 1, dtype=np.uint64)  # all above the threshold: the group takes all rows
    assert sorted(_take_smallest(groups, big, np.array([1, 2]), np.array([3, 4]), None)) == [0, 3, 4]
    mailed = np.array([1, 0, 0, 0, 0, 0, 0], dtype=bool)
    assert list(_take_smallest(groups, same, np.array([2, 0]), np.array([2, 4]), mailed)) == [1, 2]


def test_input_errors_are_explained(register):
    with pytest.raises(SamplingError, match="no column"):
        sample_households(register, 10, ["ward"], seed=1)
    with pytest.raises(SamplingError, match="once"):
        sample_households(pd.concat([register, register.head(2)]), 10, STRATA, seed=1)
    with pytest.raises(SamplingError, match="not in the address register"):
        sample_households(register, 10, STRATA, seed=1, weights={"decile": {"1": 2}})
    with pytest.raises(SamplingError, match="not a stratum column"):
        sample_households(register, 10, "district", seed=1, weights=LOW)
    with pytest.raises(SamplingError, match="whole number"):
        sample_households(register, -3, STRATA, seed=1)
    with pytest.raises(SamplingError, match="≥ 0"):
        sample_households(register, 10, STRATA, seed=1, weights={"decile": {1: -1}})


def test_no_strata_and_weight_zero():
    reg = pd.DataFrame({"id": range(100), "area": ["a"] * 50 + ["b"] * 50})
    assert len(sample_households(reg, 30, seed=1).ids) == 30
    s = sample_households(reg, 50, "area", seed=1, weights={"area": {"b": 0}})
    assert (s.ids < 50).all()
    with pytest.raises(SamplingError, match="weight 0"):
        sample_households(reg, 51, "area", seed=1, weights={"area": {"b": 0}})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.floats(0, 10)), min_size=1, max_size=12), st.data())
def test_allocation_is_exact_capped_and_near_quota(strata, data):
    available = np.array([a for a, _ in strata])
    shares = np.array([s for _, s in strata])
    reachable = int(available[(shares > 0) & (available > 0)].sum())
    assume(reachable > 0)
    n = data.draw(st.integers(0, reachable))
    letters, quota = allocate_letters(n, shares, available)
    assert letters.sum() == n
    assert np.all(letters <= available) and np.all(letters[shares == 0] == 0)
    assert np.all(np.abs(letters - quota) < 1)
    exact = n * shares / shares.sum()
    if np.all(exact <= available):  # no caps bind: within 1 of the proportional quota
        assert np.all(np.abs(letters - exact) < 1 + 1e-9)
    with pytest.raises(SamplingError):
        allocate_letters(reachable + 1, shares, available)


def test_planner_rule_lands_in_practitioners_range():
    plan = plan_mailing(36)
    assert plan.letters == math.ceil(36 * 4 * 2 / 0.03) == 9600
    assert 250 <= plan.letters_per_seat <= 300
    assert plan.expected_volunteers == pytest.approx(288) and plan.volunteers_per_seat == pytest.approx(8)
    assert plan_mailing(36, 0.02).letters == 14_400 and plan_mailing(36, 0.05).letters == 5760
    assert plan_mailing(50, 0.03, safety_factor=1, pool_per_seat=5).letters == 8334
    with pytest.raises(SamplingError):
        plan_mailing(0)
    with pytest.raises(SamplingError):
        plan_mailing(10, response_rate=3)


def test_planner_per_stratum_expectations(register):
    strata = sample_households(register, 1000, STRATA, seed=1).strata
    rates = {("north", d): 0.01 for d in range(1, 4)}
    plan = plan_mailing(20, 0.04, strata_table=strata, response_rates_by_stratum=rates)
    t = plan.strata
    assert list(t.columns) == [*STRATA, "letters", "response_rate", "expected_volunteers"]
    assert t["letters"].sum() == plan.letters
    assert np.allclose(t["expected_volunteers"], t["letters"] * t["response_rate"])
    assert plan.expected_volunteers == pytest.approx(t["expected_volunteers"].sum())
    share = strata["letters"] / strata["letters"].sum()
    effective = float((share * t["response_rate"]).sum())
    assert effective < 0.04 and plan.letters == math.ceil(20 * 8 / effective)
    assert (t.loc[(t.district == "north") & (t.decile <= 3), "response_rate"] == 0.01).all()
    with pytest.raises(SamplingError, match="not in the strata table"):
        plan_mailing(20, strata_table=strata, response_rates_by_stratum={("nowhere", 1): 0.02})
