"""Southwell: greedy block coordinate descent for sparse optimisation.

Low-level API::

    import southwell as sw
    p = sw.LeastSquares(A, b, l1=0.1)
    res = sw.minimize(p, selection="gsl", partition="variable", block_size=5)
    res.x, res.fun, res.status
    res = sw.solve(p)          # working-set proximal Newton: the fastest for GLM problems

scikit-learn estimators live in `southwell.linear_model` (Ridge, Lasso, ElasticNet,
LogisticRegression) and `southwell.semi_supervised` (LabelPropagation); `southwell.prf` is
pseudo-relevance feedback (BM25, RM3 and LoL-style query reformulation solved by Southwell);
`southwell.augment` trains text classifiers on augmented data.
"""
import importlib

from ._minimize import Result, minimize
from ._problems import LeastSquares, Logistic, Problem, Quadratic, Softmax
from ._working_set import solve

__version__ = "0.1.0"
__all__ = ["LeastSquares", "Logistic", "Softmax", "Quadratic", "Problem", "minimize", "solve", "Result",
           "linear_model", "semi_supervised", "prf", "augment"]

_SUBMODULES = ("linear_model", "semi_supervised", "prf", "augment")


def __getattr__(name):
    # The estimator modules import scikit-learn; load them on first use only.
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'southwell' has no attribute {name!r}")
