#!/usr/bin/env python3
"""Wall-clock time of Southwell's estimators against scikit-learn's on the shared LIBSVM
datasets, measured in the same run (best of --repeats), reported as ratios.

    PYTHONPATH=build/python /usr/bin/python3 bench/python_estimators.py [--shared-data ../shared/data]
"""
import argparse
import pathlib
import sys
import time
import warnings

import sklearn.linear_model as skl
from sklearn.datasets import load_svmlight_file

from southwell.linear_model import Lasso, LassoCV, LogisticRegression, LogisticRegressionCV


def best_time(fit, repeats, budget=10.0):
    """The best of `repeats` runs, fewer once they have taken `budget` seconds (scikit-learn's
    LassoCV on a9a takes over two minutes a run)."""
    best, spent = float("inf"), 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        fit()
        elapsed = time.perf_counter() - start
        best, spent = min(best, elapsed), spent + elapsed
        if spent > budget:
            break
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared-data", default=str(pathlib.Path(__file__).resolve().parents[2] / "shared" / "data"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tol", type=float, default=1e-6)
    args = parser.parse_args()
    libsvm = pathlib.Path(args.shared_data) / "libsvm"
    if not libsvm.is_dir():
        sys.exit(f"needs the shared LIBSVM datasets in {libsvm} (absent)")
    warnings.simplefilter("ignore")
    a9a = load_svmlight_file(str(libsvm / "a9a"))
    rcv1 = load_svmlight_file(str(libsvm / "rcv1_small"))
    leukemia_X, leukemia_y = load_svmlight_file(str(libsvm / "leukemia"))
    leukemia = (leukemia_X.toarray(), leukemia_y)
    tol = args.tol
    rows = [
        ("a9a logistic l2, C = 1", a9a, LogisticRegression(C=1.0, tol=tol),
         skl.LogisticRegression(C=1.0, tol=tol, max_iter=10000), "lbfgs"),
        ("a9a logistic l1, C = 1", a9a, LogisticRegression(penalty="l1", C=1.0, tol=tol),
         skl.LogisticRegression(penalty="l1", C=1.0, solver="liblinear", tol=tol), "liblinear"),
        ("rcv1_small logistic l2, C = 1", rcv1, LogisticRegression(C=1.0, tol=tol),
         skl.LogisticRegression(C=1.0, tol=tol, max_iter=10000), "lbfgs"),
        ("leukemia lasso, alpha = 0.01", leukemia, Lasso(alpha=0.01, tol=tol),
         skl.Lasso(alpha=0.01, tol=tol, max_iter=100000), "coordinate descent"),
        # 5 folds x 100 alphas, one thread each; both choose the same alpha on these two.
        ("leukemia LassoCV", leukemia, LassoCV(tol=tol), skl.LassoCV(tol=tol), "coordinate descent"),
        ("a9a LassoCV (sparse)", a9a, LassoCV(tol=tol), skl.LassoCV(tol=tol), "coordinate descent"),
        # 5 stratified folds x 10 Cs (1e-4 ... 1e4), accuracy.
        ("rcv1_small LogisticRegressionCV", rcv1, LogisticRegressionCV(tol=tol),
         skl.LogisticRegressionCV(tol=tol, max_iter=10000), "lbfgs"),
        ("a9a LogisticRegressionCV", a9a, LogisticRegressionCV(tol=tol),
         skl.LogisticRegressionCV(tol=tol, max_iter=10000), "lbfgs"),
    ]
    print("| problem | Southwell (s) | scikit-learn (s) | speed-up |")
    print("|---|---|---|---|")
    for name, (X, y), ours, theirs, solver in rows:
        ours_time = best_time(lambda: ours.fit(X, y), args.repeats)
        theirs_time = best_time(lambda: theirs.fit(X, y), args.repeats)
        print(f"| {name} | {ours_time:.3f} | {theirs_time:.3f} ({solver}) | {theirs_time / ours_time:.2f} |",
              flush=True)


if __name__ == "__main__":
    main()
