#!/usr/bin/env python3
"""The speed targets, row by row: runs compare.py's measurement (time to relative suboptimality
1e-6, 1 thread, every peer on the machine, each sweep stopped after its first run over --budget)
over a grid of problems, datasets and λ = λ_max/10, /100, /1000, and writes one table saying,
per row, Southwell's time, the fastest peer's, their ratio and whether the targets hold:

* ratio to the fastest of scikit-learn / LIBLINEAR / glmnet at most 0.5;
* at most 0.2 of scikit-learn's coordinate descent (lasso and elastic net, where it runs);
* l2-logistic: not slower than LIBLINEAR's trust-region Newton (-s 0).

A peer that reaches 1e-6 in none of its runs counts as slower than Southwell (its table cell
reads "not reached"); a row where Southwell does not reach 1e-6 is missed.

    PYTHONPATH=build/python /usr/bin/python3 bench/compare/targets.py [--budget 5]
        [--problems lasso l1-logistic ...] [--datasets a9a ...] [--fractions 0.1 0.01]
        [--generated]   (adds the 100,000 × 1,000,000 lasso and l1-logistic at λ_max/10)
        [--steps-per-decade 2]   (settings each solver's sweep tries per decade of tolerance)

Writes <output-dir>/targets.md and targets.json, and each row's plot and runs (compare.py's
files) beside them. The whole grid with --budget 2 --generated took 52 minutes on one core at
the default two tolerances a decade (39 with --steps-per-decade 1).

With --paths, the path target instead: for lasso, enet and l1-logistic on each dataset,
compare.py --path's measurement (100 λ from λ_max to 1e-3 λ_max, Southwell and glmnet; see
paths.py) and whether Southwell reaches a worst-point suboptimality of 1e-4 sooner than glmnet
(met as well where glmnet never reaches it and Southwell does). Writes paths.md and paths.json;
about ten minutes on one core.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import compare  # noqa: E402
import paths  # noqa: E402

SHARED_DATASETS = ("leukemia", "a9a", "rcv1_small", "news20")
FRACTIONS = (0.1, 0.01, 0.001)
#: The multinomial rows need more than two classes: news20 (20) is the only such shared dataset.
MULTICLASS_DATASETS = ("news20",)
GENERATED = "generated:100000,1000000,20"
TARGET = 1e-6
TARGET_COLUMN = compare.TARGETS.index(TARGET)


def grid(problems, datasets, fractions, generated):
    rows = []
    for problem in problems:
        names = [d for d in datasets if problem != "multinomial" or d in MULTICLASS_DATASETS]
        rows += [(problem, d, f) for d in names for f in fractions]
    if generated:
        rows += [(problem, GENERATED, 0.1) for problem in ("lasso", "l1-logistic") if problem in problems]
    return rows


def verdict(problem, table, failures):
    """(summary cells, met?) of one row from compare's {solver: [time to each target]}."""
    ours = table.get("southwell", [None] * len(compare.TARGETS))[TARGET_COLUMN]
    peers = {name: row[TARGET_COLUMN] for name, row in table.items() if name != "southwell"}
    reached = {name: t for name, t in peers.items() if t is not None}
    fastest = min(reached, key=reached.get) if reached else None
    checks = []
    if ours is None:
        checks.append(False)
        ratio = None
    else:
        ratio = ours / reached[fastest] if fastest else 0.0
        checks.append(ratio <= 0.5)
        if "sklearn-cd" in peers:
            cd = peers["sklearn-cd"]
            checks.append(cd is None or ours <= 0.2 * cd)
        if problem == "l2-logistic" and "liblinear-s0" in peers:
            tron = peers["liblinear-s0"]
            checks.append(tron is None or ours <= tron)
    not_reached = sorted(name for name, t in peers.items() if t is None) + sorted(failures)
    return {"southwell": ours, "fastest": fastest, "fastest_seconds": reached.get(fastest),
            "ratio": ratio, "sklearn_cd": peers.get("sklearn-cd"), "not_reached": not_reached,
            "met": all(checks)}


def fmt(seconds):
    return "—" if seconds is None else f"{seconds:.3g}"


def markdown(rows, budget):
    lines = [f"Time to relative suboptimality {TARGET:g} (s), 1 thread; peers' sweeps stop after a run over {budget:g} s.",
             "", "| problem | dataset | λ/λ_max | Southwell | fastest peer | ratio | scikit-learn CD | "
             "no 1e-6 (or failed) | target |", "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        v = row["verdict"]
        fastest = f"{v['fastest']} {fmt(v['fastest_seconds'])}" if v["fastest"] else "none reached"
        ratio = "—" if v["ratio"] is None else ("< any" if v["fastest"] is None else f"{v['ratio']:.2f}")
        lines.append(f"| {row['problem']} | {row['dataset']} | {row['fraction']:g} | {fmt(v['southwell'])} | {fastest} | "
                     f"{ratio} | {fmt(v['sklearn_cd'])} | {', '.join(v['not_reached']) or '—'} | "
                     f"{'met' if v['met'] else '**missed**'} |")
    met = sum(row["verdict"]["met"] for row in rows)
    lines += ["", f"{met} of {len(rows)} rows meet the targets."]
    return "\n".join(lines)


def path_verdict(reached):
    """Southwell's and glmnet's seconds to each of paths.PATH_TARGETS (from run_path_table) and
    whether the target is met: None when glmnet did not run (not installed), as nothing was
    compared."""
    ours = reached.get("southwell", [None] * len(paths.PATH_TARGETS))
    glmnet = reached.get("glmnet", [None] * len(paths.PATH_TARGETS))
    ran = "glmnet" in reached
    met = (ours[0] is not None and (glmnet[0] is None or ours[0] < glmnet[0])) if ran else None
    return {"southwell": ours, "glmnet": glmnet, "glmnet_ran": ran, "met": met}


def path_markdown(rows, budget):
    targets = " / ".join(f"{t:.0e}" for t in paths.PATH_TARGETS)
    lines = [f"Paths of 100 λ (λ_max → 1e-3 λ_max): seconds until every point is within {targets} of F*, "
             f"1 thread; sweeps stop after a run over {budget:g} s.", "",
             "| problem | dataset | Southwell | glmnet | Southwell / glmnet at 1e-4 | target |", "|---|---|---|---|---|---|"]
    for row in rows:
        v = row["verdict"]
        glmnet = " / ".join(fmt(t) for t in v["glmnet"]) if v["glmnet_ran"] else "not run"
        ours, theirs = v["southwell"][0], v["glmnet"][0]
        ratio = "—" if ours is None else ("< any" if theirs is None else f"{ours / theirs:.2f}")
        verdict = "not compared" if v["met"] is None else "met" if v["met"] else "**missed**"
        lines.append(f"| {row['problem']} | {row['dataset']} | {' / '.join(fmt(t) for t in v['southwell'])} | "
                     f"{glmnet} | {ratio} | {verdict} |")
    met = sum(row["verdict"]["met"] is True for row in rows)
    compared = sum(row["verdict"]["met"] is not None for row in rows)
    lines += ["", f"{met} of {compared} paths compared with glmnet meet the target."]
    return "\n".join(lines)


def run_paths(args, out_dir):
    """The path grid (--paths): one row per problem with a path and dataset."""
    rows = []
    plan = [(p, d) for p in args.problems if p in paths.PATH_PROBLEMS for d in args.datasets]
    start = time.perf_counter()
    for k, (problem, dataset) in enumerate(plan, 1):
        print(f"[{k}/{len(plan)}, {time.perf_counter() - start:.0f} s]", end=" ", flush=True)
        point = argparse.Namespace(problem=problem, dataset=dataset, threads=1, solvers=["southwell", "glmnet"],
                                   points=100, min_ratio=1e-3, budget=args.budget)
        try:
            _, reached = paths.run_path_table(point, args.shared, out_dir)
        except FileNotFoundError as error:
            print(f"skipped: {error}", flush=True)
            continue
        rows.append({"problem": problem, "dataset": dataset, "reached": reached, "verdict": path_verdict(reached)})
        (out_dir / "paths.json").write_text(json.dumps(rows, indent=1))
    text = path_markdown(rows, args.budget)
    (out_dir / "paths.md").write_text(text + "\n")
    print(text)
    return 0 if rows else 2


def main():
    here = pathlib.Path(__file__).resolve()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problems", nargs="+", default=["lasso", "enet", "l1-logistic", "l2-logistic", "multinomial"],
                        choices=("lasso", "enet", "l1-logistic", "l2-logistic", "multinomial"))
    parser.add_argument("--datasets", nargs="+", default=list(SHARED_DATASETS))
    parser.add_argument("--fractions", nargs="+", type=float, default=list(FRACTIONS))
    parser.add_argument("--generated", action="store_true", help="add the generated 100,000 × 1,000,000 rows")
    parser.add_argument("--paths", action="store_true",
                        help="the path target instead: 100-λ paths against glmnet (lasso, enet, l1-logistic)")
    parser.add_argument("--solvers", nargs="*",
                        help="only these adapters (default: all available; scikit-learn's newton-cholesky forms "
                             "the p x p Hessian, minutes on leukemia's 7,129 features)")
    parser.add_argument("--budget", type=float, default=5.0,
                        help="a solver's sweep stops after its first run longer than this (seconds, default 5)")
    compare.add_sweep_argument(parser)
    parser.add_argument("--shared", default=str(here.parents[3] / "shared"), help="the shared folder (data)")
    parser.add_argument("--output-dir", default="out/targets")
    args = parser.parse_args()
    if any(not 0 < f <= 1 for f in args.fractions):
        parser.error("--fractions must lie in (0, 1]")
    os.environ["OMP_NUM_THREADS"] = "1"
    import peers

    peers.BUDGET[0] = args.budget
    peers.STEPS_PER_DECADE[0] = args.steps_per_decade
    out_dir = pathlib.Path(args.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if args.paths:
        return run_paths(args, out_dir)
    rows = []
    plan = grid(args.problems, args.datasets, args.fractions, args.generated)
    start = time.perf_counter()
    for k, (problem, dataset, fraction) in enumerate(plan, 1):
        print(f"[{k}/{len(plan)}, {time.perf_counter() - start:.0f} s]", end=" ", flush=True)
        point = argparse.Namespace(problem=problem, dataset=dataset, fraction=fraction, threads=1, solvers=args.solvers)
        try:
            _, table, failures = compare.run_point_table(point, args.shared, out_dir)
        except FileNotFoundError as error:
            print(f"skipped: {error}", flush=True)
            continue
        except Exception as error:  # the row is reported as missed, the grid goes on
            print(f"failed: {error}", flush=True)
            table, failures = {}, {"the row": str(error)}
        rows.append({"problem": problem, "dataset": dataset, "fraction": fraction, "table": table,
                     "failed": failures, "verdict": verdict(problem, table, failures)})
        (out_dir / "targets.json").write_text(json.dumps(rows, indent=1))  # kept if a later row is interrupted
    text = markdown(rows, args.budget)
    (out_dir / "targets.md").write_text(text + "\n")
    print(text)
    return 0 if rows else 2


if __name__ == "__main__":
    sys.exit(main())
