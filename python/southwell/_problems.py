"""Problem classes: data plus penalties, evaluated and solved by the compiled core."""
from __future__ import annotations

from typing import Optional, Union

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from . import _core
from ._inputs import Design, bounds, nonnegative, vector

#: A design matrix: a numpy array (or anything np.asarray accepts) or a scipy sparse matrix.
MatrixLike = Union[npt.ArrayLike, sp.spmatrix]
#: A bound: a scalar, an array broadcast to x's shape, or None (unbounded).
BoundLike = Optional[npt.ArrayLike]


class Problem:
    """Base class of the problems `minimize` solves: F(x) = f(x) + g(x) with f smooth and g the
    separable part (l1 and bounds).

    Attributes
    ----------
    shape : tuple
        The shape of x: ``(n_features,)``, ``(n_features, K)`` for `Softmax`, with one more row
        for the intercept when ``fit_intercept=True``.
    dtype : numpy.dtype
        float32 or float64: the precision of every computation and of the solution.
    """

    _native = None
    shape: tuple = ()
    dtype = np.dtype(np.float64)
    #: True when g is not zero (l1 > 0 or bounds): then the proximal rules apply.
    is_proximal = False

    @property
    def size(self) -> int:
        """The number of coordinates of x."""
        return int(np.prod(self.shape))

    def _vector(self, x, what="x"):
        x = np.asarray(x)
        if x.shape != self.shape and x.shape != (self.size,):
            raise ValueError(f"{what} has shape {x.shape}, expected {self.shape}")
        if x.dtype.kind not in "biuf":
            raise TypeError(f"{what} must be real numbers, got dtype {x.dtype}")
        x = np.ascontiguousarray(x.reshape(-1), dtype=self.dtype)
        if not np.isfinite(x).all():
            raise ValueError(f"{what} contains NaN or infinity")
        return x

    def value(self, x: npt.ArrayLike) -> float:
        """F(x): the smooth part plus l1 (infinite outside the bounds)."""
        return self._native.value(self._vector(x))

    def gradient(self, x: npt.ArrayLike) -> np.ndarray:
        """The gradient of the smooth part f at x, shaped like x."""
        return self._native.gradient(self._vector(x)).reshape(self.shape)

    def _data_address(self) -> int:
        """The address the core reads the matrix from (equal to the caller's buffer when no
        copy was made)."""
        return self._native.data_address


class _Glm(Problem):
    _loss = ""

    def __init__(self, A, targets, classes, l1, l2, lower, upper, fit_intercept, outputs):
        """`targets(m, dtype)` validates and converts the targets once the design is known."""
        self.l1 = nonnegative(l1, "l1")
        self.l2 = nonnegative(l2, "l2")
        self.fit_intercept = bool(fit_intercept)
        self._design = Design(A)
        self.dtype = self._design.dtype
        m, p = self._design.shape
        targets = targets(m, self.dtype)
        self._targets, self._classes = targets, classes  # kept for the working-set solver
        rows = p + (1 if self.fit_intercept else 0)
        self.shape = (rows,) if outputs == 1 else (rows, outputs)
        weights = None
        if self.fit_intercept and self.l1 > 0:
            weights = np.ones(self.shape, dtype=self.dtype)
            weights[-1] = 0
            weights = weights.reshape(-1)
        self.lower, self.upper = bounds(lower, upper, self.shape, self.dtype, 1 if self.fit_intercept else 0)
        self.is_proximal = self.l1 > 0 or self.lower is not None
        _core.check_design(self._design.argument)
        self._native_arguments = (self._loss, self._design.argument, targets, classes, self.l2, self.fit_intercept,
                                  self.l1, weights, self.lower, self.upper)
        self._native_problem = None

    @property
    def _native(self):
        # Built on first use: southwell.solve reads the data directly, and building the native
        # problem costs a pass over the matrix and several arrays of size m and p.
        if self._native_problem is None:
            self._native_problem = _core.make_glm(*self._native_arguments)
        return self._native_problem

    @property
    def n_features(self) -> int:
        """Columns of A (without the intercept)."""
        return self._design.shape[1]


def _signed_labels(y, m, dtype):
    y = vector(y, m, dtype, "y")
    values = set(np.unique(y).tolist())
    if not values <= {-1.0, 1.0} and not values <= {0.0, 1.0}:
        raise ValueError(f"logistic labels must be in {{-1, +1}} or {{0, 1}}, got values {sorted(values)[:5]}")
    return np.where(y == 0, dtype.type(-1), y)


class LeastSquares(_Glm):
    """F(x) = ½‖Ax − b‖² + l1‖x‖₁ + (l2/2)‖x‖², subject to lower ≤ x ≤ upper.

    Parameters
    ----------
    A : array_like or scipy.sparse matrix, shape (m, p)
        Used in place (never copied) when it is a Fortran-ordered float32/float64 array or a CSC
        matrix with sorted indices; other layouts are converted once. Checked once, here
        (finite entries; for CSC, in-range and sorted row indices): solves do not check it
        again, so do not modify it while the problem is in use.
    b : array_like, shape (m,)
        Targets, converted to A's dtype.
    l1, l2 : float, default 0
        Penalty weights, >= 0.
    lower, upper : float or array_like, optional
        Bounds on x (scalars or arrays broadcast to x's shape); None means unbounded.
    fit_intercept : bool, default False
        Add an unpenalised intercept: x gets one more entry, last, for an implicit column of
        ones (no copy of A is made).
    """

    _loss = "squared"

    def __init__(self, A: MatrixLike, b: npt.ArrayLike, l1: float = 0.0, l2: float = 0.0, lower: BoundLike = None,
                 upper: BoundLike = None, fit_intercept: bool = False) -> None:
        super().__init__(A, lambda m, dtype: vector(b, m, dtype, "b"), 0, l1, l2, lower, upper, fit_intercept, 1)


class Logistic(_Glm):
    """F(x) = Σᵢ log(1 + exp(−yᵢ aᵢᵀx)) + l1‖x‖₁ + (l2/2)‖x‖², subject to lower ≤ x ≤ upper.

    Parameters
    ----------
    A : array_like or scipy.sparse matrix, shape (m, p)
        As for `LeastSquares`.
    y : array_like, shape (m,)
        Labels in {−1, +1} or in {0, 1}.
    l1, l2, lower, upper, fit_intercept
        As for `LeastSquares`.
    """

    _loss = "logistic"

    def __init__(self, A: MatrixLike, y: npt.ArrayLike, l1: float = 0.0, l2: float = 0.0, lower: BoundLike = None,
                 upper: BoundLike = None, fit_intercept: bool = False) -> None:
        super().__init__(A, lambda m, dtype: _signed_labels(y, m, dtype), 0, l1, l2, lower, upper, fit_intercept, 1)


class Softmax(_Glm):
    """Multinomial logistic regression: F(X) = Σᵢ (log Σₖ exp(aᵢᵀXₖ) − aᵢᵀX_{yᵢ}) + l1‖X‖₁
    + (l2/2)‖X‖², X of shape (p, K).

    Parameters
    ----------
    A : array_like or scipy.sparse matrix, shape (m, p)
        As for `LeastSquares`.
    y : array_like of int, shape (m,)
        Classes 0, 1, ..., K − 1.
    l2, l1, lower, upper, fit_intercept
        As for `LeastSquares`.
    n_classes : int, optional
        K; default ``max(y) + 1``.
    """

    _loss = "softmax"

    def __init__(self, A: MatrixLike, y: npt.ArrayLike, l2: float = 0.0, l1: float = 0.0, lower: BoundLike = None,
                 upper: BoundLike = None, fit_intercept: bool = False, n_classes: Optional[int] = None) -> None:
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(f"y must be 1-D, got shape {y.shape}")
        if y.dtype.kind == "f":
            if not np.isfinite(y).all() or (y != np.round(y)).any():
                raise ValueError("softmax classes must be integers")
        elif y.dtype.kind not in "iub":
            raise TypeError(f"softmax classes must be integers, got dtype {y.dtype}")
        y = y.astype(np.int64)
        if y.size and y.min() < 0:
            raise ValueError(f"softmax classes must be >= 0, got {y.min()}")
        classes = int(y.max()) + 1 if n_classes is None else int(n_classes)
        if y.size and y.max() >= classes:
            raise ValueError(f"class {y.max()} is outside 0..{classes - 1}")
        if classes < 2:
            raise ValueError(f"softmax needs at least 2 classes; got {classes} class")
        self.n_classes = classes

        def targets(m, dtype):
            if y.shape[0] != m:
                raise ValueError(f"A has {m} rows but there are {y.shape[0]} targets")
            return np.ascontiguousarray(y)

        super().__init__(A, targets, classes, l1, l2, lower, upper, fit_intercept, classes)


class Quadratic(Problem):
    """F(x) = ½xᵀQx − cᵀx + l1‖x‖₁, subject to lower ≤ x ≤ upper.

    Parameters
    ----------
    Q : scipy.sparse matrix or array_like, shape (n, n)
        Symmetric positive definite, both triangles stored; its off-diagonal pattern is the
        graph that the forest partitions (red-black, tree-partition, greedy-tree, random-tree)
        work on. Copied once into the solver's own CSC matrix.
    c : array_like, shape (n,)
    l1, lower, upper
        As for `LeastSquares`.
    lattice : (rows, cols) or (rows, cols, cells), optional
        Declares that coordinate j sits at lattice cell ``cells[j] = column * rows + row``
        (default ``cells = range(n)``); then "red-black" and "tree-partition" use the
        checkerboard and the two comb trees (the paper's Fig. 6a). ValueError unless every
        off-diagonal nonzero of Q joins lattice neighbours.
    """

    def __init__(self, Q: MatrixLike, c: npt.ArrayLike, lower: BoundLike = None, upper: BoundLike = None,
                 l1: float = 0.0, lattice: Optional[tuple] = None) -> None:
        self.l1 = nonnegative(l1, "l1")
        if not sp.issparse(Q):
            Q = np.asarray(Q)
            if Q.ndim != 2:
                raise ValueError(f"Q must be 2-D, got shape {Q.shape}")
            Q = sp.csc_matrix(Q) if Q.dtype.kind in "biuf" else Q
        design = Design(Q, "Q")
        n, cols = design.shape
        if n != cols:
            raise ValueError(f"Q must be square, got shape {design.shape}")
        self.dtype = design.dtype
        self.shape = (n,)
        c = vector(c, n, self.dtype, "c")
        self.lower, self.upper = bounds(lower, upper, self.shape, self.dtype, 0)
        self.is_proximal = self.l1 > 0 or self.lower is not None
        if lattice is not None:
            if len(lattice) == 2:
                lattice = (lattice[0], lattice[1], range(n))
            rows, cols, cells = lattice
            lattice = (int(rows), int(cols), [int(cell) for cell in cells])
        self._native = _core.make_quadratic(design.argument, c, 0.0, self.l1, self.lower, self.upper, lattice)
