"""Graph-based semi-supervised classification solved by Southwell: LabelPropagation.

The labels spread over a sparse affinity graph W by minimising the graph energy
Σ_{ij} W_ij ‖f_i − f_j‖² / 2 with the labelled nodes clamped to their one-hot labels (Zhu,
Ghahramani & Lafferty 2003; the paper's datasets D and E). The energy is a sparse quadratic whose
graph is W itself, so the forest-structured block rules with message passing apply: the default
is a fixed partition into forests ("tree-partition") updated exactly in cyclic order.
"""
from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.neighbors import NearestNeighbors
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from . import _core
from ._inputs import store_params
from ._minimize import Result

__all__ = ["LabelPropagation"]

_KERNELS = ("knn", "rbf", "precomputed")


class LabelPropagation(ClassifierMixin, BaseEstimator):
    """Label propagation on a sparse graph (harmonic function with hard clamping).

    Parameters
    ----------
    kernel : {"knn", "rbf", "precomputed"}, default "knn"
        "knn": symmetric k-nearest-neighbour graph with unit weights. "rbf":
        exp(−gamma ‖xᵢ − xⱼ‖²), kept only where it is at least `rbf_threshold` (so the graph
        stays sparse; the pairs are found by a radius search). "precomputed": X is the n × n
        affinity matrix itself (symmetric, non-negative; sparse is best), and `predict` takes
        the affinities between new samples and the training samples.
    gamma : float, default 20
        Width of the rbf kernel.
    n_neighbors : int, default 7
        Neighbours of the knn kernel.
    rbf_threshold : float in (0, 1), default 1e-4
        Smallest rbf affinity kept.
    clamping : {"hard", "soft"}, default "hard"
        Hard: labelled nodes keep their labels. Soft: labels are targets with weight
        `clamp_weight` relative to the node's degree.
    clamp_weight : float > 0, default 1
    unlabelled_components : {"prior", "refuse"}, default "prior"
        Graph components without a labelled sample get the class frequencies ("prior") or
        raise ValueError ("refuse").
    tol : float, default 1e-6
        Relative KKT tolerance of the solve.
    max_iter : int, default 10000
        Block updates (with the default forest partition, a block holds about half the nodes).
    selection, partition, block_size, update : str, str, int, str
        Southwell's rules (`southwell.minimize`). Default: cyclic selection over a
        tree-partition of the graph with exact (message-passing) updates.
    relaxation : float in (0, 2) or "auto", default "auto"
        Over-relaxation of the exact updates; "auto" estimates the optimum (it cut the
        iterations on a two-moons kNN graph from 32,000 to 1,500; docs/rules.md). "auto" applies
        to cyclic exact updates over a fixed partition; other rules run without relaxation.
    verbose : int, default 0

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    label_distributions_ : ndarray of shape (n_samples, n_classes)
        Row-normalised scores of every training sample.
    transduction_ : ndarray of shape (n_samples,)
        The label given to every training sample.
    n_iter_ : int
        Block updates performed (at least 1).
    n_features_in_ : int
    solver_result_ : southwell.Result or None
        None when every sample was labelled.
    """

    def __init__(self, kernel="knn", *, gamma=20.0, n_neighbors=7, rbf_threshold=1e-4, clamping="hard",
                 clamp_weight=1.0, unlabelled_components="prior", tol=1e-6, max_iter=10000, selection="cyclic",
                 partition="tree-partition", block_size=1, update="exact", relaxation="auto", verbose=0):
        store_params(self, locals())

    # ---- the graph --------------------------------------------------------------------------
    def _check_params(self):
        if self.kernel not in _KERNELS:
            raise ValueError(f"kernel must be one of {_KERNELS}, got {self.kernel!r}")
        if not isinstance(self.gamma, numbers.Real) or not self.gamma > 0:
            raise ValueError(f"gamma must be > 0, got {self.gamma!r}")
        if isinstance(self.n_neighbors, bool) or not isinstance(self.n_neighbors, numbers.Integral) \
                or self.n_neighbors < 1:
            raise ValueError(f"n_neighbors must be an integer >= 1, got {self.n_neighbors!r}")
        if not isinstance(self.rbf_threshold, numbers.Real) or not 0 < self.rbf_threshold < 1:
            raise ValueError(f"rbf_threshold must be in (0, 1), got {self.rbf_threshold!r}")
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, numbers.Integral) or self.max_iter < 1:
            raise ValueError(f"max_iter must be an integer >= 1, got {self.max_iter!r}")
        if not isinstance(self.tol, numbers.Real) or not self.tol >= 0:
            raise ValueError(f"tol must be >= 0, got {self.tol!r}")

    def _affinity(self, X, fitting):
        """Affinities between the rows of X and the training samples (sparse CSR)."""
        if self.kernel == "precomputed":
            W = sp.csr_matrix(X, dtype=np.float64)
            if W.nnz and (W.data < 0).any():
                raise ValueError("a precomputed affinity matrix must be non-negative")
            return W
        if self.kernel == "knn":
            k = min(self.n_neighbors, self._neighbors.n_samples_fit_ - (1 if fitting else 0))
            if k < 1:
                raise ValueError("the knn kernel needs at least 2 samples; got 1 sample")
            if fitting:
                W = self._neighbors.kneighbors_graph(None, n_neighbors=k, mode="connectivity")
            else:
                W = self._neighbors.kneighbors_graph(X, n_neighbors=k, mode="connectivity")
            return W.tocsr()
        radius = math.sqrt(-math.log(self.rbf_threshold) / self.gamma)
        D = self._neighbors.radius_neighbors_graph(None if fitting else X, radius=radius, mode="distance")
        D = D.tocsr()  # without X, radius_neighbors_graph leaves each sample out of its own neighbours
        D.data = np.exp(-self.gamma * D.data ** 2)
        return D

    # ---- estimator API ----------------------------------------------------------------------
    def fit(self, X, y):
        """Propagate the labels of the samples with y != -1 to those with y == -1.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Or the (n_samples, n_samples) affinity matrix when kernel="precomputed".
        y : array-like of shape (n_samples,)
            Labels; -1 marks an unlabelled sample.

        Returns
        -------
        self
        """
        self._check_params()
        X, y = self._validate_data(X, y, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32])
        check_classification_targets(y)
        n = X.shape[0]
        if self.kernel == "precomputed" and X.shape[1] != n:
            raise ValueError(f"a precomputed affinity matrix must be square, got shape {X.shape}")
        unlabelled = y == -1
        self.classes_ = np.unique(y[~unlabelled])
        if self.classes_.size == 0:
            raise ValueError("no labelled sample: at least one y must differ from -1")
        if self.kernel != "precomputed":
            self._neighbors = NearestNeighbors().fit(X)
        self._X_fit = X
        W = self._affinity(X, fitting=True)
        W = W.maximum(W.T).tocsc()  # symmetric: i ~ j when either is a neighbour of the other
        W.sort_indices()
        labelled = np.flatnonzero(~unlabelled)
        K = self.classes_.size
        codes = np.searchsorted(self.classes_, y[labelled])
        targets = np.zeros((labelled.size, max(K, 2)))
        targets[np.arange(labelled.size), codes] = 1.0
        n_unknown = int(unlabelled.sum()) if self.clamping == "hard" else n
        block = max(1, min(self.block_size, max(n_unknown, 1) * targets.shape[1]))
        if self.relaxation == "auto":
            fixed = self.partition not in ("variable", "general", "greedy-tree", "random-tree")
            relaxation = 0.0 if self.update == "exact" and self.selection == "cyclic" and fixed else 1.0
        else:
            relaxation = float(self.relaxation)
            if not 0 < relaxation < 2:
                raise ValueError(f"relaxation must be in (0, 2) or 'auto', got {self.relaxation!r}")
        options = _core.make_options(self.selection, self.partition, self.update, block, self.max_iter,
                                     float(self.tol), 0, math.inf, False, bool(self.verbose), "squared", relaxation,
                                     "kkt", "lipschitz", 0)
        request = _core.SolveRequest(options, None, None, 1, [n_unknown * targets.shape[1]])
        scores, raw = _core.label_propagation(
            _core.csc_design(W.data, W.indices.astype(np.int32), W.indptr.astype(np.int32), n, n),
            labelled.tolist(), targets, self.clamping, float(self.clamp_weight), self.unlabelled_components, request)
        scores = scores[:, :K]
        if n_unknown:
            raw["x"] = None
            self.solver_result_ = Result(raw, (self.selection, self.partition, self.update))
            self.n_iter_ = max(1, int(raw["n_iter"]))
            if raw["status"] != "converged":
                warnings.warn(f"LabelPropagation did not converge ({raw['status']}); increase max_iter or tol",
                              ConvergenceWarning)
        else:
            self.solver_result_ = None
            self.n_iter_ = 1
        self.label_distributions_ = _normalise_rows(scores, self._prior(codes, K))
        self.transduction_ = self.classes_[self.label_distributions_.argmax(axis=1)]
        return self

    @staticmethod
    def _prior(codes, K):
        return np.bincount(codes, minlength=K) / codes.size

    def predict_proba(self, X):
        """Class probabilities of new samples: their affinity-weighted average of the training
        samples' label distributions (the class frequencies where a sample has no neighbour).
        """
        check_is_fitted(self)
        X = self._validate_data(X, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32], reset=False)
        if self.kernel == "precomputed" and X.shape[1] != self.label_distributions_.shape[0]:
            raise ValueError(f"precomputed affinities must have one column per training sample "
                             f"({self.label_distributions_.shape[0]}), got {X.shape[1]}")
        W = self._affinity(X, fitting=False)
        prior = self.label_distributions_.mean(axis=0)
        return _normalise_rows(np.asarray(W @ self.label_distributions_), prior)

    def predict(self, X):
        """The most probable class of each sample."""
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]


def _normalise_rows(scores, fallback):
    scores = np.clip(scores, 0, None)  # rounding can leave tiny negative scores
    totals = scores.sum(axis=1, keepdims=True)
    empty = totals[:, 0] <= 0
    out = np.divide(scores, totals, out=np.zeros_like(scores), where=totals > 0)
    out[empty] = fallback
    return out
