"""Regularisation paths: `lasso_path`, `enet_path` and `logistic_regression_path`.

Every point is solved by the working-set solver, warm-started from the previous one and
restricted first to the features that survive the sequential strong rule; a final KKT check on
all features brings back any feature the rule discarded wrongly, so each point is certified to
``tol`` like a single fit.
"""
from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_array, check_X_y
from sklearn.utils.multiclass import check_classification_targets

from . import _working_set
from ._problems import LeastSquares, Logistic, Softmax

_ACCEPT_SPARSE = ["csc", "csr"]
_FLOATS = [np.float64, np.float32]


def _grid_arguments(eps, n_alphas):
    if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, numbers.Real) or not 0 < eps <= 1:
        raise ValueError(f"eps must be a number in (0, 1], got {eps!r}")
    if isinstance(n_alphas, (bool, np.bool_)) or not isinstance(n_alphas, numbers.Integral) or n_alphas < 1:
        raise ValueError(f"n_alphas must be an integer >= 1, got {n_alphas!r}")
    return float(eps), int(n_alphas)


def c_grid(Cs):
    """The grid of C that `Cs` asks for: an int is np.logspace(-4, 4, Cs) (scikit-learn's), else
    the values given, each finite and > 0."""
    if isinstance(Cs, numbers.Integral) and not isinstance(Cs, (bool, np.bool_)):
        if Cs < 1:
            raise ValueError(f"Cs must be >= 1, got {Cs}")
        return np.logspace(-4, 4, int(Cs))
    grid = np.asarray(Cs, dtype=np.float64).reshape(-1)
    if grid.size == 0 or not np.isfinite(grid).all() or (grid <= 0).any():
        raise ValueError("Cs must hold finite numbers > 0")
    return grid


def _decreasing(values, name):
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    if values.size == 0 or not np.isfinite(values).all() or (values < 0).any():
        raise ValueError(f"{name} must be a non-empty list of finite numbers >= 0")
    order = np.argsort(-values, kind="stable")
    return values, order


def _run_path(problem, strengths, l1_ratio, *, count=0, min_ratio=1e-3, strong_rule=True, **solver_args):
    request = _working_set.make_request(problem, **solver_args)
    if strengths is not None:
        request.path_strengths = [float(s) for s in strengths]
    request.path_count = count
    request.path_min_ratio = min_ratio
    request.l1_ratio = l1_ratio
    request.strong_rule = bool(strong_rule)
    raw = _working_set.run(problem, request)
    failed = [(k, s) for k, s in enumerate(raw["summaries"]) if s["status"] != "converged"]
    if failed:
        k, s = failed[0]
        warnings.warn(f"{len(failed)} path point(s) did not converge (first: point {k}, {s['status']}: "
                      f"{s['message']}); increase max_iter or tol", ConvergenceWarning)
    return np.asarray(raw["strengths"]), raw["coefs"], raw["summaries"]


def enet_path(X, y, *, l1_ratio=0.5, eps=1e-3, n_alphas=100, alphas=None, coef_init=None, positive=False,
              tol=1e-6, max_iter=1000, strong_rule=True, n_threads=None, verbose=False, return_n_iter=False):
    """Elastic-net path: scikit-learn's objective
    ‖y − Xw‖² / (2 n) + alpha l1_ratio‖w‖₁ + alpha (1 − l1_ratio)‖w‖² / 2 over a grid of alphas.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        No intercept is fitted (as in scikit-learn's path functions): centre X and y first if
        you need one.
    y : array-like of shape (n_samples,)
    l1_ratio : float in (0, 1], default 0.5
    eps : float, default 1e-3
        alpha_min / alpha_max of the default grid.
    n_alphas : int, default 100
    alphas : array-like, optional
        The grid; solved from the largest down, returned in decreasing order.
    coef_init : array-like of shape (n_features,), optional
        Start of the first point.
    positive : bool, default False
    tol : float, default 1e-6
        Relative KKT tolerance of every point.
    max_iter : int, default 1000
        Outer iterations per point.
    strong_rule : bool, default True
        Restrict each point to the sequential strong rule's survivors first (then certify all).
    n_threads, verbose
        As for the estimators.
    return_n_iter : bool, default False

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray of shape (n_features, n_alphas)
    kkt_violations : ndarray of shape (n_alphas,)
        Where scikit-learn returns duality gaps: the final KKT violation of each point.
    n_iters : list of int
        Outer iterations per point (when return_n_iter).
    """
    if isinstance(l1_ratio, (bool, np.bool_)) or not isinstance(l1_ratio, numbers.Real) or not 0 < l1_ratio <= 1:
        raise ValueError(f"l1_ratio must be a number in (0, 1], got {l1_ratio!r}")
    eps, n_alphas = _grid_arguments(eps, n_alphas)
    X, y = check_X_y(X, y, accept_sparse=_ACCEPT_SPARSE, dtype=_FLOATS, order="F", y_numeric=True)
    n = X.shape[0]
    problem = LeastSquares(X, np.asarray(y, dtype=X.dtype), lower=0.0 if positive else None)
    strengths = None
    if alphas is not None:
        values, order = _decreasing(alphas, "alphas")
        strengths = n * values[order]
    got, coefs, summaries = _run_path(problem, strengths, float(l1_ratio), count=n_alphas, min_ratio=eps,
                                      strong_rule=strong_rule, tol=tol, max_iter=max_iter, threads=n_threads,
                                      verbose=verbose, x0=coef_init)
    result = (got / n, np.ascontiguousarray(coefs.T), np.array([s["kkt_violation"] for s in summaries]))
    if return_n_iter:
        result += ([int(s["n_iter"]) for s in summaries],)
    return result


def lasso_path(X, y, *, eps=1e-3, n_alphas=100, alphas=None, coef_init=None, positive=False, tol=1e-6,
               max_iter=1000, strong_rule=True, n_threads=None, verbose=False, return_n_iter=False):
    """Lasso path: ‖y − Xw‖² / (2 n) + alpha‖w‖₁ over a grid of alphas (`enet_path` with
    l1_ratio=1; same parameters and returns)."""
    return enet_path(X, y, l1_ratio=1.0, eps=eps, n_alphas=n_alphas, alphas=alphas, coef_init=coef_init,
                     positive=positive, tol=tol, max_iter=max_iter, strong_rule=strong_rule, n_threads=n_threads,
                     verbose=verbose, return_n_iter=return_n_iter)


def logistic_regression_path(X, y, *, Cs=10, penalty="l2", l1_ratio=None, fit_intercept=True, tol=1e-6,
                             max_iter=1000, sample_weight=None, strong_rule=True, n_threads=None, verbose=False):
    """Logistic regression over a grid of C: C Σᵢ sᵢ lossᵢ + penalty(w), as
    `LogisticRegression` (binary for two classes, multinomial above), warm-started from the
    strongest penalty (smallest C) up.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    Cs : int or array-like, default 10
        An int asks for np.logspace(-4, 4, Cs) (scikit-learn's grid).
    penalty : {"l2", "l1", "elasticnet"}, default "l2"
    l1_ratio : float in [0, 1], required for "elasticnet"
    fit_intercept : bool, default True
    tol, max_iter, strong_rule, n_threads, verbose
        As for `enet_path`.
    sample_weight : array-like of shape (n_samples,), optional

    Returns
    -------
    coefs : ndarray
        Shape (len(Cs), n_features + fit_intercept) for two classes, else
        (len(Cs), n_classes, n_features + fit_intercept): the intercept last, as in
        scikit-learn's path.
    Cs : ndarray
        In the order given.
    n_iter : ndarray of int
        Outer iterations per point.
    """
    Cs = c_grid(Cs)
    if penalty == "l2":
        ratio = 0.0
    elif penalty == "l1":
        ratio = 1.0
    elif penalty == "elasticnet":
        if isinstance(l1_ratio, (bool, np.bool_)) or not isinstance(l1_ratio, numbers.Real) or not 0 <= l1_ratio <= 1:
            raise ValueError(f"penalty='elasticnet' needs l1_ratio in [0, 1], got {l1_ratio!r}")
        ratio = float(l1_ratio)
    else:
        raise ValueError(f"penalty must be 'l2', 'l1' or 'elasticnet', got {penalty!r}")
    X, y = check_X_y(X, y, accept_sparse=_ACCEPT_SPARSE, dtype=_FLOATS, order="F")
    check_classification_targets(y)
    codes = LabelEncoder().fit_transform(y)
    K = int(codes.max()) + 1
    if K < 2:
        raise ValueError("logistic_regression_path needs samples of at least 2 classes")
    if sample_weight is not None:
        sample_weight = check_array(sample_weight, ensure_2d=False, dtype=X.dtype)
    if K == 2:
        problem = Logistic(X, codes, fit_intercept=fit_intercept)
    else:
        problem = Softmax(X, codes, fit_intercept=fit_intercept, n_classes=K)
    order = np.argsort(Cs, kind="stable")  # smallest C = strongest penalty first
    _, coefs, summaries = _run_path(problem, 1.0 / Cs[order], ratio, strong_rule=strong_rule, tol=tol,
                                    max_iter=max_iter, threads=n_threads, verbose=verbose,
                                    sample_weight=sample_weight)
    coefs = coefs if K == 2 else np.transpose(coefs, (0, 2, 1))
    out = np.empty_like(coefs)
    out[order] = coefs
    n_iter = np.empty(len(Cs), dtype=np.int64)
    n_iter[order] = [int(s["n_iter"]) for s in summaries]
    return out, Cs, n_iter
