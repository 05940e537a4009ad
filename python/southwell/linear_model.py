"""scikit-learn estimators solved by Southwell: Ridge, Lasso, ElasticNet, LogisticRegression.

Objectives and parameter names are scikit-learn's, so the estimators are drop-in replacements:

=====================  ==========================================================================
Ridge                  ‖y − Xw − b‖² + alpha‖w‖²
Lasso                  ‖y − Xw − b‖² / (2 n) + alpha‖w‖₁
ElasticNet             ‖y − Xw − b‖² / (2 n) + alpha l1_ratio‖w‖₁ + alpha (1 − l1_ratio)‖w‖² / 2
LogisticRegression     C Σ loss + penalty(w): ½‖w‖² (l2), ‖w‖₁ (l1),
                       (1 − l1_ratio)/2 ‖w‖² + l1_ratio‖w‖₁ (elasticnet); binary or multinomial
=====================  ==========================================================================

The intercept b is never penalised and X is never centred or copied for it (it is an implicit
column of ones). ``sample_weight`` in ``fit`` follows scikit-learn (Lasso and ElasticNet rescale it
to sum to n_samples). By default (``solver="auto"``) the estimators run the working-set proximal
Newton solver (`southwell.solve`): ``max_iter`` counts its outer iterations. ``solver="bcd"``
runs plain greedy block coordinate descent with Southwell's rule parameters (see
`southwell.minimize`); ``max_iter`` then counts passes over the coordinates. ``tol`` is relative
either way: the solve stops when the KKT violation falls to ``tol`` times its value at the start.

Path functions: `lasso_path`, `enet_path` and `logistic_regression_path` solve a whole grid of
penalties with warm starts and the sequential strong rule. `LassoCV` and `ElasticNetCV` choose
alpha (and l1_ratio) by cross-validation over such paths, and `LogisticRegressionCV` C, folds
solved concurrently.
"""
from __future__ import annotations

import copy
import math
import numbers
import os
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
from scipy.special import expit, log_softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import get_scorer
from sklearn.model_selection import check_cv
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from sklearn.utils.validation import _check_sample_weight

from . import _working_set
from ._inputs import store_params
from ._minimize import minimize
from ._paths import _decreasing, _grid_arguments, _run_path, c_grid, enet_path, lasso_path, logistic_regression_path
from ._problems import LeastSquares, Logistic, Softmax

__all__ = ["Ridge", "Lasso", "ElasticNet", "LogisticRegression", "LassoCV", "ElasticNetCV", "LogisticRegressionCV",
           "lasso_path", "enet_path", "logistic_regression_path"]

SOLVERS = ("auto", "working-set", "bcd")

_ACCEPT_SPARSE = ["csc", "csr"]
_FLOATS = [np.float64, np.float32]


def _weights(sample_weight, X, normalise):
    """None, or validated nonnegative weights in X's dtype (rescaled to sum to n_samples when
    `normalise`, as scikit-learn's Lasso and ElasticNet do)."""
    if sample_weight is None:
        return None
    weights = _check_sample_weight(sample_weight, X, dtype=X.dtype)
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("sample_weight must be finite and >= 0")
    if normalise:
        total = weights.sum()
        if not total > 0:
            raise ValueError("sample_weight must have a positive sum")
        weights = weights * (X.shape[0] / total)
    return np.ascontiguousarray(weights, dtype=X.dtype)


def _check_nonnegative(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return float(value)


def _check_positive_int(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)


#: Up to this many coordinates, block_size="auto" updates all of them at once: (proximal) Newton
#: on the whole problem, which converged in 1-7 iterations on a9a (124 coordinates) where
#: smaller blocks stalled on its collinear one-hot columns.
WHOLE_PROBLEM_BLOCK_LIMIT = 500
#: Above it, greedy variable blocks of this size (docs/python.md, "Estimator defaults").
AUTO_BLOCK_SIZE = 50


def auto_block_size(n):
    """The estimators' default block size for n coordinates."""
    return n if n <= WHOLE_PROBLEM_BLOCK_LIMIT else AUTO_BLOCK_SIZE


class _SouthwellSolverMixin:
    """Runs the working-set solver (or `minimize` with the estimator's rule parameters) and
    reports like scikit-learn."""

    def _check_solver_params(self):
        _check_nonnegative(self.tol, "tol")
        _check_positive_int(self.max_iter, "max_iter")
        if self.block_size != "auto":
            _check_positive_int(self.block_size, "block_size")
        if self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {SOLVERS}, got {self.solver!r}")
        if self.n_threads is not None:
            _check_positive_int(self.n_threads, "n_threads")

    def _solve(self, problem, x0, sample_weight):
        if self.solver == "bcd":
            if sample_weight is not None and not (sample_weight == 1).all():
                raise ValueError("sample_weight needs solver='working-set' (or 'auto')")
            return self._minimize(problem, x0)
        request = _working_set.make_request(problem, tol=self.tol, max_iter=self.max_iter, threads=self.n_threads,
                                            verbose=self.verbose, sample_weight=sample_weight, x0=x0)
        raw = _working_set.run(problem, request)
        result = _working_set.working_set_result(raw["x"], raw["summary"])
        self._report(result)
        self.n_iter_ = max(1, result.n_iter)
        return result

    def _report(self, result):
        if result.status != "converged":
            warnings.warn(f"{type(self).__name__} did not converge ({result.status}: {result.message}); "
                          "increase max_iter or tol", ConvergenceWarning)
        self.solver_result_ = result

    def _minimize(self, problem, x0):
        n = problem.size
        block = auto_block_size(n) if self.block_size == "auto" else min(self.block_size, n)
        passes = math.ceil(n / block)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        result = minimize(problem, selection=self.selection, partition=self.partition, block_size=block,
                          update=self.update, max_iter=self.max_iter * passes, tol=self.tol, seed=seed, x0=x0,
                          verbose=self.verbose)
        self._report(result)
        self.n_iter_ = max(1, math.ceil(result.n_iter / passes))
        return result


class _LinearRegressor(_SouthwellSolverMixin, RegressorMixin, BaseEstimator):
    def _penalties(self, n_samples):
        """(l1, l2) of ½‖y − Xw − b‖² + l1‖w‖₁ + (l2/2)‖w‖², the estimator's objective times a
        positive constant."""
        raise NotImplementedError

    #: Whether sample weights are rescaled to sum to n_samples (scikit-learn's Lasso and ElasticNet).
    _normalise_weights = True

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Fortran-ordered arrays and CSC matrices are used without copying.
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Nonnegative weights of the squared errors.

        Returns
        -------
        self
        """
        self._check_solver_params()
        X, y = self._validate_data(X, y, accept_sparse=_ACCEPT_SPARSE, dtype=_FLOATS, order="F", y_numeric=True)
        y = np.asarray(y, dtype=X.dtype)
        sample_weight = _weights(sample_weight, X, self._normalise_weights)
        l1, l2 = self._penalties(X.shape[0])
        problem = LeastSquares(X, y, l1=l1, l2=l2, lower=0.0 if getattr(self, "positive", False) else None,
                               fit_intercept=self.fit_intercept)
        x0 = None
        if self.warm_start and hasattr(self, "coef_") and self.coef_.shape == (X.shape[1],):
            x0 = np.append(self.coef_, self.intercept_) if self.fit_intercept else self.coef_
        x = self._solve(problem, x0, sample_weight).x
        self.coef_ = x[: X.shape[1]].copy()
        self.intercept_ = x[-1] if self.fit_intercept else X.dtype.type(0)
        return self

    def predict(self, X):
        """X @ coef_ + intercept_."""
        check_is_fitted(self)
        X = self._validate_data(X, accept_sparse=_ACCEPT_SPARSE, dtype=_FLOATS, reset=False)
        return np.asarray(X @ self.coef_).reshape(-1) + self.intercept_


class Ridge(_LinearRegressor):
    """Least squares with an l2 penalty: ‖y − Xw − b‖² + alpha‖w‖².

    Parameters
    ----------
    alpha : float, default 1.0
    fit_intercept : bool, default True
    tol : float, default 1e-6
        Relative KKT tolerance.
    max_iter : int, default 1000
        Outer iterations of the working-set solver (passes over the coordinates with
        solver="bcd").
    warm_start : bool, default False
        Start from the previous solution.
    random_state : int, RandomState or None
        Seeds the random rules (solver="bcd").
    verbose : int, default 0
    solver : {"auto", "working-set", "bcd"}, default "auto"
        "auto" and "working-set" run working-set proximal Newton (`southwell.solve`); "bcd"
        runs block coordinate descent with the rules below (no sample weights).
    n_threads : int, optional
        OpenMP threads of the working-set solver's full passes (default: all cores).
    selection, partition, block_size, update : str, str, int or "auto", str
        Southwell's rules for solver="bcd" (`southwell.minimize`). Defaults:
        Gauss-Southwell-Lipschitz selection of variable blocks with matrix updates; block_size
        "auto" updates all coordinates at once up to 500 of them (one exact step), else blocks
        of 50 (docs/python.md).

    Attributes
    ----------
    coef_, intercept_, n_iter_ (passes), n_features_in_, solver_result_ (the `Result`)
    """

    _normalise_weights = False

    def __init__(self, alpha=1.0, *, fit_intercept=True, tol=1e-6, max_iter=1000, warm_start=False,
                 random_state=None, verbose=0, solver="auto", n_threads=None, selection="gsl", partition="variable",
                 block_size="auto", update="matrix"):
        store_params(self, locals())

    def _penalties(self, n_samples):
        return 0.0, _check_nonnegative(self.alpha, "alpha")


class ElasticNet(_LinearRegressor):
    """‖y − Xw − b‖² / (2 n) + alpha l1_ratio‖w‖₁ + alpha (1 − l1_ratio)‖w‖² / 2.

    Parameters
    ----------
    alpha : float, default 1.0
    l1_ratio : float in [0, 1], default 0.5
    fit_intercept : bool, default True
    positive : bool, default False
        Constrain the coefficients to be >= 0.
    tol, max_iter, warm_start, random_state, verbose, solver, n_threads
        As for `Ridge`.
    selection, partition, block_size, update : str, str, int or "auto", str
        Southwell's rules for solver="bcd". Defaults: GSL selection (its proximal form gsl-r) of
        variable blocks with proximal Newton updates, block_size "auto" as for `Ridge`
        (docs/python.md).

    Attributes
    ----------
    coef_, intercept_, n_iter_ (passes), n_features_in_, solver_result_
    """

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, positive=False, tol=1e-6, max_iter=1000,
                 warm_start=False, random_state=None, verbose=0, solver="auto", n_threads=None, selection="gsl",
                 partition="variable", block_size="auto", update="prox-newton"):
        store_params(self, locals())

    def _penalties(self, n_samples):
        alpha = _check_nonnegative(self.alpha, "alpha")
        ratio = _check_nonnegative(self.l1_ratio, "l1_ratio")
        if ratio > 1:
            raise ValueError(f"l1_ratio must be in [0, 1], got {ratio}")
        return n_samples * alpha * ratio, n_samples * alpha * (1 - ratio)


class Lasso(_LinearRegressor):
    """‖y − Xw − b‖² / (2 n) + alpha‖w‖₁.

    Parameters
    ----------
    alpha : float, default 1.0
    fit_intercept, positive, tol, max_iter, warm_start, random_state, verbose, solver,
    n_threads, selection, partition, block_size, update
        As for `ElasticNet`.

    Attributes
    ----------
    coef_, intercept_, n_iter_ (passes), n_features_in_, solver_result_
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, positive=False, tol=1e-6, max_iter=1000, warm_start=False,
                 random_state=None, verbose=0, solver="auto", n_threads=None, selection="gsl", partition="variable",
                 block_size="auto", update="prox-newton"):
        store_params(self, locals())

    def _penalties(self, n_samples):
        return n_samples * _check_nonnegative(self.alpha, "alpha"), 0.0


class LogisticRegression(_SouthwellSolverMixin, ClassifierMixin, BaseEstimator):
    """Logistic regression, binary or multinomial (the default for more than two classes).

    Minimises C Σᵢ loss(xᵢ, yᵢ) + penalty(w), as scikit-learn's LogisticRegression with an
    unpenalised intercept.

    Parameters
    ----------
    penalty : {"l2", "l1", "elasticnet", None}, default "l2"
        ("none" is accepted as None.)
    C : float > 0, default 1.0
        Inverse regularisation strength.
    l1_ratio : float in [0, 1], optional
        Required for penalty="elasticnet".
    fit_intercept : bool, default True
    multi_class : {"auto", "multinomial"}, default "auto"
        More than two classes are always fitted jointly (softmax), never one-vs-rest.
    tol : float, default 1e-6
        Relative KKT tolerance.
    max_iter : int, default 1000
        As for `Ridge`.
    warm_start, random_state, verbose, solver, n_threads
        As for `Ridge`.
    selection, partition, block_size, update : str, str, int or "auto", str
        Southwell's rules for solver="bcd". Defaults: GSL selection of variable blocks with
        Newton updates (gsl-r and proximal Newton with l1), block_size "auto" as for `Ridge`
        (docs/python.md).

    Attributes
    ----------
    classes_, coef_ (1 or n_classes, n_features), intercept_, n_iter_ (array of shape (1,)),
    n_features_in_, solver_result_
    """

    def __init__(self, penalty="l2", *, C=1.0, l1_ratio=None, fit_intercept=True, multi_class="auto", tol=1e-6,
                 max_iter=1000, warm_start=False, random_state=None, verbose=0, solver="auto", n_threads=None,
                 selection="gsl", partition="variable", block_size="auto", update="newton"):
        store_params(self, locals())

    def _penalties(self):
        C = self.C
        if isinstance(C, (bool, np.bool_)) or not isinstance(C, numbers.Real) or not (C > 0) or not np.isfinite(C):
            raise ValueError(f"C must be a finite number > 0, got {C!r}")
        if self.penalty in (None, "none"):
            return 0.0, 0.0
        if self.penalty == "l2":
            return 0.0, 1.0 / C
        if self.penalty == "l1":
            return 1.0 / C, 0.0
        if self.penalty == "elasticnet":
            if self.l1_ratio is None:
                raise ValueError("penalty='elasticnet' needs l1_ratio in [0, 1]")
            ratio = _check_nonnegative(self.l1_ratio, "l1_ratio")
            if ratio > 1:
                raise ValueError(f"l1_ratio must be in [0, 1], got {ratio}")
            return ratio / C, (1 - ratio) / C
        raise ValueError(f"penalty must be 'l2', 'l1', 'elasticnet' or None, got {self.penalty!r}")

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            At least two classes.
        sample_weight : array-like of shape (n_samples,), optional
            Nonnegative weights of the samples' losses (C Σᵢ sᵢ lossᵢ).

        Returns
        -------
        self
        """
        self._check_solver_params()
        if self.multi_class not in ("auto", "multinomial"):
            raise ValueError(f"multi_class must be 'auto' or 'multinomial', got {self.multi_class!r}")
        l1, l2 = self._penalties()
        X, y = self._validate_data(X, y, accept_sparse=_ACCEPT_SPARSE, dtype=_FLOATS, order="F")
        sample_weight = _weights(sample_weight, X, False)
        check_classification_targets(y)
        encoder = LabelEncoder()
        codes = encoder.fit_transform(y)
        self.classes_ = encoder.classes_
        K = len(self.classes_)
        if K < 2:
            raise ValueError(f"LogisticRegression needs samples of at least 2 classes; got 1 class ({self.classes_[0]!r})")
        p = X.shape[1]
        warm = self.warm_start and hasattr(self, "coef_") and self.coef_.shape == ((1, p) if K == 2 else (K, p))
        if K == 2:
            problem = Logistic(X, codes, l1=l1, l2=l2, fit_intercept=self.fit_intercept)
            x0 = None
            if warm:
                x0 = np.append(self.coef_[0], self.intercept_) if self.fit_intercept else self.coef_[0]
            x = self._solve(problem, x0, sample_weight).x
            self.coef_ = x[:p].reshape(1, p).copy()
            self.intercept_ = x[p:].copy() if self.fit_intercept else np.zeros(1, dtype=X.dtype)
        else:
            problem = Softmax(X, codes, l2=l2, l1=l1, fit_intercept=self.fit_intercept, n_classes=K)
            x0 = None
            if warm:
                x0 = np.vstack([self.coef_.T, self.intercept_]) if self.fit_intercept else self.coef_.T
            x = self._solve(problem, x0, sample_weight).x
            self.coef_ = np.ascontiguousarray(x[:p].T)
            self.intercept_ = x[p].copy() if self.fit_intercept else np.zeros(K, dtype=X.dtype)
        self.n_iter_ = np.array([self.n_iter_])
        return self

    def decision_function(self, X):
        """Scores: shape (n_samples,) for two classes, else (n_samples, n_classes)."""
        check_is_fitted(self)
        X = self._validate_data(X, accept_sparse=_ACCEPT_SPARSE, dtype=_FLOATS, reset=False)
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X):
        """The most probable class per sample."""
        scores = self.decision_function(X)
        index = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[index]

    def predict_log_proba(self, X):
        """Log-probabilities, shape (n_samples, n_classes)."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            scores = np.column_stack([np.zeros_like(scores), scores])
        return log_softmax(scores, axis=1)

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes)."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            positive = expit(scores)
            return np.column_stack([1 - positive, positive])
        return np.exp(log_softmax(scores, axis=1))


def _cv_settings(estimator):
    """Validates the cross-validated estimators' shared solver parameters; returns (the threads
    n_jobs asks for: None is 1, -1 every core; the OpenMP threads of each solve)."""
    _check_nonnegative(estimator.tol, "tol")
    _check_positive_int(estimator.max_iter, "max_iter")
    if estimator.n_threads is not None:
        _check_positive_int(estimator.n_threads, "n_threads")
    n_jobs = estimator.n_jobs
    if n_jobs is None:
        jobs = 1
    elif isinstance(n_jobs, numbers.Integral) and not isinstance(n_jobs, (bool, np.bool_)) and n_jobs == -1:
        jobs = os.cpu_count() or 1
    else:
        jobs = _check_positive_int(n_jobs, "n_jobs (or -1 for every core)")
    # Concurrent paths share the cores: one OpenMP thread each unless n_threads says otherwise.
    threads = estimator.n_threads if estimator.n_threads is not None else (1 if jobs > 1 else None)
    return jobs, threads


def _run_concurrently(function, tasks, jobs):
    """[function(task) for task in tasks], on up to `jobs` threads (the solves release the GIL)."""
    if jobs == 1:
        return [function(task) for task in tasks]
    with ThreadPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        return list(pool.map(function, tasks))


def _alpha_grid(X, y, l1_ratio, fit_intercept, eps, n_alphas):
    """scikit-learn's grid: n_alphas from alpha_max down to eps alpha_max, evenly in log scale,
    alpha_max = max_j |x_j'(y - mean y)| / (n l1_ratio) (the centring with an intercept), the
    smallest alpha at which every coefficient is 0."""
    centred = y - y.mean() if fit_intercept else y
    correlation = np.abs(np.asarray(X.T @ centred).reshape(-1))
    alpha_max = correlation.max(initial=0.0) / (X.shape[0] * l1_ratio)
    if alpha_max <= np.finfo(np.float64).resolution:
        return np.full(n_alphas, np.finfo(np.float64).resolution)
    return np.logspace(np.log10(alpha_max * eps), np.log10(alpha_max), num=n_alphas)[::-1]


class _LinearModelCV(_LinearRegressor):
    """Cross-validated choice of alpha (and l1_ratio) for the elastic net, then a refit on all
    the data. Each (l1_ratio, fold) pair is one regularisation path (`enet_path`'s solver, with
    the intercept unpenalised); the pairs are independent and run concurrently on n_jobs threads
    (the compiled solver releases the GIL). A path's arithmetic does not depend on its thread
    count, so the results are the same for every n_jobs."""

    def _l1_ratios(self):
        raise NotImplementedError

    def fit(self, X, y):
        """Fit the model: the paths on every fold, the choice, the refit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)

        Returns
        -------
        self
        """
        ratios = np.array([float(r) for r in self._l1_ratios()], dtype=np.float64)
        if ratios.size == 0 or not ((ratios > 0) & (ratios <= 1)).all():
            raise ValueError(f"l1_ratio must lie in (0, 1] (a list of such values for ElasticNetCV), got {self._l1_ratios()!r}")
        jobs, threads = _cv_settings(self)
        X, y = self._validate_data(X, y, accept_sparse=_ACCEPT_SPARSE, dtype=_FLOATS, order="F", y_numeric=True)
        if sp.issparse(X):
            X = X.tocsc()  # row selection per fold, and the solver reads CSC in place
        y = np.asarray(y, dtype=X.dtype)
        folds = list(check_cv(self.cv).split(X, y))
        if self.alphas is None:
            eps, count = _grid_arguments(self.eps, self.n_alphas)
            grids = np.array([_alpha_grid(X, y, r, self.fit_intercept, eps, count) for r in ratios])
        else:
            values, order = _decreasing(self.alphas, "alphas")
            grids = np.tile(values[order], (ratios.size, 1))
        fit_intercept, p = self.fit_intercept, X.shape[1]

        def fold_errors(task):
            r, k = task
            train, test = folds[k]
            X_train, y_train = X[train], y[train]
            if not sp.issparse(X_train):
                X_train = np.asfortranarray(X_train)
            problem = LeastSquares(X_train, y_train, lower=0.0 if self.positive else None,
                                   fit_intercept=fit_intercept)
            start = time.perf_counter()
            _, coefs, _ = _run_path(problem, len(train) * grids[r], float(ratios[r]), count=grids.shape[1],
                                    tol=self.tol, max_iter=self.max_iter, threads=threads)
            predictions = np.asarray(X[test] @ coefs[:, :p].T)
            if fit_intercept:
                predictions = predictions + coefs[:, p]
            errors = ((y[test][:, None] - predictions) ** 2).mean(axis=0)
            if self.verbose:
                print(f"{type(self).__name__}: l1_ratio {ratios[r]:g}, fold {k + 1}/{len(folds)}: "
                      f"{grids.shape[1]} alphas in {time.perf_counter() - start:.3f} s", flush=True)
            return errors

        errors = _run_concurrently(fold_errors, [(r, k) for r in range(ratios.size) for k in range(len(folds))], jobs)
        mse = np.array(errors).reshape(ratios.size, len(folds), grids.shape[1]).transpose(0, 2, 1)
        mean = mse.mean(axis=2)
        best_ratio, best_alpha = np.unravel_index(np.argmin(mean), mean.shape)
        self.alpha_ = float(grids[best_ratio, best_alpha])
        self.l1_ratio_ = float(ratios[best_ratio])
        self.alphas_ = grids[0] if ratios.size == 1 else grids
        self.mse_path_ = mse[0] if ratios.size == 1 else mse
        model = ElasticNet(alpha=self.alpha_, l1_ratio=self.l1_ratio_, fit_intercept=fit_intercept,
                           positive=self.positive, tol=self.tol, max_iter=self.max_iter, n_threads=self.n_threads,
                           verbose=self.verbose).fit(X, y)
        self.coef_, self.intercept_ = model.coef_, model.intercept_
        self.n_iter_, self.solver_result_ = model.n_iter_, model.solver_result_
        return self


class LassoCV(_LinearModelCV):
    """Lasso with alpha chosen by cross-validation (scikit-learn's LassoCV): the path of
    n_alphas values on every fold, the alpha of least mean squared error on the held-out
    samples, then `Lasso` at that alpha on all the data.

    Parameters
    ----------
    eps : float, default 1e-3
        alpha_min / alpha_max of the default grid (alpha_max: every coefficient 0).
    n_alphas : int, default 100
    alphas : array-like, optional
        The grid instead (solved from the largest down).
    fit_intercept : bool, default True
    positive : bool, default False
    tol : float, default 1e-6
        Relative KKT tolerance of every path point and of the refit.
    max_iter : int, default 1000
        Outer iterations per point.
    cv : int, cross-validation generator or iterable, default 5
        As scikit-learn's (`sklearn.model_selection.check_cv`; an int is unshuffled KFold).
    n_jobs : int, optional
        Folds solved at once, on threads (-1: every core; default 1).
    n_threads : int, optional
        OpenMP threads of each solve (default: 1 when n_jobs > 1, else every core).
    verbose : int, default 0
        Prints a line per fold.

    Attributes
    ----------
    alpha_, alphas_ (n_alphas,), mse_path_ (n_alphas, n_folds), coef_, intercept_, n_iter_,
    n_features_in_, solver_result_ (the refit's `Result`)
    """

    def __init__(self, *, eps=1e-3, n_alphas=100, alphas=None, fit_intercept=True, positive=False, tol=1e-6,
                 max_iter=1000, cv=5, n_jobs=None, n_threads=None, verbose=0):
        store_params(self, locals())

    def _l1_ratios(self):
        return [1.0]


class ElasticNetCV(_LinearModelCV):
    """Elastic net with alpha and l1_ratio chosen by cross-validation (scikit-learn's
    ElasticNetCV): for every l1_ratio its own grid of alphas, the path on every fold, the
    (l1_ratio, alpha) of least mean squared error on the held-out samples, then `ElasticNet`
    there on all the data.

    Parameters
    ----------
    l1_ratio : float or list of floats in (0, 1], default 0.5
    eps, n_alphas, alphas, fit_intercept, positive, tol, max_iter, cv, n_jobs, n_threads, verbose
        As for `LassoCV` (n_jobs counts (l1_ratio, fold) pairs solved at once).

    Attributes
    ----------
    alpha_, l1_ratio_, alphas_ ((n_l1_ratio,) n_alphas), mse_path_ ((n_l1_ratio,) n_alphas,
    n_folds), coef_, intercept_, n_iter_, n_features_in_, solver_result_
    """

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, n_alphas=100, alphas=None, fit_intercept=True, positive=False,
                 tol=1e-6, max_iter=1000, cv=5, n_jobs=None, n_threads=None, verbose=0):
        store_params(self, locals())

    def _l1_ratios(self):
        ratio = self.l1_ratio
        return list(ratio) if np.ndim(ratio) > 0 else [ratio]


class LogisticRegressionCV(LogisticRegression):
    """Logistic regression with C (and, for the elastic net, l1_ratio) chosen by
    cross-validation (scikit-learn's LogisticRegressionCV with refit=True): the path over Cs on
    every fold (`logistic_regression_path`'s solver, warm-started from the smallest C), the C of
    best mean held-out score, then `LogisticRegression` at that C on all the data. Binary for two
    classes, multinomial above. The (l1_ratio, fold) paths run concurrently on n_jobs threads;
    results are identical for every n_jobs.

    Parameters
    ----------
    Cs : int or array-like, default 10
        An int asks for np.logspace(-4, 4, Cs).
    cv : int, cross-validation generator or iterable, optional
        Default 5 stratified folds (`sklearn.model_selection.check_cv`). Every training fold
        must hold every class.
    penalty : {"l2", "l1", "elasticnet"}, default "l2"
    l1_ratios : list of floats in [0, 1], optional
        Required for penalty="elasticnet".
    scoring : str or callable, optional
        A scikit-learn scorer; default accuracy.
    fit_intercept : bool, default True
    tol, max_iter
        As for `LogisticRegression` (every path point and the refit).
    n_jobs, n_threads, verbose
        As for `LassoCV` (n_jobs counts (l1_ratio, fold) paths solved at once).

    Attributes
    ----------
    Cs_, C_ (shape (1,) for two classes, else (n_classes,), all equal), l1_ratio_ (likewise;
    None entries without the elastic net), scores_ ({class: (n_folds, n_Cs) array, or (n_folds,
    n_Cs, n_l1_ratios) for the elastic net}, every class's the same array above two classes),
    classes_, coef_, intercept_, n_iter_ (the refit's), n_features_in_, solver_result_
    """

    def __init__(self, *, Cs=10, cv=None, penalty="l2", l1_ratios=None, scoring=None, fit_intercept=True, tol=1e-6,
                 max_iter=1000, n_jobs=None, n_threads=None, verbose=0):
        store_params(self, locals())

    def fit(self, X, y, sample_weight=None):
        """Fit the model: the paths on every fold, the choice, the refit.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            At least two classes.
        sample_weight : array-like of shape (n_samples,), optional
            Nonnegative weights of the samples' losses, in the paths and the refit (the
            held-out scores are unweighted).

        Returns
        -------
        self
        """
        Cs = c_grid(self.Cs)
        if self.penalty == "elasticnet":
            if self.l1_ratios is None or np.ndim(self.l1_ratios) != 1 or len(self.l1_ratios) == 0:
                raise ValueError("penalty='elasticnet' needs l1_ratios, a list of numbers in [0, 1]")
            ratios = [_check_nonnegative(r, "l1_ratios") for r in self.l1_ratios]
            if max(ratios) > 1:
                raise ValueError(f"l1_ratios must lie in [0, 1], got {self.l1_ratios!r}")
        elif self.penalty in ("l2", "l1"):
            ratios = [None]
        else:
            raise ValueError(f"penalty must be 'l2', 'l1' or 'elasticnet', got {self.penalty!r}")
        jobs, threads = _cv_settings(self)
        scorer = get_scorer(self.scoring if self.scoring is not None else "accuracy")
        X, y = self._validate_data(X, y, accept_sparse=_ACCEPT_SPARSE, dtype=_FLOATS, order="F")
        if sp.issparse(X):
            X = X.tocsc()
        check_classification_targets(y)
        encoder = LabelEncoder()
        codes = encoder.fit_transform(y)
        classes = encoder.classes_
        if len(classes) < 2:
            raise ValueError(f"LogisticRegressionCV needs samples of at least 2 classes; got 1 class ({classes[0]!r})")
        sample_weight = _weights(sample_weight, X, False)
        folds = list(check_cv(self.cv, y, classifier=True).split(X, y))
        for k, (train, _) in enumerate(folds):
            missing = np.setdiff1d(np.arange(len(classes)), codes[train])
            if missing.size:
                raise ValueError(f"training fold {k} has no sample of class {classes[missing[0]]!r}: "
                                 "use stratified folds (the default) or fewer of them")
        p, binary = X.shape[1], len(classes) == 2
        # Scores a path's solutions as scikit-learn does: through an estimator holding them.
        held = LogisticRegression(fit_intercept=self.fit_intercept)
        held.classes_, held.n_features_in_ = classes, p

        def fold_scores(task):
            r, k = task
            train, test = folds[k]
            start = time.perf_counter()
            coefs, _, _ = logistic_regression_path(
                X[train], codes[train], Cs=Cs, penalty=self.penalty, l1_ratio=ratios[r],
                fit_intercept=self.fit_intercept, tol=self.tol, max_iter=self.max_iter,
                sample_weight=None if sample_weight is None else sample_weight[train], n_threads=threads)
            model = copy.copy(held)
            scores = np.empty(Cs.size)
            for c in range(Cs.size):
                w = coefs[c].reshape(1, -1) if binary else coefs[c]
                model.coef_ = np.ascontiguousarray(w[:, :p])
                model.intercept_ = w[:, p].copy() if self.fit_intercept else np.zeros(w.shape[0], dtype=X.dtype)
                scores[c] = scorer(model, X[test], y[test])
            if self.verbose:
                ratio = "" if ratios[r] is None else f"l1_ratio {ratios[r]:g}, "
                print(f"LogisticRegressionCV: {ratio}fold {k + 1}/{len(folds)}: {Cs.size} Cs in "
                      f"{time.perf_counter() - start:.3f} s", flush=True)
            return scores

        results = _run_concurrently(fold_scores, [(r, k) for r in range(len(ratios)) for k in range(len(folds))], jobs)
        scores = np.array(results).reshape(len(ratios), len(folds), Cs.size)  # (l1_ratio, fold, C)
        # scikit-learn's choice: the first best of the mean scores, l1_ratio major, C minor.
        best = int(np.argmax(scores.mean(axis=1).reshape(-1)))
        best_ratio, best_C = divmod(best, Cs.size)
        table = scores[0] if ratios[0] is None else np.transpose(scores, (1, 2, 0))
        outputs = 1 if binary else len(classes)
        self.Cs_ = Cs
        self.C_ = np.full(outputs, Cs[best_C])
        self.l1_ratio_ = np.full(outputs, ratios[best_ratio], dtype=object if ratios[0] is None else np.float64)
        self.scores_ = {cls: table for cls in (classes[1:] if binary else classes)}
        refit = LogisticRegression(penalty=self.penalty, C=float(Cs[best_C]), l1_ratio=ratios[best_ratio],
                                   fit_intercept=self.fit_intercept, tol=self.tol, max_iter=self.max_iter,
                                   n_threads=self.n_threads, verbose=self.verbose)
        refit.fit(X, y, sample_weight=sample_weight)
        self.classes_, self.coef_, self.intercept_ = refit.classes_, refit.coef_, refit.intercept_
        self.n_iter_, self.solver_result_ = refit.n_iter_, refit.solver_result_
        return self
