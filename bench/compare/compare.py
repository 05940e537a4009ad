#!/usr/bin/env python3
"""Time-to-precision comparison of Southwell against the peers on this machine (benchopt's
method): every solver is run over a sweep of its tolerance (or iteration count) in one process,
each result is evaluated with one objective formula (problems.py), F* is the best value any run
reached, and the table reports the least time after which a solver's relative suboptimality
(F − F*) / |F*| is at most 1e-4, 1e-6 and 1e-8. A plot shows suboptimality against time.

    PYTHONPATH=build/python /usr/bin/python3 bench/compare/compare.py \\
        --problem lasso --dataset leukemia --fraction 0.01 [--threads 1] [--solvers ...]
    ... --path [--problem lasso|enet|l1-logistic] [--points 100] [--min-ratio 1e-3]
              (regularisation paths: 100 λ from λ_max to 1e-3 λ_max; see paths.py)

Datasets: a9a, rcv1_small, news20, leukemia, mushrooms (from ../shared/data/libsvm), a LIBSVM
file path, or generated:m,p,nnz_per_row. The peers are scikit-learn (python3-sklearn),
LIBLINEAR (python3-liblinear) and glmnet (r-cran-glmnet, via Rscript); those not installed are
skipped with a note (scripts/install-deps.sh --peers installs them). Every solver gets the same
thread count (--threads, default 1: the peers' inner loops are single-threaded); warm-up runs
are excluded, and a run shorter than 0.05 s is repeated (5 runs, the median counts).
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

TARGETS = (1e-4, 1e-6, 1e-8)


def suboptimality_table(results, targets=TARGETS):
    """{solver: [seconds to each target or None]}, F*, from {solver: [(setting, s, F)]}."""
    best = min(f for runs in results.values() for _, _, f in runs)
    scale = max(abs(best), 1e-300)
    table = {}
    for name, runs in results.items():
        row = []
        for target in targets:
            times = [s for _, s, f in runs if (f - best) / scale <= target]
            row.append(min(times) if times else None)
        table[name] = row
    return table, best


def format_table(title, table, targets=TARGETS):
    lines = [title, "", "| solver | " + " | ".join(f"time to {t:.0e} (s)" for t in targets) + " |",
             "|---|" + "---|" * len(targets)]
    for name, row in table.items():
        cells = ["not reached" if t is None else f"{t:.4g}" for t in row]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(results, best, title, path):
    from plots import precision_plot

    scale = max(abs(best), 1e-300)
    curves = {name: [(s, (f - best) / scale) for _, s, f in runs] for name, runs in results.items()}
    precision_plot(curves, TARGETS, "seconds", "relative suboptimality (F − F*) / |F*|", title, path)


def run_point(args, shared, out_dir):
    """Times every available solver on one problem; returns the markdown table, and records the
    table, F* and every run in <out_dir>/<problem>_<dataset>_<fraction>.json."""
    return run_point_table(args, shared, out_dir)[0]


def run_point_table(args, shared, out_dir):
    """run_point, also returning {solver: [seconds to each of TARGETS or None]} and
    {solver: error message} for the solvers that failed."""
    import peers
    import problems

    data = problems.load(args.dataset, shared, args.problem)
    problem = problems.make_problem(args.problem, data, args.fraction)
    m, p = data.shape
    title = f"{args.problem} on {args.dataset} ({m}×{p}), λ = {args.fraction:g} λ_max, {args.threads} thread(s)"
    print(title, flush=True)
    results, failures = {}, {}
    for adapter in peers.all_adapters():
        if args.solvers and adapter.name not in args.solvers:
            continue
        if args.problem not in adapter.problems:
            continue
        if not adapter.available():
            print(f"  {adapter.name}: not installed, skipped", flush=True)
            continue
        start = time.perf_counter()
        try:
            runs = adapter.runs(problem, args.threads)
        except Exception as error:  # a peer that fails leaves the others' comparison standing
            print(f"  {adapter.name}: failed: {error}", flush=True)
            failures[adapter.name] = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
            continue
        results[adapter.name] = [(setting, seconds, problem.objective(coef)) for setting, seconds, coef in runs]
        print(f"  {adapter.name}: {len(runs)} runs in {time.perf_counter() - start:.1f}s", flush=True)
    table, best = suboptimality_table(results)
    text = format_table(title, table)
    text += "".join(f"\n| {name} | failed: {message} |" + " |" * (len(TARGETS) - 1) for name, message in failures.items())
    print(text)
    stem = f"{args.problem}_{pathlib.Path(args.dataset).name.replace(':', '_').replace(',', 'x')}_{args.fraction:g}"
    plot(results, best, title, out_dir / f"{stem}.png")
    (out_dir / f"{stem}.json").write_text(json.dumps(
        {"title": title, "best": best, "table": table, "failed": failures,
         "runs": {k: [list(r) for r in v] for k, v in results.items()}}, indent=1))
    return text, table, failures


def steps_per_decade(text):
    """--steps-per-decade's value: an integer >= 1 (argparse reports anything else)."""
    steps = int(text)
    if steps < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return steps


def add_sweep_argument(parser):
    """--steps-per-decade, shared by compare.py and targets.py."""
    parser.add_argument("--steps-per-decade", type=steps_per_decade, default=2,
                        help="tolerances tried per decade, 1e-1 to 1e-12 (saga: iteration counts per doubling; "
                             "default 2; 1 is quicker -- the targets grid took 39 minutes against 52 -- but can "
                             "report a solver up to a decade's cost late)")


def main():
    here = pathlib.Path(__file__).resolve()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--problem", default="lasso", choices=("lasso", "enet", "l1-logistic", "l2-logistic",
                                                                "multinomial"))
    parser.add_argument("--dataset", default="leukemia")
    parser.add_argument("--fraction", type=float, default=0.01, help="λ as a fraction of λ_max (default 0.01)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--solvers", nargs="*", help="only these adapters (default: all available)")
    parser.add_argument("--path", action="store_true",
                        help="time regularisation paths instead (--problem lasso, enet or l1-logistic)")
    parser.add_argument("--points", type=int, default=100, help="λ values on a path (default 100)")
    parser.add_argument("--min-ratio", type=float, default=1e-3,
                        help="a path's smallest λ as a fraction of λ_max (default 1e-3)")
    add_sweep_argument(parser)
    parser.add_argument("--shared", default=str(here.parents[3] / "shared"), help="the shared folder (data)")
    parser.add_argument("--output-dir", default="out/compare")
    parser.add_argument("--budget", type=float, default=60.0,
                        help="a solver's sweep stops after its first run longer than this (seconds)")
    args = parser.parse_args()
    if not 0 < args.fraction <= 1:
        parser.error("--fraction must lie in (0, 1]")
    if args.threads < 1:
        parser.error("--threads must be >= 1")
    if args.points < 2:
        parser.error("--points must be >= 2")
    if not 0 < args.min_ratio < 1:
        parser.error("--min-ratio must lie in (0, 1)")
    if args.path and args.problem not in ("lasso", "enet", "l1-logistic"):
        parser.error("--path needs --problem lasso, enet or l1-logistic")
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import peers

    peers.BUDGET[0] = args.budget
    peers.STEPS_PER_DECADE[0] = args.steps_per_decade
    out_dir = pathlib.Path(args.output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        if args.path:
            import paths

            text = paths.run_path(args, args.shared, out_dir)
        else:
            text = run_point(args, args.shared, out_dir)
    except FileNotFoundError as error:
        print(f"skipped: {error}", file=sys.stderr)
        return 2
    with open(out_dir / "tables.md", "a") as log:
        log.write(text + "\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
