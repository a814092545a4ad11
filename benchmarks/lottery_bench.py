"""Benchmark of the lottery algorithms (not a test): python benchmarks/lottery_bench.py [--quick]

For each instance (the public ones in ../shared/instances when present, and generated
pools that look like real volunteer pools) and each algorithm it prints wall time,
peak memory (the growth of the resident set of a fresh process per run, so HiGHS' own
memory counts and no tracing slows the run), the smallest and
largest selection probability, the LP optimum of the smallest probability (the MAXIMIN
limit, proven by the pricing bound), the gap, the number of volunteers below half of
k/n and the portfolio size. If the Sortition Foundation's ``sortition-algorithms`` (GPL)
is installed in a separate virtual environment (``SORTITION_VENV``, default
/work/sa-venv) its MAXIMIN and LEGACY are run in a subprocess on the same instances,
with a time limit, and the time ratios are printed. It is never imported here.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lottery_pools import generate  # noqa: E402

from lottery import find_portfolio, load_instance  # noqa: E402

SHARED = Path(os.environ.get("LOTTERY_INSTANCES", Path(__file__).resolve().parents[2]
                             / "shared" / "instances"))
PEER_TIMEOUT = 600
print = functools.partial(print, flush=True)  # noqa: A001 - progress as it happens

PEER_SCRIPT = r'''
import csv, json, sys, time
from sortition_algorithms import Settings, read_in_features, read_in_people
from sortition_algorithms.committee_generation.maximin import find_distribution_maximin
from sortition_algorithms.committee_generation.legacy import find_random_sample_legacy
features_csv, people_csv, k, algo = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
with open(features_csv) as f:
    r = csv.DictReader(f); head = r.fieldnames; body = list(r)
features, _, _ = read_in_features(head, body, k)
with open(people_csv) as f:
    r = csv.DictReader(f); phead = r.fieldnames; pbody = list(r)
settings = Settings(id_column="id", columns_to_keep=[])
people, _ = read_in_people(phead, pbody, features, settings)
t = time.perf_counter()
if algo == "maximin":
    panels, probs, _ = find_distribution_maximin(features, people, k, [])
    marg = {}
    for p, q in zip(panels, probs):
        for i in p: marg[i] = marg.get(i, 0) + q
    n = len(pbody)
    lo = min(marg.get(row["id"], 0.0) for row in pbody)
    out = {"seconds": time.perf_counter() - t, "min": lo, "max": max(marg.values())}
else:
    find_random_sample_legacy(people, features, k, [], max_attempts=100)
    out = {"seconds": time.perf_counter() - t}
print(json.dumps(out))
'''


def instances(quick: bool):
    if (SHARED / "sa_fixture_22").exists():
        d = SHARED / "sa_fixture_22"
        yield "sa_fixture_22", d / "features.csv", d / "candidates.csv", 22, "nationbuilder_id", ()
    if (SHARED / "example_large_200").exists():
        d = SHARED / "example_large_200"
        yield "example_large_200", d / "categories.csv", d / "respondents.csv", 200, None, ()
    sizes = [(150, 20, 6)] if quick else [(150, 20, 6), (500, 40, 7),
                                                         (1000, 100, 8), (2000, 200, 8)]
    for n, k, c in sizes:
        q, p = generate(n, k, c, seed=n)
        yield f"gen_{n}_{k}_{c}cat", q, p, k, "id", ("address",)


def run_ours(name: str, algorithm: str, time_limit: float | None) -> dict:
    """One run in a fresh process: the time is not slowed by memory tracing, and the
    peak resident memory (``ru_maxrss``) includes HiGHS' own."""
    res = subprocess.run([sys.executable, __file__, "--one", name, algorithm,
                          "--time-limit", str(time_limit)],
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise ValueError(res.stderr.strip().splitlines()[-1] if res.stderr.strip() else "failed")
    return json.loads(res.stdout.strip().splitlines()[-1])


def one_run(name: str, algorithm: str, time_limit: float | None) -> None:
    import resource
    for n, fq, fp, k, idc, hh in instances(False):
        if n == name:
            inst = load_instance(fq, fp, k, id_column=idc, household_columns=hh)
            break
    else:
        raise SystemExit(f"no instance {name}")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    pf = find_portfolio(inst, algorithm, legacy_runs=200, time_limit=time_limit)
    secs = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base   # KiB on Linux
    probs = pf.probabilities()
    kn = inst.k / inst.pool.n
    print(json.dumps({
        "seconds": secs, "peak_mb": peak / 1024, "min": float(probs.min()),
        "max": float(probs.max()), "lp": float(pf.lp_bound),
        "below_half": int((probs < kn / 2 - 1e-12).sum()), "panels": len(pf.panels),
        "stopped": bool(pf.stats.get("stopped_early")),
        "runs": pf.stats.get("successful_runs")}))


def run_peer(name, inst, algorithm: str, tmp: Path) -> dict | None:
    venv = Path(os.environ.get("SORTITION_VENV", "/work/sa-venv"))
    python = venv / "bin" / "python"
    if not python.exists():
        return None
    fq, fp, script = tmp / f"{name}_f.csv", tmp / f"{name}_p.csv", tmp / "peer.py"
    script.write_text(PEER_SCRIPT)
    inst.quotas.to_frame()[["feature", "value", "min", "max"]].to_csv(fq, index=False)
    import pandas as pd
    cats = list(inst.quotas.categories.items())
    pd.DataFrame([{"id": pid, **{c: v[int(inst.pool.codes[i, j])] for j, (c, v) in
                                 enumerate(cats)}} for i, pid in enumerate(inst.pool.ids)]
                 ).to_csv(fp, index=False)
    try:
        res = subprocess.run([str(python), str(script), str(fq), str(fp), str(inst.k), algorithm],
                             capture_output=True, text=True, timeout=PEER_TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"seconds": float("inf"), "note": "did not finish"}
    if res.returncode != 0:
        return {"seconds": float("nan"), "note": "error: " + res.stderr.strip()[-120:]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small instances only")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--time-limit", type=float, default=300.0,
                    help="per leximin/maximin run (seconds)")
    ap.add_argument("--one", nargs=2, metavar=("INSTANCE", "ALGORITHM"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        return one_run(*args.one, args.time_limit)
    algorithms = ["leximin", "maximin", "goldilocks", "legacy", "uniform"]
    with tempfile.TemporaryDirectory() as tmpdir:
        for name, fq, fp, k, idc, hh in instances(args.quick):
            inst = load_instance(fq, fp, k, id_column=idc, household_columns=hh)
            print(f"\n== {name}: n={inst.pool.n} k={k} categories={len(inst.quotas.categories)}"
                  f" k/n={k / inst.pool.n:.4f} households={'yes' if hh else 'no'}")
            print(f"{'algorithm':<12}{'time s':>9}{'peak MB':>9}{'min p':>10}{'max p':>10}"
                  f"{'LP opt':>10}{'gap':>10}{'<k/2n':>7}{'panels':>8}  note")
            ours = {}
            for alg in algorithms:
                if alg == "goldilocks" and inst.pool.n > 500 and len(inst.quotas) > 8:
                    continue
                try:
                    r = run_ours(name, alg, args.time_limit)
                except ValueError as exc:
                    print(f"{alg:<12}  failed: {exc}")
                    continue
                ours[alg] = r
                gap = r["lp"] - r["min"] if not np.isnan(r["lp"]) else float("nan")
                note = "time limit reached" if r["stopped"] else ""
                if r["runs"] is not None:
                    note = f"{r['runs']} successful runs of 200"
                print(f"{alg:<12}{r['seconds']:>9.2f}{r['peak_mb']:>9.1f}{r['min']:>10.5f}"
                      f"{r['max']:>10.5f}{r['lp']:>10.5f}{gap:>10.2e}{r['below_half']:>7}"
                      f"{r['panels']:>8}  {note}")
            if args.no_peer:
                continue
            for alg in ("maximin", "legacy"):
                peer = run_peer(name, inst, alg, Path(tmpdir))
                if peer is None:
                    print("peer: sortition-algorithms not installed (set SORTITION_VENV)")
                    break
                mine = ours.get(alg, {}).get("seconds", float("nan"))
                ratio = mine / peer["seconds"] if peer["seconds"] not in (0,) else float("nan")
                extra = f" min p {peer['min']:.5f}" if "min" in peer else ""
                print(f"peer {alg:<8}{peer['seconds']:>9.2f} s{extra}  ours/peer time = "
                      f"{ratio:.3f} {peer.get('note', '')}")


if __name__ == "__main__":
    main()
