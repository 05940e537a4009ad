#!/usr/bin/python3
"""Soak run: many small solves in one process, reporting resident memory as it goes.

    PYTHONPATH=build/python /usr/bin/python3 bench/soak/soak.py [--solves 10000]

Cycles through every entry point (minimize with greedy and random rules, the working-set
solver, a quadratic, the Lasso and LogisticRegression estimators, label propagation, a callback
that stops the solve, and a bad input that must raise), each on a freshly generated problem.
Prints the resident set size (VmRSS) after the warm-up, every 10% and at the end, and the peak
(VmHWM). Exits 1 if the current RSS grew by more than --max-growth-mb after the warm-up: a leak
of even a few hundred bytes per solve shows up as megabytes over 10,000 solves.
"""
import argparse
import sys
import time

import numpy as np
import scipy.sparse as sp

import southwell as sw
from southwell.linear_model import Lasso, LogisticRegression
from southwell.semi_supervised import LabelPropagation


def memory_mb():
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def job(k):
    rng = np.random.default_rng(k)
    A = rng.standard_normal((40, 15))
    A[rng.random(A.shape) > 0.6] = 0
    b = A @ rng.standard_normal(15) + rng.standard_normal(40)
    y = np.where(b > 0, 1.0, -1.0)
    kind = k % 9
    if kind == 0:
        return sw.minimize(sw.LeastSquares(A, b, l1=0.1), selection="gs-q", update="prox-newton", block_size=3).status
    if kind == 1:
        return sw.minimize(sw.Logistic(sp.csc_matrix(A), y, l2=0.1), selection="random", update="newton",
                           seed=k).status
    if kind == 2:
        return sw.solve(sw.Logistic(A, y, l1=0.05)).status
    if kind == 3:
        Q = sp.csc_matrix(A.T @ A + np.eye(15))
        return sw.minimize(sw.Quadratic(Q, rng.standard_normal(15)), selection="gsd", update="exact").status
    if kind == 4:
        return Lasso(alpha=0.05).fit(A, b).solver_result_.status
    if kind == 5:
        return LogisticRegression(C=1.0).fit(A, np.digitize(b, [-1, 1])).solver_result_.status
    if kind == 6:
        W = sp.random(40, 40, density=0.1, random_state=k, format="csr")
        labels = np.full(40, -1)
        labels[:6] = np.arange(6) % 2
        LabelPropagation(kernel="precomputed").fit(W + W.T, labels)
        return "converged"
    if kind == 7:
        return sw.minimize(sw.LeastSquares(A, b), callback=lambda i, x, f: True).status
    try:
        sw.LeastSquares(A, b[:-1])
    except ValueError:
        return "refused"
    raise AssertionError("a bad input was accepted")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--solves", type=int, default=10000)
    parser.add_argument("--warm-up", type=int, default=200, help="solves before the baseline RSS (default 200)")
    parser.add_argument("--max-growth-mb", type=float, default=16.0)
    args = parser.parse_args()
    import warnings
    warnings.simplefilter("ignore")  # ConvergenceWarnings of the tiny problems are not the point here
    statuses = {}
    rss, peak = memory_mb()
    print(f"start (modules imported, nothing solved): RSS {rss:.1f} MB, peak {peak:.1f} MB", flush=True)
    started = time.monotonic()
    for k in range(args.warm_up):
        job(k)
    baseline, _ = memory_mb()
    print(f"after {args.warm_up} warm-up solves: RSS {baseline:.1f} MB", flush=True)
    step = max(1, args.solves // 10)
    for k in range(args.solves):
        status = job(args.warm_up + k)
        statuses[status] = statuses.get(status, 0) + 1
        if (k + 1) % step == 0:
            rss, peak = memory_mb()
            print(f"{k + 1:6d} solves  RSS {rss:7.1f} MB  peak {peak:7.1f} MB  "
                  f"{(k + 1) / (time.monotonic() - started):6.0f} solves/s", flush=True)
    rss, peak = memory_mb()
    growth = rss - baseline
    print(f"done: {args.solves} solves in {time.monotonic() - started:.1f} s; RSS {baseline:.1f} -> {rss:.1f} MB "
          f"({growth:+.1f} MB), peak {peak:.1f} MB; outcomes {dict(sorted(statuses.items()))}")
    if growth > args.max_growth_mb:
        print(f"RSS grew by {growth:.1f} MB > {args.max_growth_mb} MB: a leak?", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
