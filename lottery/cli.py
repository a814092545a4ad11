"""Command line: ``python -m lottery check|select|verify|targets|replace``.

Exit codes: 0 success (feasible, verified), 1 a clear "no" (infeasible quotas, a report
that does not verify), 2 bad input (one line per problem, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from ._version import __version__
from .draw import new_seed
from .errors import InputError
from .feasibility import check
from .pool import Instance, load_instance
from .report import build_report, summary_markdown
from .select import ALGORITHMS, find_portfolio
from .targets import targets
from .transparent import transparent_lottery
from .verify import verify_report


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out += [x.strip() for x in v.split(",") if x.strip()]
    return out


def _progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def _common(p: argparse.ArgumentParser, size: bool = True) -> None:
    p.add_argument("--features", required=True, help="quota file (CSV/XLSX)")
    p.add_argument("--people", required=True, help="pool file (CSV/XLSX)")
    if size:
        p.add_argument("--size", type=int, required=True, help="panel size k")
    p.add_argument("--household-columns", nargs="*", default=[],
                   help="columns that identify a household (comma or space separated)")
    p.add_argument("--id-column", default=None, help="column with volunteer ids")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="lottery", description="Civic lottery: stratified "
                                 "selection of deliberative panels with known probabilities.")
    ap.add_argument("--version", action="version", version=__version__)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="can the quotas be met? if not, why and what to change")
    _common(p)
    p = sub.add_parser("select", help="find the portfolio, draw the panel, write a report")
    _common(p)
    p.add_argument("--algorithm", choices=ALGORITHMS, default="leximin")
    p.add_argument("--seed", default=None, help="seed text (dice, lottery numbers, beacon)")
    p.add_argument("--transparent", type=int, nargs="?", const=1000, default=None,
                   metavar="M", help="round to M numbered panels (default 1000)")
    p.add_argument("--number", type=int, default=None,
                   help="with --transparent: the publicly drawn panel number")
    p.add_argument("--legacy-runs", type=int, default=1000)
    p.add_argument("--gamma", type=float, default=1.0)
    p.add_argument("--out", required=True, help="output directory")
    p = sub.add_parser("verify", help="check a report against the input files")
    p.add_argument("report")
    p.add_argument("--features", required=True)
    p.add_argument("--people", required=True)
    p.add_argument("--rerun", action="store_true", help="also re-run the algorithm")
    p = sub.add_parser("targets", help="quotas from census shares (category,value,share)")
    p.add_argument("--census", required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--min-small", type=int, default=0)
    p.add_argument("--out", default=None, help="write the quota CSV here (else stdout)")
    p = sub.add_parser("replace", help="replacements for members who dropped out")
    p.add_argument("--report", required=True)
    p.add_argument("--dropouts", nargs="+", required=True)
    p.add_argument("--features", required=True)
    p.add_argument("--people", required=True)
    p.add_argument("--algorithm", choices=ALGORITHMS, default="leximin")
    p.add_argument("--seed", default=None)
    p.add_argument("--out", required=True)
    return ap


def _load(args: argparse.Namespace) -> Instance:
    return load_instance(args.features, args.people, args.size, id_column=args.id_column,
                         household_columns=_split(args.household_columns))


def _write_outputs(out: Path, instance: Instance, report: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    index = instance.pool.index_of()
    cats = list(instance.quotas.categories.items())
    rows = []
    for pid in report["panel"]:
        i = index[pid]
        rows.append({"id": pid, **{c: v[int(instance.pool.codes[i, j])]
                                   for j, (c, v) in enumerate(cats)}})
    pd.DataFrame(rows).to_csv(out / "panel.csv", index=False)
    pd.DataFrame(list(report["probabilities"].items()), columns=["id", "probability"]).to_csv(
        out / "probabilities.csv", index=False)
    pd.DataFrame([{"index": e["index"], "probability": e["probability"], "weight": e["weight"],
                   "members": ";".join(e["members"])} for e in report["portfolio"]]).to_csv(
        out / "portfolio.csv", index=False)
    (out / "summary.md").write_text(summary_markdown(report), encoding="utf-8")


def cmd_check(args: argparse.Namespace) -> int:
    result = check(_load(args))
    print(result.message())
    return 0 if result.feasible else 1


def _select(instance: Instance, args: argparse.Namespace, out: Path,
            extra: dict | None = None) -> int:
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    feas = check(instance)
    timings["check"] = round(time.perf_counter() - t0, 3)
    if not feas.feasible:
        print(feas.message(), file=sys.stderr)
        return 1
    t0 = time.perf_counter()
    options: dict = {"algorithm": args.algorithm}
    if args.algorithm == "legacy":
        options["legacy_runs"] = args.legacy_runs
    if args.algorithm == "goldilocks":
        options["gamma"] = args.gamma
    pf = find_portfolio(instance, args.algorithm, _progress,
                        legacy_runs=getattr(args, "legacy_runs", 1000),
                        gamma=getattr(args, "gamma", 1.0))
    timings["algorithm"] = round(time.perf_counter() - t0, 3)
    transparent = None
    if getattr(args, "transparent", None):
        t0 = time.perf_counter()
        transparent = transparent_lottery(pf, instance.pool.ids, args.transparent).to_dict()
        timings["transparent"] = round(time.perf_counter() - t0, 3)
    seed, source = (args.seed, "given") if args.seed else (new_seed(), "generated")
    report = build_report(instance, pf, seed, seed_source=source, options=options,
                          transparent=transparent, number=getattr(args, "number", None),
                          timings=timings, warnings=[str(w) for w in instance.warnings],
                          extra=extra)
    _write_outputs(out, instance, report)
    s = report["summary"]
    print(f"panel drawn ({args.algorithm}, seed {seed!r}); probabilities "
          f"{s['min_probability']:.6f} to {s['max_probability']:.6f}; written to {out}")
    return 0


def cmd_select(args: argparse.Namespace) -> int:
    return _select(_load(args), args, Path(args.out))


def cmd_verify(args: argparse.Namespace) -> int:
    report = json.loads(Path(args.report).read_text(encoding="utf-8"))
    diffs = verify_report(report, args.features, args.people, rerun=args.rerun)
    if diffs:
        print("NOT verified:")
        for d in diffs:
            print(f"- {d}")
        return 1
    print(f"verified: input hash {report['inputs']['sha256']}, panel of "
          f"{len(report['panel'])} drawn from seed {report['seed']!r}")
    return 0


def cmd_targets(args: argparse.Namespace) -> int:
    q = targets(args.census, args.size, args.min_small)
    frame = q.to_frame().drop(columns=["min_flex", "max_flex"])
    if args.out:
        frame.to_csv(args.out, index=False)
    else:
        frame.to_csv(sys.stdout, index=False)
    return 0


def cmd_replace(args: argparse.Namespace) -> int:
    from .replace import replace_dropouts
    old = json.loads(Path(args.report).read_text(encoding="utf-8"))
    inp = old["inputs"]
    instance = load_instance(args.features, args.people, inp["k"], id_column=inp.get("id_column"),
                             household_columns=inp.get("household_columns") or ())
    dropouts = _split(args.dropouts)
    rep = replace_dropouts(instance, old["panel"], dropouts, args.algorithm, _progress)
    for r in rep.relaxation:
        print(f"relaxed {r['category']} = {r['value']}: min {r['min']} -> {r['new_min']}, "
              f"max {r['max']} -> {r['new_max']}", file=sys.stderr)
    extra = {"replacement": {"previous_input_sha256": inp["sha256"], "previous_seed": old["seed"],
                             "kept": rep.kept, "dropouts": rep.dropouts,
                             "relaxation": rep.relaxation, "warnings": rep.warnings}}
    args.transparent, args.number = None, None
    args.legacy_runs, args.gamma = 1000, 1.0
    code = _select(rep.instance, args, Path(args.out), extra)
    if code == 0:
        report_path = Path(args.out) / "report.json"
        report = json.loads(report_path.read_text(encoding="utf-8"))
        report["replacement"]["completed_panel"] = sorted(rep.kept + report["panel"])
        report_path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                               encoding="utf-8")
        print("completed panel: " + ", ".join(report["replacement"]["completed_panel"]))
    return code


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler = {"check": cmd_check, "select": cmd_select, "verify": cmd_verify,
               "targets": cmd_targets, "replace": cmd_replace}[args.command]
    try:
        return handler(args)
    except InputError as exc:
        for p in exc.problems:
            print(f"{'error' if p.severity == 'error' else 'warning'}: {p}", file=sys.stderr)
        return 2
    except (ValueError, KeyError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
