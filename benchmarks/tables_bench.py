"""How fast and how good is table allocation for a city panel and a national assembly?

Two cases with realistic members (age band, gender, area, tenure drawn with census-like
shares) and realistic rules (members pinned to an interpreter's table, a pair who sit
together for access, a pair who sit apart):

- 48 members at 6 tables of 8, 10 sessions: target <= 2 s for the whole plan;
- 170 members at 20 tables of 8-9, 8 sessions: target <= 10 s (on a 2-core machine).

For each, the local search is printed next to a random seating that keeps the same rules
(``random_baseline``) and next to a search that ignores diversity (how many new pairs are
reachable at all); the meeting score is new pairs over the best possible (a bound, see
``curriculum.table_scores``). Timings are the best of three cold runs.

Run: ``python benchmarks/tables_bench.py``
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curriculum import Member, check_allocation, plan_sessions, random_baseline  # noqa: E402
from curriculum.table_scores import category_bound  # noqa: E402

CATEGORIES = ["age", "gender", "area", "tenure"]
AGES = (["16-24", "25-34", "35-44", "45-54", "55-64", "65-74", "75+"],
        [0.13, 0.18, 0.17, 0.16, 0.15, 0.12, 0.09])
GENDERS = (["woman", "man", "non-binary"], [0.50, 0.48, 0.02])
TENURES = (["owner", "private renter", "social renter"], [0.55, 0.28, 0.17])


def members(n: int, areas: int, seed: int) -> list[Member]:
    rng = np.random.default_rng(seed)
    area_share = rng.dirichlet(np.full(areas, 8.0))

    def pick(values_and_shares):
        values, shares = values_and_shares
        return values[int(rng.choice(len(values), p=shares))]

    return [Member(f"m{i:03d}", {"age": pick(AGES), "gender": pick(GENDERS),
                                 "area": f"district {1 + int(rng.choice(areas, p=area_share))}",
                                 "tenure": pick(TENURES)}) for i in range(n)]


CASES = [
    {"name": "city panel", "n": 48, "areas": 6, "sizes": [8] * 6, "sessions": 10, "target": 2.0,
     "pinned": {"m005": 0, "m017": 0}, "together": [{"m010", "m011"}], "apart": [("m020", "m021")]},
    {"name": "national assembly", "n": 170, "areas": 12, "sizes": [9] * 10 + [8] * 10, "sessions": 8,
     "target": 10.0, "pinned": {"m005": 0, "m017": 0, "m033": 1}, "together": [{"m010", "m011"},
                                                                               {"m040", "m041", "m042"}],
     "apart": [("m020", "m021"), ("m060", "m061")]},
]


def timed(fn, repeat: int = 3):
    best, result = float("inf"), None
    for _ in range(repeat):
        category_bound.cache_clear()  # time the diversity bound's integer programs too
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def row(label: str, seconds: float | None, plan) -> str:
    t = "" if seconds is None else f"{seconds:6.2f} s"
    return (f"  {label:<22} {t:>9}  diversity {plan.diversity_score:.4f} (normalised {plan.diversity_normalised:.2f})"
            f"  meeting {plan.meeting_score:.3f} ({plan.new_pairs}/{plan.possible_new_pairs} new pairs,"
            f" {plan.repeat_pairs} repeats)")


def main() -> int:
    print(f"table allocation benchmark (python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs)")
    plan_sessions(members(12, 3, 0), 4, 2, categories=CATEGORIES)  # warm up imports
    ok = True
    for case in CASES:
        people = members(case["n"], case["areas"], seed=2024)
        rules = {"categories": CATEGORIES, "pinned": case["pinned"], "together": case["together"],
                 "apart": case["apart"], "seed": "bench-2024"}
        seconds, plan = timed(lambda: plan_sessions(people, case["sizes"], case["sessions"], **rules))  # noqa: B023
        rand_s, rand = timed(lambda: random_baseline(people, case["sizes"], case["sessions"], **rules))  # noqa: B023
        meet_only = plan_sessions(people, case["sizes"], case["sessions"], diversity_weight=0.0, **rules)
        broken = [p for a in plan.allocations + rand.allocations
                  for p in check_allocation(a.tables, [m.id for m in people], case["sizes"], case["pinned"],
                                            case["together"], case["apart"])]
        first = plan.allocations[0]
        print(f"\n{case['name']}: {case['n']} members, {len(case['sizes'])} tables, {case['sessions']} sessions")
        print(row("local search", seconds, plan))
        print(row("random (rules kept)", rand_s, rand))
        print(row("meetings only", None, meet_only))
        print(f"  diversity reference points (session 1): bound {first.diversity_bound:.4f}, "
              f"random expectation {first.diversity_random:.4f}")
        print(f"  best possible new pairs: {plan.possible_new_pairs} (meeting score 1.000); diversity per session "
              f"(normalised): {', '.join(f'{a.diversity_normalised:.2f}' for a in plan.allocations)}")
        checks = {
            f"time {seconds:.2f} s <= {case['target']:g} s": seconds <= case["target"],
            "every rule holds in every session": not broken,
            "diversity better than random": plan.diversity_score < rand.diversity_score,
            "more new pairs than random": plan.new_pairs > rand.new_pairs,
        }
        for label, good in checks.items():
            print(f"  [{'ok' if good else 'FAIL'}] {label}")
            ok &= good
    print(f"\ntargets {'hold' if ok else 'DO NOT hold'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
