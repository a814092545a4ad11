"""Column generation benchmark (not a test): python benchmarks/lottery_cg.py NAME [...]

NAME is ``sa_fixture_22``, ``example_large_200`` or ``gen_N_K_C`` (a generated pool
from :mod:`lottery_pools`). Runs LEXIMIN (or ``--maximin``) over types and prints wall
time, iterations, pricing/MIP calls, columns, the smallest type probability, the proven
LP bound on it and the gap.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lottery_pools import generate  # noqa: E402

from lottery import load_instance  # noqa: E402
from lottery.compress import compress  # noqa: E402
from lottery.leximin import find_leximin  # noqa: E402

SHARED = Path(os.environ.get("LOTTERY_INSTANCES", Path(__file__).resolve().parents[2]
                             / "shared" / "instances"))
print = functools.partial(print, flush=True)  # noqa: A001


def load(name: str):
    if name == "sa_fixture_22":
        d = SHARED / name
        return load_instance(d / "features.csv", d / "candidates.csv", 22,
                             id_column="nationbuilder_id")
    if name == "example_large_200":
        d = SHARED / name
        return load_instance(d / "categories.csv", d / "respondents.csv", 200)
    _, n, k, c = name.split("_")
    q, p = generate(int(n), int(k), int(c), seed=int(n))
    return load_instance(q, p, int(k), id_column="id", household_columns=("address",))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("names", nargs="+")
    ap.add_argument("--maximin", action="store_true")
    ap.add_argument("--time-limit", type=float, default=120.0)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    for name in args.names:
        inst = load(name)
        ts = compress(inst)
        t = time.perf_counter()

        def prog(f: float, m: str, t: float = t) -> None:
            print(f"  {time.perf_counter() - t:7.2f}s {f:.3f} {m}")
        tp = find_leximin(ts, levels=not args.maximin, progress=prog if args.verbose else None,
                          time_limit=args.time_limit)
        secs = time.perf_counter() - t
        p = tp.type_probs(ts.sizes)
        s = tp.stats
        print(f"{name:<18} {'maximin' if args.maximin else 'leximin'} T={ts.n_types} "
              f"time={secs:.2f}s it={s.get('iterations')} lv={s.get('levels')} "
              f"mip={s.get('mip_calls')} cols={s.get('columns')} min={p.min():.8f} "
              f"lp={tp.lp_bound:.8f} gap={tp.lp_bound - p.min():.2e} "
              f"stopped={s.get('stopped_early')} rounded={s.get('rounded')} "
              f"extra={s.get('extra_columns')} "
              + " ".join(f"{k}={v}" for k, v in s.items() if k.startswith("t_")))


if __name__ == "__main__":
    main()
