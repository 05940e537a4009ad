"""`minimize`: block coordinate descent on a Problem, and its Result."""
from __future__ import annotations

import math
import numbers
from typing import Callable, Optional

import numpy as np

from . import _core
from ._problems import Problem

#: On problems with l1 or bounds, these smooth rule names run as their proximal forms (with
#: g = 0 the proximal rules reduce to the smooth ones, so the names keep their meaning).
PROXIMAL_FORM = {"gradient": "prox-gradient", "newton": "prox-newton", "gs": "gs-r", "gsl": "gsl-r"}


class Result:
    """The outcome of `minimize`.

    Attributes
    ----------
    x : numpy.ndarray
        The solution (the last iterate), shaped like the problem's x, in its dtype.
    fun : float
        F(x).
    n_iter : int
        Block updates performed.
    status : str
        "converged", "max_iter", "time_limit", "callback" (the callback returned True) or
        "numerical_failure" (x then holds the last finite iterate).
    success : bool
        ``status == "converged"``.
    message : str
        Why the solve stopped.
    history : numpy.ndarray or None
        F per iteration (entry 0 = the start) when ``record_history=True``.
    history_seconds : numpy.ndarray or None
        Seconds since the start of the solve, per history entry.
    support_identified_at : int or None
        For proximal problems that converged: the iteration after which the set of nonzeros
        (and their signs) never changed.
    support_size : int
        Nonzeros of x.
    kkt_violation : float
        max_i dist(−∇ᵢf(x), ∂gᵢ(xᵢ)) (the gradient max-norm without l1 and bounds).
    duality_gap : float
        With ``certificate="gap"``: the final duality gap (else NaN).
    seconds : float
        Wall-clock time of the solve, set-up included.
    selection, partition, update : str
        The rules that ran.
    """

    def __init__(self, raw, rules):
        self.x = raw["x"]
        self.fun = float(raw["fun"])
        self.n_iter = int(raw["n_iter"])
        self.status = raw["status"]
        self.success = self.status == "converged"
        self.message = raw["message"]
        self.history = np.asarray(raw["history"]) if raw["history"] else None
        self.history_seconds = np.asarray(raw["history_seconds"]) if raw["history"] else None
        at = int(raw["support_identified_at"])
        self.support_identified_at = at if at >= 0 else None
        self.support_size = int(raw["support_size"])
        self.kkt_violation = float(raw["kkt_violation"])
        self.duality_gap = float(raw["duality_gap"])
        self.seconds = float(raw["setup_seconds"]) + float(raw["solve_seconds"])
        self.selection, self.partition, self.update = rules
        self._report = raw["report"]

    def __str__(self):
        return (f"{self._report}\nrules: selection={self.selection} partition={self.partition} "
                f"update={self.update}")

    def __repr__(self):
        return (f"Result(status={self.status!r}, fun={self.fun:.10g}, n_iter={self.n_iter}, "
                f"kkt_violation={self.kkt_violation:.3g})")


def _positive_int(value, name, minimum=0):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _rule(value, name, names):
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__}")
    if value not in names:
        raise ValueError(f"unknown {name} {value!r}; valid names: {', '.join(names)}")
    return value


def minimize(problem: Problem, selection: str = "gsl", partition: str = "variable", block_size: int = 5,
             update: str = "gradient", max_iter: int = 1000, tol: float = 1e-8, seed: int = 0, x0=None,
             callback: Optional[Callable[[int, np.ndarray, float], bool]] = None, record_history: bool = False,
             time_limit: Optional[float] = None, *, callback_every: int = 1, verbose: int = 0,
             norm: str = "squared", relaxation=1.0, certificate: str = "kkt", check_every: int = 0,
             forest_order: str = "lipschitz", optimal_value: Optional[float] = None, iht: str = "plain") -> Result:
    """Minimise a problem by (greedy) block coordinate descent.

    Parameters
    ----------
    problem : LeastSquares, Logistic, Softmax or Quadratic
    selection : str, default "gsl"
        Which block is updated next: "cyclic", "random", "lipschitz", the greedy rules "gs",
        "gsl", "gsd", "gsq", or the proximal greedy rules "gs-s", "gs-r", "gs-q", "gsl-r",
        "gsl-q" (the command line's names; see docs/rules.md).
    partition : str, default "variable"
        "variable" (any `block_size` coordinates, chosen afresh), fixed partitions "order",
        "sorted", "avg", "random", or, for `Quadratic`, the forest partitions "red-black",
        "tree-partition", "greedy-tree", "random-tree" and their baseline "general".
    block_size : int, default 5
        Coordinates per block, 1 <= block_size <= number of coordinates.
    update : str, default "gradient"
        "gradient", "adaptive", "matrix", "newton", "exact" (quadratics), or the proximal
        "prox-gradient", "prox-newton", "two-metric".
    max_iter : int, default 1000
        Maximum number of block updates.
    tol : float, default 1e-8
        Stop when the KKT violation (the gradient max-norm without l1 and bounds) falls to
        `tol` times its value at x0 (also with the gradient scaled by 1/sqrt(L_i)). When `tol`
        is below 1e4 x the precision's epsilon (float32 at the default), the violation counts only
        beyond the gradient's rounding error (4 ulps of the terms each entry sums), and the
        message says when that decided. A solve in which no coordinate changes for 10 epochs
        ends with "numerical_failure". ``tol=0`` runs the whole `max_iter` budget.
    seed : int, default 0
        Seed of the random rules; results are deterministic for a seed and thread count.
    x0 : array_like, optional
        Start (default zero), shaped like x; must be feasible (within the bounds).
    callback : callable, optional
        ``callback(iteration, x_view, objective) -> bool``, called every `callback_every`
        iterations; returning True stops the solve (status "callback"). `x_view` is a read-only
        array that the solver overwrites before the next call: copy it to keep it. An exception
        raised by the callback stops the solve and propagates.
    record_history : bool, default False
        Record F at every iteration (`Result.history`).
    time_limit : float, optional
        Seconds; the solve stops with status "time_limit".
    callback_every : int, default 1
    verbose : int, default 0
        1 prints a progress line at each convergence check and a final report.
    norm : str, default "squared"
        Norm of the fixed-block greedy scores: "squared" (the paper) or "l1" (the authors' code).
    relaxation : float or "auto", default 1
        Over-relaxation of the "exact" update, in (0, 2); "auto" estimates the optimum.
    certificate : str, default "kkt"
        What `tol` measures: "kkt", or "gap" (the duality gap; least squares and logistic with
        l1/l2, no bounds, no intercept).
    check_every : int, default 0
        Iterations between convergence checks (0: one pass over the coordinates).
    forest_order : str, default "lipschitz"
        Node order of the red-black and tree-partition rules on general graphs.
    iht : str, default "plain"
        How "gsq" with variable blocks runs iterative hard thresholding: "plain" (the authors'
        code) or "scaled" (in diag(L)^(1/2)-scaled variables; see docs/rules.md).
    optimal_value : float, optional
        A known optimum F*: then the solve stops when F(x) − F* <= tol (absolute, as in the
        paper's experiments) instead of on the KKT test.

    Returns
    -------
    Result

    Notes
    -----
    On a problem with l1 or bounds the smooth names "gradient", "newton", "gs" and "gsl" run as
    their proximal forms "prox-gradient", "prox-newton", "gs-r" and "gsl-r" (`Result.update` and
    `Result.selection` say what ran); the other smooth rules are refused there. The GIL is
    released while the solver runs; Ctrl-C interrupts it within about 50 ms plus one iteration
    and raises KeyboardInterrupt.
    """
    if not isinstance(problem, Problem):
        raise TypeError(f"problem must be a southwell problem (LeastSquares, ...), got {type(problem).__name__}")
    names = _core.rule_names()
    selection = _rule(selection, "selection", names["selection"])
    partition = _rule(partition, "partition", names["partition"])
    update = _rule(update, "update", names["update"])
    if problem.is_proximal:
        selection = PROXIMAL_FORM.get(selection, selection)
        update = PROXIMAL_FORM.get(update, update)
    block_size = _positive_int(block_size, "block_size", 1)
    if block_size > problem.size:
        raise ValueError(f"block_size must be <= the number of coordinates ({problem.size}), got {block_size}")
    max_iter = _positive_int(max_iter, "max_iter", 0)
    seed = _positive_int(seed, "seed", 0)
    callback_every = _positive_int(callback_every, "callback_every", 1)
    check_every = _positive_int(check_every, "check_every", 0)
    if isinstance(tol, (bool, np.bool_)) or not isinstance(tol, numbers.Real) or not (tol >= 0) or math.isinf(tol):
        raise ValueError(f"tol must be a finite number >= 0, got {tol!r}")
    if time_limit is None:
        time_limit = math.inf
    elif isinstance(time_limit, (bool, np.bool_)) or not isinstance(time_limit, numbers.Real) or not time_limit > 0:
        raise ValueError(f"time_limit must be a number > 0 or None, got {time_limit!r}")
    if relaxation == "auto":
        relaxation = 0.0
    else:
        try:
            relaxation = float(relaxation)
        except (TypeError, ValueError) as error:
            raise ValueError(f"relaxation must be a number in (0, 2) or 'auto', got {relaxation!r}") from error
        if not 0 < relaxation < 2:
            raise ValueError(f"relaxation must be a number in (0, 2) or 'auto', got {relaxation!r}")
    if callback is not None and not callable(callback):
        raise TypeError("callback must be callable")
    if optimal_value is not None and not (isinstance(optimal_value, numbers.Real) and math.isfinite(optimal_value)):
        raise ValueError(f"optimal_value must be a finite number or None, got {optimal_value!r}")
    options = _core.make_options(selection, partition, update, block_size, max_iter, float(tol), seed,
                                 float(time_limit), bool(record_history), bool(verbose), norm, relaxation,
                                 certificate, forest_order, check_every, optimal_value, iht)
    start = None if x0 is None else problem._vector(x0, "x0")
    request = _core.SolveRequest(options, start, callback, callback_every, list(problem.shape))
    raw = problem._native.solve(request)
    return Result(raw, (selection, partition, update))
