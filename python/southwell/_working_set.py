"""`solve`: the working-set proximal Newton solver (the estimators' default), and the machinery
that the path functions share with it."""
from __future__ import annotations

import math
import numbers
from typing import Callable, Optional

import numpy as np
import numpy.typing as npt

from . import _core
from ._inputs import integer_at_least, vector
from ._minimize import Result
from ._problems import Problem, _Glm

#: How `Result.selection/partition/update` describe a working-set solve.
WORKING_SET_RULES = ("gs-s working set", "variable", "prox-newton")
#: ... and a solve by dual coordinate descent (``dual``).
DUAL_RULES = ("random permutation", "rows (dual)", "dual newton")


def _dual_mode(dual):
    if isinstance(dual, str) and dual == "auto":
        return _core.WorkingSetOptions.Dual.automatic
    if isinstance(dual, (bool, np.bool_)):
        return _core.WorkingSetOptions.Dual.always if dual else _core.WorkingSetOptions.Dual.never
    raise ValueError(f"dual must be 'auto', True or False, got {dual!r}")


def _finite(value, name, minimum=0.0, strict=False):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if value < minimum or (strict and value == minimum):
        raise ValueError(f"{name} must be {'>' if strict else '>='} {minimum}, got {value}")
    return float(value)


def _nonnegative_bounds(problem):
    """True for x >= 0 on the coefficients; ValueError for any other bounds."""
    if problem.lower is None:
        return False
    n_intercept = problem.shape[0] - problem.n_features
    coef = problem.size - n_intercept * (problem.size // problem.shape[0])
    if (problem.lower[:coef] == 0).all() and np.isinf(problem.upper).all():
        return True
    raise ValueError("the working-set solver supports no bounds other than lower=0 (nonnegative coefficients); "
                     "use southwell.minimize for general bounds")


def make_request(problem, *, tol=1e-6, max_iter=1000, max_epochs=1_000_000, threads=None, time_limit=None,
                 verbose=0, record_history=False, callback=None, callback_every=1, sample_weight=None,
                 penalty_factors=None, x0=None, working_set_size=10, growth=2.0, inner_tolerance=0.3,
                 anderson_memory=5, screening=True, focus_fraction=0.5, dual="auto"):
    """A validated _core.WorkingSetRequest for `problem` (a LeastSquares, Logistic or Softmax)."""
    if not isinstance(problem, _Glm):
        raise TypeError(f"the working-set solver takes LeastSquares, Logistic or Softmax problems, got "
                        f"{type(problem).__name__}")
    request = _core.WorkingSetRequest()
    request.l1 = problem.l1
    request.l2 = problem.l2
    request.nonnegative = _nonnegative_bounds(problem)
    m, p = problem._design.shape
    if sample_weight is not None:
        request.sample_weight = vector(sample_weight, m, problem.dtype, "sample_weight")
        if (request.sample_weight < 0).any():
            raise ValueError("sample_weight must be >= 0")
    if penalty_factors is not None:
        request.factors = vector(penalty_factors, p, problem.dtype, "penalty_factors")
        if (request.factors < 0).any():
            raise ValueError("penalty_factors must be >= 0")
    if x0 is not None:
        request.x0 = problem._vector(x0, "x0")
    options = request.options
    options.tol = _finite(tol, "tol")
    options.max_iterations = integer_at_least(max_iter, "max_iter", 1)
    options.max_epochs = integer_at_least(max_epochs, "max_epochs", 1)
    options.threads = 0 if threads is None else integer_at_least(threads, "threads", 1)
    options.time_limit_seconds = math.inf if time_limit is None else _finite(time_limit, "time_limit", 0.0, True)
    options.verbose = bool(verbose)
    options.record_history = bool(record_history)
    options.initial_working_set = integer_at_least(working_set_size, "working_set_size", 1)
    options.growth = _finite(growth, "growth", 1.0)
    options.inner_tolerance = _finite(inner_tolerance, "inner_tolerance", 0.0, True)
    if options.inner_tolerance >= 1:
        raise ValueError(f"inner_tolerance must be < 1, got {inner_tolerance}")
    options.anderson_memory = integer_at_least(anderson_memory, "anderson_memory", 0)
    options.screening = bool(screening)
    options.dual = _dual_mode(dual)
    options.focus_fraction = _finite(focus_fraction, "focus_fraction")
    if options.focus_fraction >= 1:
        raise ValueError(f"focus_fraction must be < 1, got {focus_fraction}")
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable")
    request.callback = callback
    request.callback_every = integer_at_least(callback_every, "callback_every", 1)
    request.x_shape = list(problem.shape)
    return request


def run(problem, request):
    """Runs the request on the problem's data; the raw dictionary of _core.fit_working_set."""
    return _core.fit_working_set(problem._loss, problem._design.argument, problem._targets, problem._classes,
                                 problem.fit_intercept, request)


def solve(problem: Problem, tol: float = 1e-6, max_iter: int = 1000, x0: Optional[npt.ArrayLike] = None, *,
          sample_weight: Optional[npt.ArrayLike] = None, penalty_factors: Optional[npt.ArrayLike] = None,
          threads: Optional[int] = None, time_limit: Optional[float] = None, verbose: int = 0,
          record_history: bool = False, callback: Optional[Callable[[int, np.ndarray, float], bool]] = None,
          callback_every: int = 1, max_epochs: int = 1_000_000, working_set_size: int = 10, growth: float = 2.0,
          inner_tolerance: float = 0.3, anderson_memory: int = 5, screening: bool = True,
          focus_fraction: float = 0.5, dual="auto") -> Result:
    """Minimise a LeastSquares, Logistic or Softmax problem by working-set proximal Newton.

    The fastest way to solve the estimators' problems (docs/performance.md): each outer
    iteration scores every feature by its KKT violation (the GS-s rule), keeps the support plus
    the worst violators (a working set of max(working_set_size, growth x support) features;
    growth² after a working set that every feature joined) and
    solves that subproblem by proximal Newton with coordinate descent on the quadratic model
    (exact and Anderson-accelerated for least squares) to `inner_tolerance` times the outer
    violation.

    Parameters
    ----------
    problem : LeastSquares, Logistic or Softmax
        Bounds must be absent or ``lower=0`` (nonnegative coefficients).
    tol : float, default 1e-6
        Stop when the largest KKT violation is at most tol times its value at x0 or at 0,
        whichever is larger, and so is the largest violation divided by its column's norm.
    max_iter : int, default 1000
        Outer iterations (one pass over the data each).
    x0 : array_like, optional
        Start, shaped like x (default zero).
    sample_weight : array_like of shape (m,), optional
        Nonnegative weights s: the loss becomes Σᵢ sᵢ lᵢ.
    penalty_factors : array_like of shape (n_features,), optional
        Per-feature multipliers of l1 and l2 (glmnet's penalty.factor; 0 leaves a feature
        unpenalised).
    threads : int, optional
        OpenMP threads for the full passes (default: all cores); results do not depend on it.
    time_limit, verbose, record_history, callback, callback_every
        As for `minimize`; the callback runs after every outer iteration and inner epoch.
    max_epochs : int, default 1_000_000
        Coordinate descent epochs over working sets, all together.
    working_set_size, growth, inner_tolerance, anderson_memory
        The working-set strategy (defaults follow skglm).
    screening
        Gap-safe screening (least squares and logistic with l1 on every feature, no bounds, no
        intercept): features provably zero at the optimum leave the solve and later full passes.
    focus_fraction : float in [0, 1), default 0.5
        Once fewer than a quarter of the features are nonzero or have a gradient of at least
        focus_fraction x their l1 weight, the outer passes visit only those until the solve
        converges on them; one pass over every feature then certifies the result (violators
        join; the same check runs whenever the focused violation has fallen 100x since the
        last). Saves the passes over p on large sparse problems; 0 turns it off.
    dual : {"auto", True, False}, default "auto"
        Dual coordinate descent (Yu, Huang & Lin 2011; LIBLINEAR's ``-s 7``) instead of the
        working sets, for binary logistic regression with l2 only (no l1, no bounds, no
        intercept, equal penalty factors): epochs over the m dual variables, each followed by
        the same KKT test. "auto" uses it when there are fewer rows than features and at
        most 10% of the entries are nonzero (handing over to the working sets if it turns out
        slow), True wherever it applies (ValueError elsewhere), False never.

    Returns
    -------
    Result
        ``n_iter`` counts outer iterations; ``epochs``, ``newton_steps``,
        ``row_space_steps`` (Newton steps solved in the m-dimensional row space, taken for
        smooth models with fewer rows than working-set features), ``working_set_size``, ``screened_out`` (features removed by gap-safe screening),
        ``focused`` (features the focused passes visited, 0 if they never started) and
        ``dual`` (solved by dual coordinate descent: ``n_iter`` and ``epochs`` count its
        epochs) are extra attributes.
    """
    request = make_request(problem, tol=tol, max_iter=max_iter, max_epochs=max_epochs, threads=threads,
                           time_limit=time_limit, verbose=verbose, record_history=record_history,
                           callback=callback, callback_every=callback_every, sample_weight=sample_weight,
                           penalty_factors=penalty_factors, x0=x0, working_set_size=working_set_size,
                           growth=growth, inner_tolerance=inner_tolerance, anderson_memory=anderson_memory,
                           screening=screening, focus_fraction=focus_fraction, dual=dual)
    raw = run(problem, request)
    return working_set_result(raw["x"], raw["summary"])


def working_set_result(x, summary):
    """A Result from a solution and its summary dictionary."""
    result = Result(dict(summary, x=x), DUAL_RULES if summary["dual"] else WORKING_SET_RULES)
    result.epochs = int(summary["epochs"])
    result.newton_steps = int(summary["newton_steps"])
    result.row_space_steps = int(summary["row_space_steps"])
    result.working_set_size = int(summary["working_set_size"])
    result.screened_out = int(summary["screened_out"])
    result.focused = int(summary["focused"])
    result.dual = bool(summary["dual"])
    return result
