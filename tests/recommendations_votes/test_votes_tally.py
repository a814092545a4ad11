"""The rulebook applied to counted votes: boundaries, quorum, supermajority, breakdown and consensus."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from panels.recommendations.tally import MIN_GROUP, TallyError, breakdown, consensus, exact, tally

SCALE = ["Strongly support", "Support", "Can live with it", "Have concerns", "Cannot support"]
LEVEL_SHARE = {"scale": SCALE, "rule": "level_share", "level": 2, "threshold": 0.8, "quorum": 0.5}
PRESENT = {"scale": SCALE, "rule": "supermajority_present", "level": 1, "threshold": 0.7, "quorum": 0.5}


def votes(good: int, bad: int, strata=None):
    return [{"level": 0, "strata": strata or {}}] * good + [{"level": 4, "strata": strata or {}}] * bad


def test_exactly_80_percent_is_adopted_and_one_vote_under_is_not():
    assert exact(0.8) == Fraction(4, 5)
    result = tally(LEVEL_SHARE, votes(8, 2), eligible=10)
    assert result["share"] == 0.8 and result["adopted"] and result["outcome"] == "adopted"
    assert result["support_needed"] == 8
    under = tally(LEVEL_SHARE, votes(7, 3), eligible=10)
    assert not under["adopted"] and under["outcome"] == "not_adopted"


def test_threshold_with_an_awkward_float_is_still_exact():
    rule = {**LEVEL_SHARE, "threshold": 0.7}
    assert tally(rule, votes(7, 3), eligible=10)["adopted"]  # 0.7 * 10 is 7.000000000000001 in floats
    assert not tally(rule, votes(69, 31), eligible=100)["adopted"]


def test_a_two_thirds_threshold_typed_as_a_percentage_means_two_thirds():
    rule = {**LEVEL_SHARE, "threshold": 0.6667}  # 66.67 % in the rulebook form
    assert exact(0.6667) == Fraction(2, 3) and exact(0.515) == Fraction(103, 200)
    assert tally(rule, votes(2, 1), eligible=3)["adopted"]
    assert not tally(rule, votes(199, 101), eligible=300)["adopted"]  # 66.33 %


def test_can_live_with_it_counts_as_support_but_concerns_do_not():
    result = tally(LEVEL_SHARE, [{"level": 2}] * 8 + [{"level": 3}] * 2, eligible=10)
    assert result["distribution"] == [0, 0, 8, 2, 0] and result["adopted"]


def test_quorum_just_missed_gives_no_valid_result():
    rule = {**LEVEL_SHARE, "quorum": 0.5}
    missed = tally(rule, votes(11, 0), eligible=24)  # 11 of 24 < 50 %
    assert not missed["quorum_met"] and not missed["adopted"] and missed["outcome"] == "no_quorum"
    assert missed["quorum_needed"] == 12
    met = tally(rule, votes(12, 0), eligible=24)
    assert met["quorum_met"] and met["adopted"]


def test_supermajority_counts_members_present_who_did_not_vote_against():
    # 7 support of 10 present: exactly 70 %, adopted; 7 of 11 present is not, though 7 of 7 votes support.
    assert tally(PRESENT, votes(7, 0), eligible=20, present=10)["adopted"]
    result = tally(PRESENT, votes(7, 0), eligible=20, present=11)
    assert not result["adopted"] and result["denominator"] == 11
    with pytest.raises(TallyError, match="Members present"):
        tally(PRESENT, votes(7, 0), eligible=20)
    with pytest.raises(TallyError, match="Members present"):
        tally(PRESENT, votes(7, 0), eligible=20, present=5)


def test_a_bad_rulebook_or_vote_is_refused_with_the_field_named():
    with pytest.raises(TallyError, match="Threshold"):
        tally({**LEVEL_SHARE, "threshold": 1.5}, [], eligible=3)
    with pytest.raises(TallyError, match="Level"):
        tally({**LEVEL_SHARE, "level": 9}, [], eligible=3)
    with pytest.raises(TallyError, match="Vote"):
        tally(LEVEL_SHARE, [{"level": 7}], eligible=3)


def test_breakdown_arithmetic_by_category():
    vs = ([{"level": 0, "strata": {"area": "north", "age": "young"}}] * 4
          + [{"level": 4, "strata": {"area": "north", "age": "old"}}] * 1
          + [{"level": 3, "strata": {"area": "south", "age": "old"}}] * 3
          + [{"level": 1, "strata": {"area": "south", "age": "young"}}] * 2)
    result = tally(LEVEL_SHARE, vs, eligible=12)
    area = {c["value"]: c for c in result["breakdown"]["area"]}
    assert (area["north"]["count"], area["north"]["support"]) == (5, 4)
    assert area["north"]["share"] == 0.8
    assert (area["south"]["count"], area["south"]["support"]) == (5, 2)
    age = {c["value"]: c for c in result["breakdown"]["age"]}
    assert (age["young"]["count"], age["young"]["support"]) == (6, 6)
    assert (age["old"]["count"], age["old"]["support"]) == (4, 0)
    # Overall 6 of 10 support, but no "old" voter does: the consensus score is 0.
    assert result["share"] == 0.6 and result["consensus"] == 0.0


def test_consensus_is_high_only_when_every_group_supports():
    vs = [{"level": 0, "strata": {"area": a}} for a in ("north", "south", "east") for _ in range(4)]
    vs[-1] = {"level": 4, "strata": {"area": "east"}}
    assert consensus([(v["level"], v["strata"]) for v in vs], 2) == Fraction(3, 4)


def test_missing_answers_form_their_own_group():
    cells = breakdown([(0, {"area": "north"}), (0, {})], 2, secret=False, categories=["area"])["area"]
    assert [c["value"] for c in cells] == ["north", "Not given"]


def test_secret_ballots_hide_small_cells_and_their_complement():
    vs = [(0, {"area": "north"})] * 5 + [(4, {"area": "south"})] * 4 + [(4, {"area": "east"})]
    cells = {c["value"]: c for c in breakdown(vs, 2, secret=True)["area"]}
    assert cells["east"]["hidden"] and cells["east"]["count"] is None
    # Hiding only "east" would let anyone subtract north and south from the total: south is hidden too.
    assert cells["south"]["hidden"] and not cells["north"]["hidden"]
    open_cells = {c["value"]: c for c in breakdown(vs, 2, secret=False)["area"]}
    assert not any(c["hidden"] for c in open_cells.values())


def test_secret_ballots_hide_enough_that_two_lone_voters_cannot_be_subtracted_out():
    # north and south have one voter each: hiding just those two would let anyone take the shown
    # groups' support from the total and learn that both lone voters supported it.
    vs = [(0, {"area": "north"}), (0, {"area": "south"})] + [(4, {"area": "centre"})] * 5 \
        + [(4, {"area": "east"})] * 6
    cells = {c["value"]: c for c in breakdown(vs, 2, secret=True)["area"]}
    assert cells["north"]["hidden"] and cells["south"]["hidden"]
    assert cells["centre"]["hidden"] and not cells["east"]["hidden"]


levels = st.integers(min_value=0, max_value=4)
strata = st.fixed_dictionaries({"area": st.sampled_from(["n", "s", "e"]), "age": st.sampled_from(["y", "o"])})
vote_lists = st.lists(st.tuples(levels, strata), max_size=40)
rulebooks = st.fixed_dictionaries({
    "scale": st.just(SCALE), "rule": st.just("level_share"), "level": st.integers(0, 4),
    "threshold": st.sampled_from([0.5, 0.6, 2 / 3, 0.7, 0.75, 0.8, 1.0]),
    "quorum": st.sampled_from([0, 0.25, 0.5, 0.75]), "secret_ballot": st.booleans()})


@given(rulebooks, vote_lists, st.integers(0, 10), strata)
def test_adding_a_supporting_vote_never_undoes_adoption(rulebook, vs, extra, voter):
    eligible = len(vs) + 1 + extra
    before = tally(rulebook, vs, eligible=eligible)
    after = tally(rulebook, [*vs, (0, voter)], eligible=eligible)
    assert not before["adopted"] or after["adopted"]


@given(rulebooks, vote_lists)
def test_distribution_sums_to_the_votes_and_consensus_never_exceeds_the_share(rulebook, vs):
    result = tally(rulebook, vs, eligible=len(vs) + 3)
    assert sum(result["distribution"]) == result["votes"] == len(vs)
    assert result["consensus"] <= result["share"] + 1e-12
    assert 0 <= result["consensus"] <= 1
    for category, cells in result["breakdown"].items():
        shown = [c for c in cells if not c["hidden"]]
        assert sum(c["count"] for c in shown) <= len(vs)
        if not rulebook["secret_ballot"]:
            assert sum(c["count"] for c in cells) == len(vs)
            assert sum(c["support"] for c in cells) == result["support"]
        else:
            assert all(c["count"] >= MIN_GROUP for c in shown)
            assert sum(1 for c in cells if c["hidden"]) != 1 or len(cells) == 1
            hidden = {c["value"] for c in cells if c["hidden"]}
            hidden_voters = sum(1 for _, s in vs if str(s.get(category) or "Not given") in hidden)
            assert not hidden or hidden_voters >= MIN_GROUP or not shown


@given(vote_lists, st.integers(0, 5))
def test_supermajority_never_adopts_with_fewer_supporters_than_needed(vs, absent):
    present = len(vs) + absent
    result = tally({**PRESENT, "quorum": 0}, vs, eligible=present + 2, present=present)
    if result["adopted"]:
        assert Fraction(result["support"], present) >= Fraction(7, 10)


def test_with_secret_ballots_the_consensus_never_gives_away_a_hidden_group():
    # south (4 voters, all against) is hidden only to protect east's single voter: the score must not
    # reveal south's 0 %, or east's vote would follow from the total.
    vs = [{"level": 0, "strata": {"area": "north"}}] * 5 + [{"level": 4, "strata": {"area": "south"}}] * 4 \
        + [{"level": 0, "strata": {"area": "east"}}]
    secret = tally({**LEVEL_SHARE, "secret_ballot": True}, vs, eligible=10)
    assert secret["consensus"] == secret["share"] == 0.6 and secret["weakest"] is None
    open_ = tally(LEVEL_SHARE, vs, eligible=10)
    assert open_["consensus"] == 0.0 and open_["weakest"] == {"category": "area", "value": "south"}
