"""Regularisation paths for the comparison suite (compare.py --path): each solver computes the
whole path of --points λ values from λ_max down to --min-ratio λ_max with its own path
algorithm (warm starts, strong rules), over a sweep of its tolerance; every point of every run
is evaluated with problems.py's objective, F* per point is the best value any run reached there,
and a run is summarised by its time and its worst relative suboptimality over the path.

Solvers per problem:

* lasso, enet: Southwell's lasso_path / enet_path, scikit-learn's lasso_path / enet_path
  (coordinate descent with warm starts), glmnet (family="gaussian").
* l1-logistic: Southwell's logistic_regression_path (C = 1/λ, no intercept), glmnet
  (family="binomial"), and scikit-learn's LogisticRegression with liblinear one point after
  the other (liblinear has no warm start; scikit-learn has no other l1 path with a tolerance).

glmnet runs with glmnet.control(fdev = 0, devmax = 1), so that it solves every point of the
grid instead of stopping where the deviance explained saturates; each sweep stops after its
first run longer than --budget seconds, and glmnet's Rscript is stopped after
peers.GLMNET_BUDGETS budgets plus a minute.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import tempfile
import time
import warnings

import numpy as np

import peers
import problems
from plots import precision_plot

PATH_PROBLEMS = ("lasso", "enet", "l1-logistic")
PATH_TOLERANCES = [10.0 ** (-k / 2) for k in range(4, 17)]  # 1e-2, 3.2e-3, ..., 1e-8
#: Precisions at which the summary reports each solver's time (worst point of the path).
PATH_TARGETS = (1e-4, 1e-6)


def southwell_path(kind, X, y, lambdas, threads):
    """fit(tol) -> coefficients, features x points, for Southwell's path function of `kind`."""
    from southwell.linear_model import enet_path, lasso_path, logistic_regression_path

    n = X.shape[0]
    if kind == "lasso":
        return lambda tol: lasso_path(X, y, alphas=lambdas / n, tol=tol, n_threads=threads)[1]
    if kind == "enet":
        return lambda tol: enet_path(X, y, l1_ratio=problems.ENET_RATIO, alphas=lambdas / n, tol=tol,
                                     n_threads=threads)[1]
    return lambda tol: logistic_regression_path(X, y, Cs=1.0 / lambdas, penalty="l1", fit_intercept=False,
                                                tol=tol, n_threads=threads)[0].T


def sklearn_path(kind, X, y, lambdas):
    """(name, fit(tol)) for scikit-learn's counterpart of `kind`."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression, enet_path, lasso_path

    n = X.shape[0]

    def quiet(call):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return call()

    if kind == "lasso":
        return "sklearn-cd", lambda tol: quiet(lambda: lasso_path(X, y, alphas=lambdas / n, tol=tol,
                                                                  max_iter=10 ** 5)[1])
    if kind == "enet":
        return "sklearn-cd", lambda tol: quiet(lambda: enet_path(X, y, l1_ratio=problems.ENET_RATIO,
                                                                 alphas=lambdas / n, tol=tol, max_iter=10 ** 5)[1])

    def liblinear(tol):
        coefs = [LogisticRegression(penalty="l1", C=1.0 / lam, fit_intercept=False, solver="liblinear", tol=tol,
                                    max_iter=1000).fit(X, y).coef_[0] for lam in lambdas]
        return np.array(coefs).T

    return "sklearn-liblinear (point by point)", lambda tol: quiet(lambda: liblinear(tol))


def sweep(fit, tolerances, budget):
    """[(tol, seconds, coefficients)], after one excluded warm-up at the loosest tolerance,
    stopping after the first run longer than the budget."""
    fit(tolerances[0])
    runs = []
    for tol in tolerances:
        start = time.perf_counter()
        coefs = fit(tol)
        seconds = time.perf_counter() - start
        runs.append((tol, seconds, coefs))
        if seconds > budget:
            break
    return runs


def glmnet_path(kind, data, lambdas, tolerances, threads, budget):
    """glmnet on the whole λ sequence (its own path algorithm); [(thresh, seconds, coefficients)]
    for the thresholds it finished within the limits."""
    import scipy.io
    import scipy.sparse as sp

    X, y = data.X, data.y
    n = X.shape[0]
    family, alpha = peers.GLMNET_FAMILIES[kind]
    glmnet_lambdas, scale = lambdas / n, 1.0
    if family == "gaussian":
        y, glmnet_lambdas, alpha, scale = peers.glmnet_gaussian(y, lambdas, alpha, n)
    script = pathlib.Path(__file__).with_name("glmnet_path.R")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        scipy.io.mmwrite(str(tmp / "X.mtx"), sp.coo_matrix(X))
        np.savetxt(tmp / "y.txt", y)
        np.savetxt(tmp / "lambda.txt", glmnet_lambdas)
        np.savetxt(tmp / "thresholds.txt", tolerances)
        (tmp / "settings.txt").write_text(
            f"{family}\n{alpha!r}\n{'true' if not sp.issparse(X) else 'false'}\n{budget!r}\n")
        limit = peers.GLMNET_BUDGETS * budget + 60
        try:
            done = subprocess.run(["Rscript", str(script), str(tmp)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, text=True, timeout=limit,
                                  env=dict(os.environ, OMP_NUM_THREADS=str(threads)))
            if done.returncode != 0:
                print(f"  glmnet: {done.stderr.strip().splitlines()[-1:]}", flush=True)
        except subprocess.TimeoutExpired:
            print(f"  glmnet: stopped after {limit:g} s", flush=True)
        runs = []
        for k, tol in enumerate(tolerances):
            if not (tmp / f"coef_{k}.txt").exists():
                break
            coefs = np.loadtxt(tmp / f"coef_{k}.txt", ndmin=2) * scale
            runs.append((tol, float((tmp / f"time_{k}.txt").read_text()), coefs))
        return runs


def plot(summaries, title, path):
    """Worst relative suboptimality over the path against seconds, one curve per solver."""
    curves = {name: [(seconds, worst) for _, seconds, worst in rows] for name, rows in summaries.items()}
    precision_plot(curves, PATH_TARGETS, "seconds for the whole path", "worst relative suboptimality over the path",
                   title, path)


def run_path(args, shared, out_dir):
    """Times every available solver's path; prints and returns the markdown tables, writes
    <out_dir>/path_<problem>_<dataset>.json (every run's per-point objectives) and .png."""
    return run_path_table(args, shared, out_dir)[0]


def run_path_table(args, shared, out_dir):
    """run_path's (markdown, {solver: [seconds to each of PATH_TARGETS, None where never]})."""
    kind = args.problem
    if kind not in PATH_PROBLEMS:
        raise ValueError(f"--path needs --problem among {PATH_PROBLEMS}, got {kind!r}")
    data = problems.load(args.dataset, shared, kind)
    X, y = data.X, data.y
    lam_max = problems.lambda_max(kind, data)
    lambdas = lam_max * np.geomspace(1, args.min_ratio, args.points)
    point_problems = [problems.Problem(kind, data, lam, lam / lam_max) for lam in lambdas]

    def evaluate(coefs):
        if coefs.shape[1] != len(lambdas):  # a solver that stopped early has no value at the rest
            return [np.inf] * len(lambdas)
        return [pp.objective(coefs[:, k]) for k, pp in enumerate(point_problems)]

    title = (f"{kind} path ({args.points} λ, λ_max → {args.min_ratio:g} λ_max) on {args.dataset} "
             f"({X.shape[0]}×{X.shape[1]}), {args.threads} thread(s)")
    print(title, flush=True)
    fits = {"southwell": southwell_path(kind, X, y, lambdas, args.threads)}
    name, fit = sklearn_path(kind, X, y, lambdas)
    fits[name] = fit
    runs = {}
    for name, fit in fits.items():
        if args.solvers and name.split(" ")[0] not in args.solvers:
            continue
        start = time.perf_counter()
        runs[name] = [(tol, s, evaluate(c)) for tol, s, c in sweep(fit, PATH_TOLERANCES, args.budget)]
        print(f"  {name}: {len(runs[name])} runs in {time.perf_counter() - start:.1f}s", flush=True)
    if (not args.solvers or "glmnet" in args.solvers) and peers.Glmnet().available():
        got = glmnet_path(kind, data, lambdas, PATH_TOLERANCES, args.threads, args.budget)
        runs["glmnet"] = [(tol, s, evaluate(c)) for tol, s, c in got]
        print(f"  glmnet: {len(got)} runs", flush=True)
    runs = {name: rs for name, rs in runs.items() if rs}
    best = np.min([np.min([values for _, _, values in rs], axis=0) for rs in runs.values()], axis=0)
    summaries = {name: [(tol, seconds, float(np.max((np.array(values) - best) / np.abs(best))))
                        for tol, seconds, values in rs] for name, rs in runs.items()}
    lines = [title, "", "| solver | tolerance | seconds | worst relative suboptimality over the path |",
             "|---|---|---|---|"]
    for name, rows in summaries.items():
        lines += [f"| {name} | {tol:g} | {seconds:.4g} | {worst:.2e} |" for tol, seconds, worst in rows]
    lines += ["", "| solver | " + " | ".join(f"time to {t:.0e} at every point (s)" for t in PATH_TARGETS) + " |",
              "|---|" + "---|" * len(PATH_TARGETS)]
    reached = {}
    for name, rows in summaries.items():
        reached[name] = [min((seconds for _, seconds, worst in rows if worst <= target), default=None)
                         for target in PATH_TARGETS]
        cells = ["not reached" if t is None else f"{t:.4g}" for t in reached[name]]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    print(text)
    stem = f"path_{kind}_{pathlib.Path(args.dataset).name.replace(':', '_').replace(',', 'x')}"
    plot(summaries, title, out_dir / f"{stem}.png")
    (out_dir / f"{stem}.json").write_text(json.dumps(
        {"title": title, "lambdas": lambdas.tolist(), "best": best.tolist(),
         "runs": {k: [[t, s, list(v)] for t, s, v in rs] for k, rs in runs.items()}}, indent=1))
    return text, reached
