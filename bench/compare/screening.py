#!/usr/bin/python3
"""Gap-safe screening on and off: time to tol with the working-set solver, same run, interleaved.

    PYTHONPATH=build/python /usr/bin/python3 bench/compare/screening.py [--repeats 5] [--tol 1e-6]

Rows: lasso and l1-logistic on the shared LIBSVM datasets at lambda_max/10 and /100 (no
intercept: screening needs every feature penalised). Prints the best time of each setting, the
features screened out and the ratio on/off; skips datasets absent from ../shared/data.
"""
import argparse
import os
import pathlib
import time

import numpy as np
from sklearn.datasets import load_svmlight_file

import southwell as sw

REPO = pathlib.Path(__file__).resolve().parents[2]
DATA = pathlib.Path(os.environ.get("SOUTHWELL_SHARED_DATA", REPO.parent / "shared" / "data")) / "libsvm"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tol", type=float, default=1e-6)
    parser.add_argument("--datasets", default="rcv1_small,news20,a9a,leukemia")
    args = parser.parse_args()
    print("| problem | data | λ | off (s) | on (s) | screened out / features | on / off |")
    print("|---|---|---|---|---|---|---|")
    for name in args.datasets.split(","):
        path = DATA / name
        if not path.exists():
            print(f"| skipped | {name} | absent: {path} | | | | |")
            continue
        X, y = load_svmlight_file(str(path))
        X = X.tocsc()
        for kind in ("lasso", "l1-logistic"):
            if kind == "l1-logistic":
                labels = np.where(y > np.median(y), 1.0, -1.0) if len(np.unique(y)) > 2 else np.where(y > 0, 1.0, -1.0)
                lam_max = np.abs(X.T @ (0.5 * labels)).max()
            else:
                labels = y
                lam_max = np.abs(X.T @ y).max()
            for fraction in (10, 100):
                lam = lam_max / fraction
                problem = (sw.LeastSquares(X, labels, l1=lam) if kind == "lasso" else sw.Logistic(X, labels, l1=lam))
                best = {True: np.inf, False: np.inf}
                screened = 0
                for _ in range(args.repeats):
                    for screening in (False, True):
                        start = time.perf_counter()
                        result = sw.solve(problem, tol=args.tol, threads=1, screening=screening)
                        best[screening] = min(best[screening], time.perf_counter() - start)
                        if screening:
                            screened = result.screened_out
                        assert result.status == "converged", result.status
                print(f"| {kind} | {name} | λmax/{fraction} | {best[False]:.4f} | {best[True]:.4f} | "
                      f"{screened} / {X.shape[1]} | {best[True] / best[False]:.2f} |", flush=True)


if __name__ == "__main__":
    main()
