"""LoL-style pseudo-relevance feedback: several revisions of a query vector, each fitted to a
different number of feedback documents, tied by a comparative loss-over-loss term, every
revision problem solved by Southwell. The formulas are in docs/prf.md."""
from __future__ import annotations

import itertools
import math
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp

from ._ir_metrics import evaluate
from ._minimize import minimize
from ._problems import LeastSquares
from ._retrieval import Index
from ._working_set import solve

__all__ = ["LoLReformulator", "Revisions"]

#: The hyperparameters `fit` searches by default (all combinations; orig_weight costs no solve).
DEFAULT_GRID = {"l1": (0.05, 0.2), "l2": (1.0, 4.0), "gamma": (1.0, 5.0), "depths": ((3, 5, 10), (5, 10, 20)),
                "orig_weight": (0.2, 0.4)}


def smooth_hinge(u: float, width: float) -> float:
    """ψ(u): 0 for u <= 0, u²/(2 width) up to width, then u − width/2 (convex, C¹)."""
    if u <= 0:
        return 0.0
    return u * u / (2 * width) if u <= width else u - width / 2


def smooth_hinge_slope(u: float, width: float) -> float:
    """ψ'(u) = clip(u / width, 0, 1)."""
    return min(max(u / width, 0.0), 1.0)


class Revisions:
    """The revisions of one query and what produced them (returned by
    `LoLReformulator.revise`).

    Attributes
    ----------
    terms : numpy.ndarray of int
        Vocabulary ids of the local term space (feedback, negative and query terms).
    query : numpy.ndarray
        The original query over `terms`, l2-normalised (q).
    x : numpy.ndarray, shape (len(depths), len(terms))
        The revised query vectors x_k, one row per feedback depth.
    depths : tuple of int
        The feedback depths used (clipped to the documents retrieved).
    losses : numpy.ndarray
        L(x_k): every revision's loss on the most reliable feedback set (the smallest depth).
    comparative : float
        γ Σ_{i<j} ψ(L(x_j) − L(x_i)) at the solution.
    rounds : int
        Re-weighting rounds run (1 when γ = 0).
    status : str
        The last solve's status ("converged", ...).
    feedback, negatives : numpy.ndarray of int
        Index rows of the feedback documents (the top max(depths), best first) and of the
        pseudo-negatives.
    scale : float
        The original query's score gap that the losses are normalised by.
    l1_penalty : float
        The absolute λ₁ that was used.
    """

    feedback = negatives = np.zeros(0, dtype=np.int64)
    scale, l1_penalty = 1.0, 0.0

    def __init__(self, terms, query, x, depths, losses, comparative, rounds, status):
        self.terms, self.query, self.x, self.depths = terms, query, x, depths
        self.losses, self.comparative, self.rounds, self.status = losses, comparative, rounds, status

    def combined(self, orig_weight: float) -> Dict[int, float]:
        """orig_weight · q + (1 − orig_weight) · mean_k x_k as {term id: weight} (positive
        entries only)."""
        vector = orig_weight * self.query
        if len(self.x):
            vector = vector + (1 - orig_weight) * self.x.mean(axis=0)
        keep = np.flatnonzero(vector > 0)
        return {int(t): float(w) for t, w in zip(self.terms[keep], vector[keep])}


class _LossRows:
    """Least-squares rows whose weighted sum of squares is the pairwise ranking loss
    (1/|P||N|) Σ_{p∈P, n∈N} ½(μ − (w_p − w_n)·x)² of positives P against negatives N.

    For complete bipartite pairs the sum splits exactly into one row for the mean difference
    and one centred row per document: ½(μ − (w̄_P − w̄_N)·x)² + (1/2|P|) Σ_p ((w_p − w̄_P)·x)²
    + (1/2|N|) Σ_n ((w_n − w̄_N)·x)², so |P| + |N| + 1 rows replace |P|·|N| pair rows. `spread`
    multiplies the centred rows' weights (1: the pairwise loss itself)."""

    def __init__(self, positives, negatives, margin, scale, spread):
        mean_p = np.asarray(positives.mean(axis=0)).ravel()
        blocks, weights = [], []
        mean_n = np.zeros_like(mean_p)
        if negatives.shape[0]:
            mean_n = np.asarray(negatives.mean(axis=0)).ravel()
        blocks.append(sp.csr_matrix((mean_p - mean_n)[None, :]))
        weights.append([1.0])
        for docs, mean in ((positives, mean_p), (negatives, mean_n)):
            if docs.shape[0] > 1:
                blocks.append(sp.csr_matrix(docs.toarray() - mean))
                weights.append(np.full(docs.shape[0], spread / docs.shape[0]))
        self.matrix = sp.vstack(blocks, format="csr") / scale
        self.weights = np.concatenate(weights)
        self.targets = np.zeros(self.matrix.shape[0])
        self.targets[0] = margin

    def value(self, x):
        residual = self.matrix @ x - self.targets
        return 0.5 * float(np.dot(self.weights, residual * residual))


class LoLReformulator:
    """Pseudo-relevance feedback by LoL-style query reformulation, solved by Southwell.

    For feedback depths k₁ < … < k_m, revision x_k ≥ 0 (a vector over the terms of the feedback
    documents, the negatives and the query) minimises

        R_k(x) + λ₁‖x‖₁ + (λ₂/2)‖x − q‖²

    where q is the l2-normalised query and R_k the pairwise squared ranking loss of the top-k
    documents (BM25 vectors) against pseudo-negatives sampled lower in the ranking, with target
    margin ``margin`` × the original query's score gap. The revisions are solved jointly with
    the comparative term γ Σ_{i<j} ψ(L(x_j) − L(x_i)), L = the loss on the most reliable set
    (the top k₁), ψ a smooth hinge: a revision that used more feedback yet fits the reliable
    documents worse is pulled back toward them. The final query is
    ``orig_weight · q + (1 − orig_weight) · mean_k x_k``. See docs/prf.md.

    Parameters
    ----------
    depths : sequence of int, default (3, 5, 10)
        Feedback depths k₁ < … < k_m (the numbers of top documents treated as relevant).
    l1 : float, default 0.05
        λ₁ as a fraction of the largest loss gradient at q (so about the same share of
        expansion terms enters for every query), >= 0.
    l2 : float, default 2.0
        λ₂, the pull toward the original query, > 0.
    gamma : float, default 1.0
        γ, the weight of the comparative term (0: independent revisions).
    orig_weight : float, default 0.4
        Weight of the original query in the final combination, in [0, 1].
    margin : float, default 16.0
        Target score gap between feedback documents and negatives, in units of the original
        query's gap on the most reliable set (> 0).
    spread : float, default 0.3
        Weight of the within-group terms of the pairwise loss (1: the exact pairwise loss;
        0: only the centroid difference, Rocchio's direction), >= 0.
    n_negatives : int, default 50
        Pseudo-negatives per query, spread evenly over ranks `negative_start`..`first_k` of the
        first retrieval (fewer when fewer documents match).
    negative_start : int, default 100
        First rank (1-based) a pseudo-negative is taken from.
    first_k : int, default 1000
        Depth of the first retrieval.
    hinge_width : float, default 0.05
        Width δ of the smooth hinge ψ, in units of the (normalised) loss.
    max_rounds : int, default 5
        Re-weighting rounds of the comparative term (see docs/prf.md); each is one Southwell
        solve of all revisions, warm-started.
    solver : "working-set" or "bcd", default "working-set"
        `southwell.solve` (working sets scored by the GS-s rule, proximal Newton inside) or
        `southwell.minimize` with the GS-q rule on variable blocks.
    solver_options : dict, optional
        Passed to the solver (e.g. ``{"tol": 1e-8}``); defaults: tol 1e-6, one thread.
    n_jobs : int, default 1
        Queries reformulated concurrently (threads; the solver releases the GIL). -1: all cores.
    param_grid : dict, optional
        What `fit` searches: lists of values for any of "l1", "l2", "gamma", "depths",
        "orig_weight" (default `DEFAULT_GRID`); parameters not in the grid keep their value.
    verbose : int, default 0
        1 prints one line per configuration during `fit`.

    Attributes (after fit)
    ----------------------
    best_params_ : dict
    best_score_ : float
        Training MAP of the best configuration.
    cv_results_ : list of dict
        Every configuration tried and its training MAP.
    queries_per_second_ : float
        Throughput of the last batch of reformulations.
    """

    _TUNED = ("l1", "l2", "gamma", "depths", "orig_weight")

    def __init__(self, depths: Sequence[int] = (3, 5, 10), l1: float = 0.05, l2: float = 2.0, gamma: float = 1.0,
                 orig_weight: float = 0.4, margin: float = 16.0, spread: float = 0.3, n_negatives: int = 50,
                 negative_start: int = 100,
                 first_k: int = 1000, hinge_width: float = 0.05, max_rounds: int = 5, solver: str = "working-set",
                 solver_options: Optional[dict] = None, n_jobs: int = 1, param_grid: Optional[dict] = None,
                 verbose: int = 0) -> None:
        self.depths = depths
        self.l1, self.l2, self.gamma, self.orig_weight = l1, l2, gamma, orig_weight
        self.margin, self.spread = margin, spread
        self.n_negatives, self.negative_start, self.first_k = n_negatives, negative_start, first_k
        self.hinge_width, self.max_rounds = hinge_width, max_rounds
        self.solver, self.solver_options, self.n_jobs = solver, solver_options, n_jobs
        self.param_grid, self.verbose = param_grid, verbose
        self._check()

    # ------------------------------------------------------------------ validation
    def _check(self):
        depths = tuple(self.depths) if isinstance(self.depths, Iterable) else None
        if not depths or any(not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1 for k in depths) \
                or any(a >= b for a, b in zip(depths, depths[1:])):
            raise ValueError(f"depths must be increasing integers >= 1, got {self.depths!r}")
        self.depths = tuple(int(k) for k in depths)
        for name, low, strict in (("l1", 0, False), ("l2", 0, True), ("gamma", 0, False), ("margin", 0, True),
                                  ("hinge_width", 0, True), ("spread", 0, False)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
                    or not math.isfinite(value) or value < low or (strict and value == low):
                raise ValueError(f"{name} must be a finite number {'>' if strict else '>='} {low}, got {value!r}")
        if not (isinstance(self.orig_weight, (int, float, np.floating)) and 0 <= self.orig_weight <= 1):
            raise ValueError(f"orig_weight must be in [0, 1], got {self.orig_weight!r}")
        for name, low in (("n_negatives", 0), ("negative_start", 1), ("first_k", 1), ("max_rounds", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
        if self.solver not in ("working-set", "bcd"):
            raise ValueError(f"solver must be 'working-set' or 'bcd', got {self.solver!r}")
        if self.solver_options is not None and not isinstance(self.solver_options, dict):
            raise TypeError("solver_options must be a dict")
        if isinstance(self.n_jobs, bool) or not isinstance(self.n_jobs, (int, np.integer)) \
                or not (self.n_jobs >= 1 or self.n_jobs == -1):
            raise ValueError(f"n_jobs must be an integer >= 1 or -1, got {self.n_jobs!r}")
        if self.param_grid is not None:
            unknown = set(self.param_grid) - set(self._TUNED)
            if unknown:
                raise ValueError(f"param_grid may tune {', '.join(self._TUNED)}; unknown: {', '.join(sorted(unknown))}")

    def get_params(self) -> dict:
        names = ("depths", "l1", "l2", "gamma", "orig_weight", "margin", "spread", "n_negatives", "negative_start", "first_k",
                 "hinge_width", "max_rounds", "solver", "solver_options", "n_jobs", "param_grid", "verbose")
        return {n: getattr(self, n) for n in names}

    def set_params(self, **params) -> "LoLReformulator":
        valid = self.get_params()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"unknown parameter {name!r}")
            setattr(self, name, value)
        self._check()
        return self

    # ------------------------------------------------------------------ one query
    def revise(self, index: Index, text: str) -> Revisions:
        """Solve the revision problems of one query."""
        query = index.query_vector(text)
        first = index.search_vector(query, self.first_k) if query else []
        rows = np.array([index.row(d) for d, _ in first], dtype=np.int64)
        depths = tuple(sorted({min(k, len(rows)) for k in self.depths if len(rows)}))
        if not depths:  # nothing retrieved: the query stays as it is
            terms = np.array(sorted(query), dtype=np.int64)
            q = np.array([query[t] for t in terms], float)
            q /= max(np.linalg.norm(q), 1e-300)
            return Revisions(terms, q, np.zeros((0, len(terms))), (), np.zeros(0), 0.0, 0, "converged")
        negatives = self._negatives(len(rows), depths[-1])
        used = np.concatenate([rows[:depths[-1]], rows[negatives]])
        block = index.weights[used]
        terms = np.union1d(np.unique(block.indices), np.fromiter(query, dtype=np.int64)).astype(np.int64)
        local = block[:, terms]  # documents x local terms
        q = np.array([query.get(int(t), 0.0) for t in terms])
        q /= np.linalg.norm(q)
        negative_rows = local[depths[-1]:]
        # Scale: the original query's score gap on the most reliable set (its mean score when
        # there are no negatives), so that margins and l1 mean the same for every query.
        reliable = local[:depths[0]]
        gap = float(np.asarray(reliable.mean(axis=0)).ravel() @ q)
        if negative_rows.shape[0]:
            gap -= float(np.asarray(negative_rows.mean(axis=0)).ravel() @ q)
        if not gap > 0:
            gap = float(np.asarray(reliable.mean(axis=0)).ravel() @ q) or 1.0
        losses = [_LossRows(local[:k], negative_rows, self.margin, gap, self.spread) for k in depths]
        revisions = self._solve_revisions(terms, q, depths, losses)
        revisions.feedback, revisions.negatives, revisions.scale = rows[:depths[-1]], rows[negatives], gap
        return revisions

    def _negatives(self, retrieved, deepest):
        start = max(self.negative_start - 1, deepest)
        if retrieved <= start or self.n_negatives == 0:
            return np.zeros(0, dtype=np.int64)
        count = min(self.n_negatives, retrieved - start)
        return np.unique(np.linspace(start, retrieved - 1, count).round().astype(np.int64))

    def _solve_revisions(self, terms, q, depths, losses):
        m, n = len(depths), len(terms)
        reliable = losses[0]
        # λ₁ relative to the largest pull of the loss away from q (independent of the query's scale).
        gradient = reliable.matrix.T @ (reliable.weights * (reliable.matrix @ q - reliable.targets))
        l1 = self.l1 * max(float(np.max(-gradient)), 1e-12)
        # One least-squares problem, block-diagonal over the revisions: revision k's rows are its own
        # loss, the reliable loss (weighted by the comparative term), and √λ₂-identity rows for the pull
        # to q. The sample weights carry every row's weight; only the comparative ones change per round.
        blocks, targets, weights, comparative_rows = [], [], [], []
        offset = 0
        identity = sp.identity(n, format="csr")
        for k, loss in enumerate(losses):
            parts = [loss.matrix] + ([reliable.matrix] if k > 0 else []) + [identity]
            blocks.append(sp.vstack(parts, format="csr"))
            targets += [loss.targets] + ([reliable.targets] if k > 0 else []) + [q]
            weights += [loss.weights] + ([np.zeros_like(reliable.weights)] if k > 0 else []) + [np.full(n, self.l2)]
            offset += loss.matrix.shape[0]
            comparative_rows.append(slice(offset, offset + reliable.matrix.shape[0]) if k > 0 else None)
            offset += (reliable.matrix.shape[0] if k > 0 else 0) + n
        A = sp.block_diag(blocks, format="csc")
        b = np.concatenate(targets)
        sample_weight = np.concatenate(weights)
        problem = LeastSquares(A, b, l1=l1, lower=0.0) if self.solver == "working-set" else None
        x = np.tile(q, m)
        slopes = np.zeros(m)
        rounds, status = 0, "converged"
        while True:
            rounds += 1
            x, status = self._run_solver(problem, A, b, l1, x, sample_weight)
            revisions = x.reshape(m, n)
            values = np.array([reliable.value(r) for r in revisions])
            if self.gamma == 0 or m == 1 or rounds >= self.max_rounds:
                break
            new = np.array([sum(smooth_hinge_slope(values[j] - values[i], self.hinge_width) for i in range(j))
                            for j in range(m)])
            # Averaging successive slopes damps the see-saw between a revision's weight and its loss.
            new = new if rounds == 1 else 0.5 * (new + slopes)
            if np.max(np.abs(new - slopes)) <= 1e-3:
                break
            slopes = new
            for k in range(1, m):
                sample_weight[comparative_rows[k]] = self.gamma * slopes[k] * reliable.weights
        comparative = self.gamma * sum(smooth_hinge(values[j] - values[i], self.hinge_width)
                                       for j in range(m) for i in range(j))
        result = Revisions(terms, q, revisions.copy(), depths, values, comparative, rounds, status)
        result.l1_penalty = l1
        return result

    def _run_solver(self, problem, A, b, l1, x0, sample_weight):
        if self.solver == "working-set":
            options = {"tol": 1e-6, "threads": 1}
            options.update(self.solver_options or {})
            result = solve(problem, x0=x0, sample_weight=sample_weight, **options)
        else:
            # minimize takes no sample weights: they are folded into the rows.
            options = {"tol": 1e-6, "selection": "gs-q", "max_iter": 100 * A.shape[1]}
            options.update(self.solver_options or {})
            root = np.sqrt(sample_weight)
            scaled = LeastSquares(sp.diags(root) @ A, root * b, l1=l1, lower=0.0)
            result = minimize(scaled, x0=x0, **options)
        return result.x, result.status

    # ------------------------------------------------------------------ batches
    def revise_all(self, index: Index, queries: Mapping[str, str]) -> Dict[str, Revisions]:
        """`revise` for a batch of queries {qid: text}, `n_jobs` at a time (threads; the solver
        releases the GIL); sets `queries_per_second_`."""
        jobs = os.cpu_count() if self.n_jobs == -1 else self.n_jobs
        start = time.perf_counter()
        ids = list(queries)
        if jobs == 1:
            results = [self.revise(index, queries[q]) for q in ids]
        else:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                results = list(pool.map(lambda q: self.revise(index, queries[q]), ids))
        elapsed = time.perf_counter() - start
        self.queries_per_second_ = len(ids) / elapsed if elapsed > 0 else math.inf
        return dict(zip(ids, results))

    def expand(self, index: Index, text: str) -> Dict[int, float]:
        """The reformulated query {term id: weight}."""
        return self.revise(index, text).combined(self.orig_weight)

    def search(self, index: Index, text: str, k: int = 1000) -> List[Tuple[str, float]]:
        """[(doc_id, score), ...] best first for the reformulated query."""
        return index.search_vector(self.expand(index, text), k)

    def search_all(self, index: Index, queries: Mapping[str, str], k: int = 1000,
                   cache: Optional[dict] = None) -> Dict[str, List[Tuple[str, float]]]:
        """Runs for a batch of queries, reformulated concurrently (`n_jobs`); revisions found
        in `cache` (filled by `fit`) are reused."""
        revised = self._cached_revisions(index, queries, cache)
        return {q: index.search_vector(r.combined(self.orig_weight), k) for q, r in revised.items()}

    def _cache_key(self):
        names = sorted(n for n in (self.grid()[0] if self.grid() else {}) if n != "orig_weight")
        return tuple((n, getattr(self, n)) for n in names)

    def _cached_revisions(self, index, queries, cache):
        store = {} if cache is None else cache
        key = self._cache_key()
        missing = {q: t for q, t in queries.items() if (key, q) not in store}
        if missing:
            store.update({(key, q): r for q, r in self.revise_all(index, missing).items()})
        return {q: store[(key, q)] for q in queries}

    # ------------------------------------------------------------------ tuning
    def grid(self) -> List[dict]:
        """The configurations `fit` tries (all combinations of `param_grid`)."""
        grid = dict(DEFAULT_GRID if self.param_grid is None else self.param_grid)
        names = [n for n in self._TUNED if n in grid]
        values = [list(grid[n]) for n in names]
        for name, options in zip(names, values):
            if not options:
                raise ValueError(f"param_grid[{name!r}] is empty")
        return [dict(zip(names, combo)) for combo in itertools.product(*values)]

    def fit(self, index: Index, queries: Mapping[str, str], qrels: Mapping[str, Mapping[str, int]],
            cache: Optional[dict] = None) -> "LoLReformulator":
        """Choose the tuned hyperparameters by training MAP on `queries` (judged in `qrels`)
        over `grid()`, and keep the best. Each configuration solves every training query once;
        the interpolation weight costs no extra solve.

        cache : dict, optional
            Revisions already solved, keyed by (configuration, query id): pass the same dict to
            the `fit` of every cross-validation fold (same index, same fixed parameters) and
            each query is solved once per configuration.
        """
        judged = {q: t for q, t in queries.items() if q in qrels and any(g > 0 for g in qrels[q].values())}
        if not judged:
            raise ValueError("no training query has a relevant document in qrels")
        original = self.get_params()
        results, best = [], None
        store = {} if cache is None else cache
        for config in self.grid():
            self.set_params(**{k: v for k, v in config.items() if k != "orig_weight"})
            revised = self._cached_revisions(index, judged, store)
            weight = config.get("orig_weight", original["orig_weight"])
            runs = {q: index.search_vector(r.combined(weight), 1000) for q, r in revised.items()}
            score = evaluate(runs, {q: qrels[q] for q in judged})["map"]
            results.append(dict(config, map=score))
            if self.verbose:
                print(f"LoL fit: {config} MAP {score:.4f}", flush=True)
            if best is None or score > best[1]:
                best = (config, score)
        self.set_params(**{k: v for k, v in original.items() if k in self._TUNED})
        self.set_params(**best[0])
        self.best_params_, self.best_score_, self.cv_results_ = dict(best[0]), best[1], results
        return self
