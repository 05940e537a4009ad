"""The problems of the comparison suite: one objective formula per problem, evaluated in float64
on every solver's coefficients, and the datasets (LIBSVM files or generated).

All objectives are stated without an intercept (as in benchopt's lasso and logreg benchmarks)
and in "sum" scaling:

==============  ===========================================================  =================
problem         objective                                                    lambda_max
==============  ===========================================================  =================
lasso           ½‖y − Xw‖² + λ‖w‖₁                                           ‖Xᵀy‖∞
enet            ½‖y − Xw‖² + λ(ρ‖w‖₁ + (1 − ρ)/2 ‖w‖²), ρ = 0.5               ‖Xᵀy‖∞ / ρ
l1-logistic     Σ log(1 + exp(−yᵢ xᵢᵀw)) + λ‖w‖₁                              ‖Xᵀy‖∞ / 2
l2-logistic     Σ log(1 + exp(−yᵢ xᵢᵀw)) + λ/2 ‖w‖²                           that of l1-logistic
multinomial     Σ (logsumexp(xᵢᵀW) − xᵢᵀW_yᵢ) + λ‖W‖₁                         ‖Xᵀ(Y − 1/K)‖∞
==============  ===========================================================  =================

λ is given as a fraction of lambda_max (for l2-logistic, of the l1 problem's: it fixes the scale
of C = 1/λ that LIBLINEAR and scikit-learn use).
"""
from __future__ import annotations

import pathlib
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import logsumexp

PROBLEMS = ("lasso", "enet", "l1-logistic", "l2-logistic", "multinomial")
ENET_RATIO = 0.5


@dataclass
class Data:
    name: str
    X: object          # scipy CSC or Fortran-ordered ndarray, float64
    y: np.ndarray      # regression targets, ±1 labels, or classes 0..K-1

    @property
    def shape(self):
        return self.X.shape


@dataclass
class Problem:
    kind: str
    data: Data
    lam: float
    fraction: float

    @property
    def is_classification(self):
        return self.kind != "lasso" and self.kind != "enet"

    def objective(self, w):
        """F(w) in float64 from the definitions above; w of shape (p,) or (p, K)."""
        X, y, lam = self.data.X, self.data.y, self.lam
        w = np.asarray(w, dtype=np.float64)
        z = np.asarray(X @ w)
        if self.kind == "lasso":
            return 0.5 * float(((y - z) ** 2).sum()) + lam * float(np.abs(w).sum())
        if self.kind == "enet":
            return (0.5 * float(((y - z) ** 2).sum()) + lam * ENET_RATIO * float(np.abs(w).sum())
                    + lam * (1 - ENET_RATIO) / 2 * float((w ** 2).sum()))
        if self.kind in ("l1-logistic", "l2-logistic"):
            loss = float(np.logaddexp(0, -y * z).sum())
            if self.kind == "l1-logistic":
                return loss + lam * float(np.abs(w).sum())
            return loss + lam / 2 * float((w ** 2).sum())
        rows = np.arange(len(y))
        return float((logsumexp(z, axis=1) - z[rows, y]).sum()) + lam * float(np.abs(w).sum())


def lambda_max(kind, data):
    X, y = data.X, data.y
    if kind in ("lasso", "enet"):
        g = np.abs(np.asarray(X.T @ y)).max()
        return g / ENET_RATIO if kind == "enet" else g
    if kind in ("l1-logistic", "l2-logistic"):
        return np.abs(np.asarray(X.T @ y)).max() / 2
    K = int(y.max()) + 1
    Y = np.zeros((len(y), K))
    Y[np.arange(len(y)), y] = 1
    return np.abs(np.asarray(X.T @ (Y - 1.0 / K))).max()


def make_problem(kind, data, fraction):
    if kind not in PROBLEMS:
        raise ValueError(f"unknown problem {kind!r}; choose from {PROBLEMS}")
    return Problem(kind, data, fraction * lambda_max(kind, data), fraction)


# ---- data -------------------------------------------------------------------------------------
LIBSVM = {
    "a9a": "libsvm/a9a",
    "rcv1_small": "libsvm/rcv1_small",
    "news20": "libsvm/news20",
    "leukemia": "libsvm/leukemia",
    "mushrooms": "libsvm/mushrooms",
}


def generated(m, p, nnz_per_row, seed=0, kind="lasso"):
    """A random sparse design with Zipf-like column popularity (as text data), ~nnz_per_row
    nonzeros per row, and targets from a sparse ground truth."""
    rng = np.random.default_rng(seed)
    nnz = m * nnz_per_row
    popularity = 1.0 / np.arange(1, p + 1) ** 0.6
    popularity /= popularity.sum()
    cols = rng.choice(p, size=nnz, p=popularity)
    rows = np.repeat(np.arange(m), nnz_per_row)
    vals = rng.standard_normal(nnz)
    X = sp.csc_matrix((vals, (rows, cols)), shape=(m, p))
    X.sum_duplicates()
    X.sort_indices()
    truth = np.zeros(p)
    support = rng.choice(p, size=max(1, p // 1000), replace=False)
    truth[support] = rng.standard_normal(len(support))
    z = np.asarray(X @ truth) + 0.1 * rng.standard_normal(m)
    return X, z


def load(name, shared, kind):
    """A Data for `name`: a key of LIBSVM (under shared/data), a LIBSVM file path, or
    'generated:m,p,nnz_per_row'."""
    from sklearn.datasets import load_svmlight_file

    if name.startswith("generated:"):
        m, p, per_row = (int(v) for v in name.split(":", 1)[1].split(","))
        X, z = generated(m, p, per_row)
        y = _targets(kind, z)
        return Data(name, X, y)
    path = pathlib.Path(shared) / "data" / LIBSVM[name] if name in LIBSVM else pathlib.Path(name)
    if not path.exists():
        raise FileNotFoundError(f"dataset {name!r} not found at {path} (the shared data is needed)")
    X, labels = load_svmlight_file(str(path))
    X = X.tocsc()
    X.sort_indices()
    if name == "leukemia":
        X = np.asfortranarray(X.toarray())
    if kind in ("lasso", "enet"):
        y = labels.astype(np.float64)  # class labels serve as regression targets (as in benchopt's lasso)
    else:
        y = _labels(kind, labels, name)
    return Data(name, X, y)


def _targets(kind, z):
    if kind in ("lasso", "enet"):
        return z
    if kind == "multinomial":
        edges = np.quantile(z, [0.25, 0.5, 0.75])
        return np.searchsorted(edges, z).astype(np.int64)
    return np.where(z > np.median(z), 1.0, -1.0)


def _labels(kind, labels, name):
    values = np.unique(labels)
    if kind == "multinomial":
        return np.searchsorted(values, labels).astype(np.int64)
    if len(values) == 2:
        return np.where(labels == values[1], 1.0, -1.0)
    # news20 binarised: the first half of the newsgroups against the second.
    return np.where(labels <= values[len(values) // 2 - 1], 1.0, -1.0)
