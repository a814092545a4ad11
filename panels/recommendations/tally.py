"""Counting one recommendation's votes under a rulebook: pure functions on plain data, no database.

Everything that decides an outcome uses exact fractions (``fractions.Fraction``), so "at least
80 %" of 10 votes is exactly 8 and never 7.999... Results are returned as plain JSON-able dicts
so a closed round can freeze them as they were.

Definitions (also shown on the results page):

* **support** — votes at the rulebook's ``level`` or better (index 0 is the best level).
* **share** — for ``level_share``: support / votes cast; for ``supermajority_present``:
  support / members present (a member present who did not vote counts against).
* **quorum** — the result counts only when the members taking part (votes cast; for
  ``supermajority_present`` the members present) are at least ``quorum`` × eligible members.
* **adopted** — quorum met and share ≥ threshold (exactly at the threshold is adopted).
* **consensus score** — the lowest share of support (support / votes in the group) found in any
  group of any selection category with at least ``MIN_GROUP`` voters, and never above the overall
  share of votes cast: it is high only when every sizeable group supports the recommendation.
  With secret ballots only the groups shown count (a hidden group's share is never given away).
* With **secret ballots** a breakdown cell with fewer than ``MIN_GROUP`` voters is hidden, and while
  the hidden cells of a category hold fewer than ``MIN_GROUP`` voters together, the next smallest is
  hidden too (so the hidden ones cannot be worked out by subtracting the others from the total).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

RULES = ("level_share", "supermajority_present")
MIN_GROUP = 3
NOT_GIVEN = "Not given"


class TallyError(ValueError):
    pass


def exact(value) -> Fraction:
    """A threshold or quorum as an exact fraction: 0.8 -> 4/5. A value within 0.01 percentage points
    of a simple fraction (denominator up to 100) is that fraction, so 66.67 % means two thirds."""
    if isinstance(value, Fraction):
        return value
    typed = Fraction(str(value)).limit_denominator(10_000)
    simple = typed.limit_denominator(100)
    return simple if abs(simple - typed) <= Fraction(1, 10_000) else typed


def check_rulebook(rulebook: Mapping) -> None:
    """Refuse a rulebook that cannot be applied, naming the field and the fix."""
    scale = rulebook.get("scale") or []
    if len(scale) < 2 or any(not str(label).strip() for label in scale):
        raise TallyError("Scale: give at least two support levels, each with a label.")
    if rulebook.get("rule") not in RULES:
        raise TallyError("Rule: choose 'level_share' or 'supermajority_present'.")
    if not 0 <= int(rulebook.get("level", -1)) < len(scale):
        raise TallyError(f"Level: choose a level of the scale (0 to {len(scale) - 1}).")
    if not 0 < exact(rulebook.get("threshold", 0)) <= 1:
        raise TallyError("Threshold: give a share above 0 % and at most 100 %.")
    if not 0 <= exact(rulebook.get("quorum", 0)) <= 1:
        raise TallyError("Quorum: give a share from 0 % to 100 %.")


def _vote(v) -> tuple[int, Mapping]:
    if isinstance(v, Mapping):
        return int(v["level"]), v.get("strata") or {}
    level, strata = v
    return int(level), strata or {}


def _share(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def distribution(levels: Iterable[int], size: int) -> list[int]:
    counts = [0] * size
    for level in levels:
        if not 0 <= level < size:
            raise TallyError(f"Vote: level {level} is not on the scale (0 to {size - 1}).")
        counts[level] += 1
    return counts


def breakdown(votes: list[tuple[int, Mapping]], level: int, *, secret: bool,
              categories: Iterable[str] | None = None) -> dict[str, list[dict]]:
    """For each category and value: voters, supporters and their share (cells hidden if secret and small)."""
    names = list(categories) if categories is not None else sorted({c for _, s in votes for c in s})
    result: dict[str, list[dict]] = {}
    for category in names:
        groups: dict[str, list[int]] = {}
        for lvl, strata in votes:
            value = str(strata.get(category) or NOT_GIVEN)
            groups.setdefault(value, []).append(lvl)
        cells = []
        for value in sorted(groups, key=lambda v: (v == NOT_GIVEN, v)):
            lv = groups[value]
            support = sum(1 for x in lv if x <= level)
            cells.append({"value": value, "count": len(lv), "support": support,
                          "share": float(_share(support, len(lv))), "hidden": False})
        if secret:
            _suppress(cells)
        result[category] = cells
    return result


def _suppress(cells: list[dict]) -> None:
    """Hide the small cells, then the next smallest until the hidden cells hold at least MIN_GROUP
    voters together: else their combined support (the total less the cells shown) would give away
    how each of their one or two voters voted."""
    small = [c for c in cells if c["count"] < MIN_GROUP]
    others = sorted((c for c in cells if c not in small), key=lambda c: (c["count"], c["value"]))
    while small and others and sum(c["count"] for c in small) < MIN_GROUP:
        small.append(others.pop(0))
    for cell in small:
        cell.update(hidden=True, count=None, support=None, share=None)


def consensus(votes: list[tuple[int, Mapping]], level: int, categories: Iterable[str] | None = None, *,
              secret: bool = False) -> Fraction:
    """Lowest group share of support over all categories' groups of at least MIN_GROUP voters,
    capped by the overall share of votes cast (0 when nobody voted). With secret ballots only the
    groups shown count, so the score can never give away a hidden group's share."""
    return _lowest(votes, level, breakdown(votes, level, secret=secret, categories=categories))[0]


def _lowest(votes, level: int, cells_by_category: dict[str, list[dict]]) -> tuple[Fraction, str | None, str | None]:
    if not votes:
        return Fraction(0), None, None
    lowest = (_share(sum(1 for lvl, _ in votes if lvl <= level), len(votes)), None, None)
    for category, cells in cells_by_category.items():
        for cell in cells:
            if not cell["hidden"] and cell["count"] >= MIN_GROUP:
                share = Fraction(cell["support"], cell["count"])
                if share < lowest[0]:
                    lowest = (share, category, cell["value"])
    return lowest


def tally(rulebook: Mapping, votes: Iterable, *, eligible: int, present: int | None = None,
          categories: Iterable[str] | None = None) -> dict:
    """The result of one recommendation's vote (a JSON-able dict; fractions as "p/q" strings too)."""
    check_rulebook(rulebook)
    votes = [_vote(v) for v in votes]
    scale = list(rulebook["scale"])
    level = int(rulebook["level"])
    threshold, quorum = exact(rulebook["threshold"]), exact(rulebook["quorum"])
    cast = len(votes)
    if eligible < 0 or cast > eligible:
        raise TallyError(f"Eligible members: {eligible} is fewer than the {cast} votes cast; "
                         "count every member of the panel.")
    by_present = rulebook["rule"] == "supermajority_present"
    if by_present:
        if present is None:
            raise TallyError("Members present: record how many members were present (this rule counts them).")
        if not cast <= present <= eligible:
            raise TallyError(f"Members present: give a number from {cast} (the votes cast) to {eligible} "
                             "(the members of the panel).")
    counts = distribution((lvl for lvl, _ in votes), len(scale))
    support = sum(counts[: level + 1])
    denominator = present if by_present else cast
    share = _share(support, denominator)
    taking_part = present if by_present else cast
    quorum_met = eligible > 0 and _share(taking_part, eligible) >= quorum and denominator > 0
    adopted = bool(quorum_met and share >= threshold)
    secret = bool(rulebook.get("secret_ballot") or rulebook.get("secret"))
    cells = breakdown(votes, level, secret=secret, categories=categories)
    score, weakest_category, weakest_value = _lowest(votes, level, cells)
    return {
        "scale": scale, "distribution": counts, "votes": cast, "eligible": eligible, "present": present,
        "turnout": float(_share(cast, eligible)), "taking_part": taking_part,
        "quorum": float(quorum), "quorum_needed": _ceil(quorum * eligible), "quorum_met": bool(quorum_met),
        "rule": rulebook["rule"], "level": level, "level_label": scale[level],
        "threshold": float(threshold), "support": support, "denominator": denominator,
        "share": float(share), "share_exact": f"{share.numerator}/{share.denominator}",
        "support_needed": _ceil(threshold * denominator) if denominator else None,
        "adopted": adopted, "outcome": "adopted" if adopted else ("not_adopted" if quorum_met else "no_quorum"),
        "secret": secret, "breakdown": cells,
        "consensus": float(score), "consensus_exact": f"{score.numerator}/{score.denominator}",
        "weakest": {"category": weakest_category, "value": weakest_value} if weakest_category else None,
        "min_group": MIN_GROUP,
    }


def _ceil(value: Fraction) -> int:
    return -(-value.numerator // value.denominator)
