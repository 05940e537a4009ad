"""Solver adapters of the comparison suite. Each maps the suite's objective (problems.py) onto
the solver's own parameters, and sweeps one knob -- a tolerance, or an iteration count where the
tolerance has no effect -- from loose to tight. Every adapter returns, per setting, the wall-clock
seconds of the fit and the coefficients; the suite evaluates them all with one formula.

Settings used (documented in docs/performance.md):

* southwell: `southwell.solve` (working-set proximal Newton), tol swept, the problem object
  built inside the timer (it reads the CSC arrays in place).
* sklearn-cd: Lasso / ElasticNet (cyclic coordinate descent, duality-gap tol swept),
  fit_intercept=False, alpha = λ/n.
* sklearn-liblinear, sklearn-lbfgs, sklearn-newton-cg, sklearn-newton-cholesky, sklearn-saga:
  LogisticRegression with C = 1/λ, fit_intercept=False; tol swept (saga: max_iter swept).
  newton-cholesky is reported as not run where its dense p x p Hessian would exceed 2 GiB.
* liblinear: LIBLINEAR's own Python interface (python3-liblinear), -s 6 (newGLMNET, L1) and
  -s 0 (trust-region Newton, L2) / -s 7 (dual CD, L2), no bias term, -e swept; the data are
  converted to LIBLINEAR's row format once, outside the timer.
* glmnet: R's glmnet (r-cran-glmnet) through one Rscript process per problem, timed inside R
  with system.time, lambda = λ/n, standardize=FALSE, intercept=FALSE, thresh swept (elastic
  net: y, lambda and alpha rescaled by glmnet_gaussian(), so that glmnet's internal scaling of
  y leaves the suite's objective unchanged); one warm-up fit excluded; the Rscript process is stopped after GLMNET_BUDGETS budgets plus a
  minute.

Every solver's run that takes less than SHORT_RUN seconds is repeated, REPEATS runs in all, one
shorter than MEDIUM_RUN seconds MEDIUM_REPEATS runs in all, and the median time counts (glmnet's
runner does the same inside R): single runs of a few milliseconds vary by a third or more on
these machines, and runs of 0.1-0.3 s by a fifth (news20's l2-logistic at λ_max/100: 134-169 ms
for the same 35 epochs), which decided rows by chance.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
import warnings

import numpy as np
import scipy.io
import scipy.sparse as sp

from problems import ENET_RATIO

#: A sweep stops after the first run that takes longer than this (seconds; compare.py --budget).
BUDGET = [60.0]
#: Settings per decade of tolerance (per doubling of iterations: the same ratio per step).
#: One step per decade can report a solver up to a decade's cost late: LIBLINEAR -s 7 on
#: rcv1_small's l2-logistic reached 1e-4 at -e 1e-4 in 1.2 ms but 1e-6 only at -e 1e-5 in 2.5 ms.
STEPS_PER_DECADE = [2]


def tolerances():
    """The tolerances every sweep tries, loose to tight: 1e-1 ... 1e-12, STEPS_PER_DECADE a decade."""
    steps = STEPS_PER_DECADE[0]
    return [10.0 ** (-k / steps) for k in range(steps, 12 * steps + 1)]


def iterations():
    """Iteration counts for solvers swept by count: 1 ... 512, doubling in STEPS_PER_DECADE steps."""
    steps = STEPS_PER_DECADE[0]
    return sorted({round(2.0 ** (k / steps)) for k in range(9 * steps + 1)})


#: scikit-learn's newton-cholesky is not run where its p x p Hessian would exceed this.
NEWTON_CHOLESKY_HESSIAN_BYTES = 2 << 30


class Adapter:
    name = ""
    problems = ()

    def available(self):
        return True

    def runs(self, problem, threads):
        """[(setting, seconds, coefficients)] over the sweep, after one excluded warm-up."""
        raise NotImplementedError


#: A run shorter than this (seconds) is repeated, REPEATS runs in all, and the median counts.
SHORT_RUN = 0.05
REPEATS = 5
#: A run shorter than this (seconds), but not than SHORT_RUN, is run MEDIUM_REPEATS times in all.
MEDIUM_RUN = 0.5
MEDIUM_REPEATS = 3


def repeats_for(first_seconds):
    """How many runs of a setting are timed, given the first run's seconds (the median counts)."""
    if first_seconds < SHORT_RUN:
        return REPEATS
    return MEDIUM_REPEATS if first_seconds < MEDIUM_RUN else 1


def _timed(fit):
    times = []
    while not times or len(times) < repeats_for(times[0]):
        start = time.perf_counter()
        coef = fit()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), coef


def _sweep(fit, settings):
    """Runs fit(setting) from loose to tight, stopping after the first run over the budget."""
    out = []
    for setting in settings:
        seconds, coef = _timed(lambda: fit(setting))
        out.append((setting, seconds, coef))
        if seconds > BUDGET[0]:
            break
    return out


class Southwell(Adapter):
    name = "southwell"
    problems = ("lasso", "enet", "l1-logistic", "l2-logistic", "multinomial")

    def runs(self, problem, threads):
        import southwell as sw

        X, y, lam = problem.data.X, problem.data.y, problem.lam

        def fit(tol):
            if problem.kind == "lasso":
                p = sw.LeastSquares(X, y, l1=lam)
            elif problem.kind == "enet":
                p = sw.LeastSquares(X, y, l1=lam * ENET_RATIO, l2=lam * (1 - ENET_RATIO))
            elif problem.kind == "l1-logistic":
                p = sw.Logistic(X, y, l1=lam)
            elif problem.kind == "l2-logistic":
                p = sw.Logistic(X, y, l2=lam)
            else:
                p = sw.Softmax(X, y, l1=lam)
            return sw.solve(p, tol=tol, max_iter=1000, threads=threads).x

        fit(1e-2)
        return _sweep(fit, tolerances())


class SklearnCd(Adapter):
    name = "sklearn-cd"
    problems = ("lasso", "enet")

    def runs(self, problem, threads):
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import ElasticNet, Lasso

        X, y, lam = problem.data.X, problem.data.y, problem.lam
        n = X.shape[0]

        def fit(tol):
            if problem.kind == "lasso":
                model = Lasso(alpha=lam / n, fit_intercept=False, tol=tol, max_iter=10 ** 4)
            else:
                model = ElasticNet(alpha=lam / n, l1_ratio=ENET_RATIO, fit_intercept=False, tol=tol, max_iter=10 ** 4)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                return model.fit(X, y).coef_

        fit(1e-1)
        return _sweep(fit, tolerances())


class SklearnLogistic(Adapter):
    def __init__(self, solver, problems):
        self.solver = solver
        self.name = f"sklearn-{solver}"
        self.problems = problems

    def runs(self, problem, threads):
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        X, y, lam = problem.data.X, problem.data.y, problem.lam
        penalty = "l2" if problem.kind == "l2-logistic" else "l1"
        multinomial = problem.kind == "multinomial"
        hessian_bytes = 8 * X.shape[1] ** 2
        if self.solver == "newton-cholesky" and hessian_bytes > NEWTON_CHOLESKY_HESSIAN_BYTES:
            # It forms the dense p x p Hessian: rcv1_small's 47,117 features would take 17.8 GB
            # (the process was killed for memory on a 24 GiB machine).
            raise RuntimeError(f"not run: its dense {X.shape[1]} x {X.shape[1]} Hessian would take "
                               f"{hessian_bytes / 2**30:.1f} GiB")

        def fit(setting):
            kwargs = dict(penalty=penalty, C=1.0 / lam, fit_intercept=False, solver=self.solver)
            if multinomial:
                kwargs["multi_class"] = "multinomial"
            if self.solver == "saga":
                kwargs.update(tol=1e-30, max_iter=setting)
            else:
                kwargs.update(tol=setting, max_iter=1000)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model = LogisticRegression(**kwargs).fit(X, y)
            return model.coef_.T if multinomial else model.coef_[0]

        sweep = iterations() if self.solver == "saga" else tolerances()
        fit(sweep[0])
        return _sweep(fit, sweep)


class Liblinear(Adapter):
    def __init__(self, solver_type, problems):
        self.solver_type = solver_type
        self.name = f"liblinear-s{solver_type}"
        self.problems = problems

    def available(self):
        import importlib.util

        return importlib.util.find_spec("liblinear") is not None

    def runs(self, problem, threads):
        import scipy

        from liblinear import liblinear as lib
        from liblinear import problem as ll_problem, parameter

        # Debian's liblinear.py (2.3.0) calls scipy.ctypeslib, which is numpy's module.
        if not hasattr(scipy, "ctypeslib"):
            scipy.ctypeslib = np.ctypeslib

        X, y, lam = problem.data.X, problem.data.y, problem.lam
        rows = sp.csr_matrix(X)
        data = ll_problem(y, rows)  # LIBLINEAR's own row format, built once

        def fit(eps):
            param = parameter(f"-s {self.solver_type} -c {1.0 / lam!r} -e {eps!r} -q")
            model = lib.train(data, param)
            w = np.ctypeslib.as_array(model.contents.w, shape=(X.shape[1],)).copy()
            label = model.contents.label[0]
            return w if label == 1 else -w

        fit(1e-1)
        return _sweep(fit, tolerances())


GLMNET_SCRIPT = pathlib.Path(__file__).with_name("glmnet_runner.R")
#: glmnet's Rscript is stopped after this many budgets plus a minute: a single fit is not
#: interrupted by the budget, and one (l1-logistic, news20, λ_max/1000) took 14 minutes.
GLMNET_BUDGETS = 30


#: glmnet's family and alpha for each of the suite's problems.
GLMNET_FAMILIES = {"lasso": ("gaussian", 1.0), "enet": ("gaussian", ENET_RATIO), "l1-logistic": ("binomial", 1.0),
                   "l2-logistic": ("binomial", 0.0), "multinomial": ("multinomial", 1.0)}


def glmnet_gaussian(y, lam, alpha, n):
    """glmnet's arguments for the suite's 0.5‖y − Xw‖² + λ α‖w‖₁ + λ (1 − α)/2 ‖w‖²: returns
    (y', lambda', alpha', scale) such that glmnet's family="gaussian" fit b on y' at lambda',
    alpha' gives the suite's solution w = scale b (λ may be an array, a path's grid).

    glmnet divides y by s = sqrt(mean(y²)) (intercept=FALSE) and λ by s before fitting, then
    multiplies the coefficients by s: exact for the lasso, but it weights the ridge term by 1/s,
    so a raw call solves another elastic net wherever s ≠ 1 (news20's targets 1..20: s ≈ 11,
    12 % off in objective). Fitted on y' = y / s (already scaled, so glmnet's own scaling is a
    no-op), the suite's objective in b = w / s is s² (‖y' − Xb‖²/2 + λ α/s ‖b‖₁ + λ (1 − α)/2 ‖b‖²).
    """
    s = float(np.sqrt(np.mean(np.square(y))))
    if not s > 0:
        return y, np.asarray(lam) / n, alpha, 1.0
    l1, l2 = alpha / s, 1.0 - alpha
    return y / s, np.asarray(lam) * (l1 + l2) / n, l1 / (l1 + l2), s


class Glmnet(Adapter):
    name = "glmnet"
    problems = ("lasso", "enet", "l1-logistic", "l2-logistic", "multinomial")

    def available(self):
        if shutil.which("Rscript") is None:
            return False
        check = subprocess.run(["Rscript", "-e", "library(glmnet)"], capture_output=True)
        return check.returncode == 0

    def runs(self, problem, threads):
        X, y, lam = problem.data.X, problem.data.y, problem.lam
        thresholds = tolerances()
        with tempfile.TemporaryDirectory() as tmp:
            tmp = pathlib.Path(tmp)
            scipy.io.mmwrite(str(tmp / "X.mtx"), sp.coo_matrix(X))
            family, alpha = GLMNET_FAMILIES[problem.kind]
            glmnet_lambda, scale = lam / X.shape[0], 1.0
            if family == "gaussian":
                y, glmnet_lambda, alpha, scale = glmnet_gaussian(y, lam, alpha, X.shape[0])
            np.savetxt(tmp / "y.txt", y)
            settings = {"family": family, "alpha": alpha, "lambda": float(glmnet_lambda),
                        "thresholds": thresholds, "dense": not sp.issparse(X), "budget": BUDGET[0],
                        "short_run": SHORT_RUN, "repeats": REPEATS,
                        "medium_run": MEDIUM_RUN, "medium_repeats": MEDIUM_REPEATS}
            (tmp / "settings.json").write_text(json.dumps(settings) + "\n")
            env = dict(os.environ, OMP_NUM_THREADS=str(threads))
            limit = GLMNET_BUDGETS * BUDGET[0] + 60
            # glmnet can stop with an error (news20's 20 classes at one λ: "convergence not reached",
            # then no coefficients) or run past the limit: the thresholds timed before still count.
            failure = None
            try:
                done = subprocess.run(["Rscript", str(GLMNET_SCRIPT), str(tmp)], env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True, timeout=limit)
                if done.returncode != 0:
                    lines = [line for line in done.stderr.splitlines() if line.strip()]
                    failure = " / ".join(lines[-3:]) or f"Rscript exit status {done.returncode}"
            except subprocess.TimeoutExpired:
                failure = f"stopped after {limit:g} s (one fit can take far longer than the budget)"
            out = []
            for k, thresh in enumerate(thresholds):
                if not (tmp / f"time_{k}.txt").exists() or not (tmp / f"coef_{k}.txt").exists():
                    break  # the sweep stopped at the budget (or glmnet failed)
                seconds = float((tmp / f"time_{k}.txt").read_text())
                coef = np.loadtxt(tmp / f"coef_{k}.txt") * scale
                out.append((thresh, seconds, coef))
            if failure and not out:
                raise RuntimeError(failure)
            if failure:
                print(f"  glmnet: stopped after {len(out)} thresholds: {failure}", flush=True)
            return out


def all_adapters():
    return [
        Southwell(),
        SklearnCd(),
        SklearnLogistic("liblinear", ("l1-logistic", "l2-logistic")),
        SklearnLogistic("saga", ("l1-logistic", "multinomial")),
        SklearnLogistic("lbfgs", ("l2-logistic",)),
        SklearnLogistic("newton-cholesky", ("l2-logistic",)),
        Liblinear(6, ("l1-logistic",)),
        Liblinear(0, ("l2-logistic",)),
        Liblinear(7, ("l2-logistic",)),
        Glmnet(),
    ]
