"""The paper's datasets A-E and the L1 + non-negative variant of A, from the recipes of the
authors' code (docs: ../shared/reference/bcd-paper-spec.md, section 2), with their optima.

B, C and D use numpy's legacy RandomState(1) exactly as the authors' numpy code does, so they
are the authors' data (D's optimum matches the published f* to every printed digit). A was made
in MATLAB and E's graph file is not public: both are regenerated from their recipes with numpy,
seeded, so their curves match the paper's only statistically.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from sklearn.neighbors import kneighbors_graph

import southwell as sw

#: The authors' f* constants (exp_configs.OPTIMAL_LOSS), for comparison only.
PAPER_OPTIMA = {"A": 8.12e-25, "A-L1NN": 6725753.524015227, "B": 5.04e-15, "C": 1.09e-11,
                "D": -1045999575.2270696, "E": -717.708822011346}
#: lambda of the L1 + non-negative variant of A (Figs. 7 and 13).
L1NN_LAMBDA = 5e4


@dataclasses.dataclass
class Dataset:
    name: str
    problem: sw.Problem
    optimum: float          # f*, computed here by an independent method
    optimum_method: str
    start_value: float      # f(0)
    optimal_x: np.ndarray | None = None  # for the support-identification stars


def _design(rng, m, p):
    """The common generator: (randn + 1) scaled per column by 10 randn, kept w.p. 10 ln(m)/m."""
    A = rng.randn(m, p) + 1
    A = A * (10 * rng.randn(p))
    A *= rng.rand(m, p) < 10 * math.log(m) / m
    return A


def dataset_a_data(seed=1):
    rng = np.random.RandomState(seed)
    A = _design(rng, 1000, 10000)
    w = rng.randn(10000) * (rng.rand(10000) < 0.1)
    b = A @ w + rng.randn(1000)
    return sp.csc_matrix(A), b


def dataset_a(seed=1):
    A, b = dataset_a_data(seed)
    p = sw.LeastSquares(A, b)
    # A (1000 x 10000) has full row rank, so Ax = b is consistent: f* = 0 (checked by LSQR).
    residual = spla.lsqr(A, b, atol=1e-14, btol=1e-14, iter_lim=20000)[3]
    return Dataset("A", p, 0.0, f"0 (consistent system; LSQR residual {residual:.1e})", p.value(np.zeros(10000)))


def dataset_a_l1nn(seed=1, reference_iterations=2000):
    """½‖Ax − b‖² + λ Σ x_i, x ≥ 0. f* from a long proximal-Newton run certified by its KKT
    violation (reported)."""
    A, b = dataset_a_data(seed)
    p = sw.LeastSquares(A, b, l1=L1NN_LAMBDA, lower=0.0)
    reference = sw.minimize(p, selection="gsl-q", partition="variable", block_size=100, update="prox-newton",
                            max_iter=reference_iterations, tol=1e-14)
    x = reference.x
    gradient = p.gradient(x)
    violation = np.max(np.where(x > 0, np.abs(gradient + L1NN_LAMBDA), np.maximum(-(gradient + L1NN_LAMBDA), 0)))
    return Dataset("A-L1NN", p, reference.fun,
                   f"prox-newton to a KKT violation of {violation:.1e} ({reference.status}, "
                   f"{np.count_nonzero(x)} nonzeros)", p.value(np.zeros(10000)), optimal_x=x)


def dataset_b(seed=1):
    np.random.seed(seed)
    A = np.random.randn(1000, 10000) + 1
    A = A * (10 * np.random.randn(10000))  # = A @ diag(10 randn), the same draws
    A *= np.random.rand(1000, 10000) < 10 * np.log(1000) / 1000
    w = np.random.randn(10000) * (np.random.rand(10000) < 0.1)
    y = np.sign(A @ w) * np.sign(np.random.rand(1000) - 0.1)
    p = sw.Logistic(sp.csc_matrix(A), y)
    return Dataset("B", p, 0.0, "0 (separable: p > m)", p.value(np.zeros(10000)))


def dataset_c(seed=1, classes=50):
    np.random.seed(seed)
    A = (np.random.randn(1000, 1000) + 1) * (10 * np.random.randn(1000))
    A *= np.random.rand(1000, 1000) < 10 * np.log(1000) / 1000
    W = np.random.randn(1000, classes)
    y = np.argmax(A @ W + np.random.randn(1000, classes), axis=1)
    p = sw.Softmax(sp.csc_matrix(A), y, n_classes=classes)
    return Dataset("C", p, 0.0, "0 (separable: p K > m)", p.value(np.zeros((1000, classes))))


def _label_propagation_system(W, labelled, labels):
    """The authors' system: A = D − W over all nodes (full degrees), b = W[:, labelled] y,
    restricted to the unlabelled nodes."""
    n = W.shape[0]
    y = np.zeros(n)
    y[labelled] = labels
    degree = np.asarray(W.sum(axis=1)).ravel()
    A = (sp.diags(degree) - W).tocsr()
    b = W @ y
    unknown = np.setdiff1d(np.arange(n), labelled)
    Q = A[unknown][:, unknown].tocsc()
    return Q, b[unknown], unknown


def _quadratic_dataset(name, Q, c, lattice=None):
    p = sw.Quadratic(Q, c, lattice=lattice)
    x = spla.spsolve(Q, c)  # SuperLU, independent of Southwell
    optimum = -0.5 * float(c @ x)
    return Dataset(name, p, optimum, "sparse direct solve (SuperLU)", 0.0)


def dataset_d(seed=1, side=50, labelled=100, weight=1e5):
    np.random.seed(seed)
    n = side * side
    index = np.arange(n)
    row, col = index % side, index // side
    vertical = index[row < side - 1]
    horizontal = index[col < side - 1]
    i = np.concatenate([vertical, horizontal])
    j = np.concatenate([vertical + 1, horizontal + side])
    W = sp.coo_matrix((np.full(i.size, weight), (i, j)), shape=(n, n))
    W = (W + W.T).tocsr()
    chosen = np.random.choice(n, labelled, replace=False)
    labels = 10 * np.random.randn(labelled)
    Q, c, unknown = _label_propagation_system(W, chosen, labels)
    return _quadratic_dataset("D", Q, c, lattice=(side, side, unknown.tolist()))


def two_moons(points, rng, noise_std=0.2):
    """Moon 1: (cos φ, sin φ); moon 2: (1 + cos φ, 0.5 − sin φ); φ ~ U(0, π); Gaussian noise
    of variance 0.04; each point's moon drawn with probability 1/2."""
    moon = rng.rand(points) < 0.5
    phi = np.pi * rng.rand(points)
    x = np.where(moon, 1 + np.cos(phi), np.cos(phi))
    y = np.where(moon, 0.5 - np.sin(phi), np.sin(phi))
    X = np.column_stack([x, y]) + noise_std * rng.randn(points, 2)
    return X, moon.astype(int) + 1


def dataset_e(seed=1, points=2000, labelled=100, neighbours=5):
    rng = np.random.RandomState(seed)
    X, classes = two_moons(points, rng)
    W = kneighbors_graph(X, neighbours, mode="connectivity", include_self=False)
    W = W.maximum(W.T).tocsr()  # i ~ j when either is among the other's 5 nearest neighbours
    chosen = rng.choice(points, labelled, replace=False)
    Q, c, _ = _label_propagation_system(W, chosen, classes[chosen].astype(float))
    return _quadratic_dataset("E", Q, c)


MAKERS = {"A": dataset_a, "B": dataset_b, "C": dataset_c, "D": dataset_d, "E": dataset_e, "A-L1NN": dataset_a_l1nn}
