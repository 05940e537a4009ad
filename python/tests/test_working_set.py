"""The working-set solver (`southwell.solve`, the estimators' default), sample weights and the
regularisation paths, against scikit-learn's optima and weighted fits, duplicated rows and the
KKT conditions written out here."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit as sp_expit
import sklearn.linear_model as skl
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning

import southwell as sw
from conftest import random_design
from southwell.linear_model import (ElasticNet, Lasso, LogisticRegression, Ridge, enet_path, lasso_path,
                                    logistic_regression_path)
from test_estimators import assert_not_worse, enet_objective, logistic_objective


def lasso_kkt(X, y, w, lam):
    """max_j dist(-grad_j, lam d|w_j|) of ½‖y − Xw‖² + lam‖w‖₁, relative to ‖Xᵀy‖∞."""
    g = -np.asarray(X.T @ (y - X @ w))
    viol = np.where(w != 0, np.abs(g + lam * np.sign(w)), np.maximum(np.abs(g) - lam, 0))
    return viol.max() / np.abs(np.asarray(X.T @ y)).max()


class TestSolve:
    @pytest.mark.parametrize("sparse", [False, True])
    def test_lasso_meets_kkt_and_beats_sklearn(self, rng, sparse):
        A = random_design(rng, 80, 300, 0.3)
        b = rng.standard_normal(80)
        lam = 0.05 * np.abs(A.T @ b).max()
        X = sp.csc_matrix(A) if sparse else np.asfortranarray(A)
        res = sw.solve(sw.LeastSquares(X, b, l1=lam), tol=1e-10)
        assert res.success
        assert lasso_kkt(A, b, res.x, lam) <= 1e-9
        ref = skl.Lasso(alpha=lam / 80, fit_intercept=False, tol=1e-12, max_iter=100000).fit(A, b).coef_
        value = lambda w: 0.5 * ((b - A @ w) ** 2).sum() + lam * np.abs(w).sum()
        assert_not_worse(value(res.x), value(ref))
        assert res.working_set_size < 300

    def test_focused_passes_keep_the_lasso_solution(self, rng):
        # Wide and sparse: the passes focus on a few hundred of 5,000 features; the solution must
        # satisfy the KKT conditions on all of them and be no worse than scikit-learn's.
        m, p = 200, 5000
        X = sp.random(m, p, density=0.01, format="csc", random_state=np.random.RandomState(3))
        b = rng.standard_normal(m)
        lam = 0.2 * np.abs(X.T @ b).max()
        res = sw.solve(sw.LeastSquares(X, b, l1=lam), tol=1e-10, screening=False)
        assert res.success and res.focused > 0
        assert lasso_kkt(X, b, res.x, lam) <= 1e-9
        ref = skl.Lasso(alpha=lam / m, fit_intercept=False, tol=1e-12, max_iter=100000).fit(X, b).coef_
        value = lambda w: 0.5 * ((b - X @ w) ** 2).sum() + lam * np.abs(w).sum()
        assert_not_worse(value(res.x), value(ref))
        assert sw.solve(sw.LeastSquares(X, b, l1=lam), tol=1e-10, screening=False, focus_fraction=0).focused == 0

    def test_l1_logistic_matches_liblinear(self):
        X, y = make_classification(300, 80, n_informative=10, random_state=1)
        signs = np.where(y == 1, 1.0, -1.0)
        lam = 2.0
        res = sw.solve(sw.Logistic(X, signs, l1=lam), tol=1e-10)
        ref = skl.LogisticRegression(penalty="l1", C=1 / lam, solver="liblinear", fit_intercept=False,
                                     tol=1e-8, max_iter=1000).fit(X, y).coef_[0]
        value = lambda w: np.logaddexp(0, -signs * (X @ w)).sum() + lam * np.abs(w).sum()
        assert_not_worse(value(res.x), value(ref))

    def test_multinomial_l1_matches_saga(self):
        X, y = make_classification(200, 30, n_informative=8, n_classes=3, random_state=2)
        lam = 1.5
        res = sw.solve(sw.Softmax(X, y, l1=lam), tol=1e-10)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ref = skl.LogisticRegression(penalty="l1", C=1 / lam, solver="saga", fit_intercept=False, tol=1e-10,
                                         max_iter=20000).fit(X, y).coef_.T

        def value(W):
            Z = X @ W
            return (np.logaddexp.reduce(Z, axis=1) - Z[np.arange(len(y)), y]).sum() + lam * np.abs(W).sum()

        assert_not_worse(value(res.x), value(ref))

    @pytest.mark.parametrize("weighted", [False, True])
    def test_l2_logistic_by_dual_coordinate_descent_matches_sklearn(self, rng, weighted):
        # Wide and sparse (LIBLINEAR -s 7's home ground): "auto" picks the dual; the solution must
        # agree with scikit-learn's lbfgs (C = 1 / l2) and with the working sets.
        X = sp.random(150, 2000, density=0.02, format="csc", random_state=np.random.RandomState(5))
        y = (X @ rng.standard_normal(2000) + 0.3 * rng.standard_normal(150) > 0).astype(int)
        signs = np.where(y == 1, 1.0, -1.0)
        weights = np.arange(150) % 3 * 1.0 if weighted else None
        l2 = 0.05
        res = sw.solve(sw.Logistic(X, signs, l2=l2), tol=1e-10, sample_weight=weights)
        assert res.success and res.dual and res.selection == "random permutation"
        ref = skl.LogisticRegression(C=1 / l2, fit_intercept=False, tol=1e-12, max_iter=100000).fit(
            X, y, sample_weight=weights).coef_[0]
        s = np.ones(150) if weights is None else weights
        value = lambda w: (s * np.logaddexp(0, -signs * (X @ w))).sum() + l2 / 2 * (w ** 2).sum()
        assert_not_worse(value(res.x), value(ref))
        np.testing.assert_allclose(res.x, ref, atol=1e-4 * np.abs(ref).max())  # lbfgs stops near, not at, the optimum
        primal = sw.solve(sw.Logistic(X, signs, l2=l2), tol=1e-10, sample_weight=weights, dual=False)
        assert not primal.dual
        np.testing.assert_allclose(res.x, primal.x, atol=1e-7 * np.abs(ref).max())

    @pytest.mark.parametrize("seed", [0, 1, 2])
    def test_l2_logistic_takes_fewer_newton_steps_than_unit_length_newton(self, seed):
        # Tall, weakly regularised, well separated (a9a's shape): from x = 0 the logistic's
        # curvature falls as the margins grow, so Newton's unit step undershoots and exact Newton
        # with Armijo backtracking (counted here in numpy) needs 9 steps to the KKT tolerance.
        # The solver extends full steps along the Newton direction, and must need at least two
        # fewer; its solution must be as good as scikit-learn's.
        rng = np.random.default_rng(seed)
        m, p, l2, tol = 3000, 30, 1e-2, 1e-8
        X = rng.standard_normal((m, p))
        signs = np.where(X @ (5 * rng.standard_normal(p) / np.sqrt(p)) + rng.standard_normal(m) > 0, 1.0, -1.0)
        value = lambda w: np.logaddexp(0, -signs * (X @ w)).sum() + l2 / 2 * w @ w

        def gradient(w):
            return -(X.T @ (signs * sp_expit(-signs * (X @ w)))) + l2 * w

        w, unit_steps, reference = np.zeros(p), 0, np.abs(gradient(np.zeros(p))).max()
        while np.abs(gradient(w)).max() > tol * reference:
            sigma = sp_expit(signs * (X @ w))
            hessian = X.T @ (X * (sigma * (1 - sigma))[:, None]) + l2 * np.eye(p)
            g = gradient(w)
            d, t = -np.linalg.solve(hessian, g), 1.0
            while value(w + t * d) > value(w) + 0.01 * t * g @ d:
                t /= 2
            w, unit_steps = w + t * d, unit_steps + 1
        assert unit_steps >= 8
        res = sw.solve(sw.Logistic(np.asfortranarray(X), signs, l2=l2), tol=tol)
        assert res.success and not res.dual
        assert res.newton_steps <= unit_steps - 2
        assert np.abs(gradient(res.x)).max() <= 10 * tol * reference
        ref = skl.LogisticRegression(C=1 / l2, fit_intercept=False, tol=1e-12, max_iter=10000).fit(X, signs).coef_[0]
        assert_not_worse(value(res.x), value(ref))

    def test_dual_is_refused_where_it_does_not_apply(self, rng):
        X = sp.random(30, 100, density=0.1, format="csc", random_state=np.random.RandomState(6))
        signs = np.where(rng.standard_normal(30) > 0, 1.0, -1.0)
        for problem in [sw.Logistic(X, signs, l1=0.1, l2=1.0), sw.Logistic(X, signs, l2=1.0, fit_intercept=True),
                        sw.LeastSquares(X, signs, l2=1.0)]:
            with pytest.raises(ValueError, match="dual solver takes binary logistic"):
                sw.solve(problem, dual=True)
        for bad in ["yes", 1, None]:
            with pytest.raises(ValueError, match="dual must be"):
                sw.solve(sw.Logistic(X, signs, l2=1.0), dual=bad)
        # The working sets serve what the dual does not: "auto" falls back silently.
        assert not sw.solve(sw.Logistic(X, signs, l1=0.1, l2=1.0)).dual

    @pytest.mark.parametrize("fraction", [0.01, 0.001])
    def test_automatic_dual_keeps_a_solve_the_dual_finishes_quickly(self, fraction):
        # Real text data (rcv1_small, 1,000 x 47,117): the primal violation is not monotone from
        # one dual epoch to the next, and a rate measured over a single epoch once predicted a
        # hundred more epochs for a solve that the dual alone finishes in about 20; "auto" then
        # handed it to the working sets at 1.5-1.8x the time.
        from conftest import libsvm_dataset
        X, y = libsvm_dataset("rcv1_small")
        l2 = fraction * np.abs(X.T @ y).max() / 2
        alone = sw.solve(sw.Logistic(X, y, l2=l2), tol=1e-6, dual=True)
        assert alone.success and alone.epochs <= 30
        auto = sw.solve(sw.Logistic(X, y, l2=l2), tol=1e-6)
        assert auto.success and auto.dual and auto.epochs == alone.epochs
        np.testing.assert_array_equal(auto.x, alone.x)
        # The optimum's stationarity, from the formula: l2 w = X' (y sigma(-y X w)).
        residual = X.T @ (y * sp_expit(-y * (X @ auto.x))) - l2 * auto.x
        assert np.abs(residual).max() <= 1e-5 * np.abs(X.T @ y).max() / 2

    def test_threads_do_not_change_the_result(self, rng):
        A = sp.random(4000, 500, density=0.05, random_state=3, format="csc")
        y = np.where(rng.standard_normal(4000) > 0, 1.0, -1.0)
        problem = sw.Logistic(A, y, l1=1.0)
        one = sw.solve(problem, tol=1e-8, threads=1).x
        two = sw.solve(problem, tol=1e-8, threads=2).x
        np.testing.assert_array_equal(one, two)

    def test_float32_stays_float32(self, rng):
        A = random_design(rng, 60, 40).astype(np.float32)
        res = sw.solve(sw.LeastSquares(np.asfortranarray(A), rng.standard_normal(60).astype(np.float32), l1=0.5),
                       tol=1e-5)
        assert res.x.dtype == np.float32 and res.success

    def test_refuses_what_it_cannot_solve(self, rng):
        A = random_design(rng, 20, 5)
        b = rng.standard_normal(20)
        with pytest.raises(ValueError, match="lower=0"):
            sw.solve(sw.LeastSquares(A, b, lower=-1.0))
        with pytest.raises(TypeError, match="LeastSquares, Logistic or Softmax"):
            sw.solve(sw.Quadratic(np.eye(3), np.ones(3)))
        problem = sw.LeastSquares(A, b, l1=0.1)
        for kwargs, match in [({"tol": -1.0}, "tol"), ({"max_iter": 0}, "max_iter"), ({"threads": 0}, "threads"),
                              ({"sample_weight": -np.ones(20)}, "sample_weight"),
                              ({"sample_weight": np.ones(19)}, "sample_weight"),
                              ({"penalty_factors": np.ones(4)}, "penalty_factors"),
                              ({"growth": 0.5}, "growth"), ({"inner_tolerance": 1.0}, "inner_tolerance"),
                              ({"focus_fraction": 1.0}, "focus_fraction"), ({"focus_fraction": -0.1}, "focus_fraction"),
                              ({"x0": np.ones(4)}, "x0"), ({"time_limit": 0.0}, "time_limit")]:
            with pytest.raises(ValueError, match=match):
                sw.solve(problem, **kwargs)

    def test_nonnegative_lasso(self, rng):
        A = random_design(rng, 50, 30)
        b = rng.standard_normal(50)
        res = sw.solve(sw.LeastSquares(A, b, l1=0.2, lower=0.0), tol=1e-10)
        ref = skl.Lasso(alpha=0.2 / 50, positive=True, fit_intercept=False, tol=1e-12, max_iter=100000).fit(A, b)
        assert res.x.min() >= 0
        value = lambda w: 0.5 * ((b - A @ w) ** 2).sum() + 0.2 * np.abs(w).sum()
        assert_not_worse(value(res.x), value(ref.coef_))

    @pytest.mark.parametrize("l2", [0.0, 5.0])
    def test_binary_columns_meet_kkt_and_beat_sklearn(self, rng, l2):
        # One-hot groups (a9a's shape) with values 1, 2.5 and -0.7 per column, columns that are
        # binary but for one stored zero or one other value, generic columns and an intercept:
        # the Gram products of the binary columns are counted from bits of their rows.
        m = 3000
        columns = []
        for value in [1.0, 2.5, -0.7]:
            group = rng.integers(0, 6, m)
            columns += [value * (group == k) for k in range(6)]
        dense_columns = np.column_stack(columns + [rng.standard_normal(m) * (rng.random(m) < 0.3) for _ in range(4)])
        almost = np.zeros((m, 2))
        almost[rng.random(m) < 0.4, 0] = 1.0
        almost[rng.random(m) < 0.4, 1] = 1.0
        almost[7, 1] = 3.0
        A = np.column_stack([dense_columns, almost])
        X = sp.csc_matrix(A)
        zero_slot = X.indptr[-3]  # column "almost 0" keeps a stored zero
        X.data[zero_slot] = 0.0
        A[X.indices[zero_slot], -2] = 0.0
        b = A @ rng.standard_normal(A.shape[1]) + rng.standard_normal(m) + 3.0
        centred = b - b.mean()
        lam_max = np.abs((A - A.mean(0)).T @ centred).max()
        for fraction in [0.1, 0.01, 0.001]:
            l1 = fraction * lam_max
            res = sw.solve(sw.LeastSquares(X, b, l1=l1, l2=l2, fit_intercept=True), tol=1e-11)
            assert res.success
            w, c = res.x[:-1], res.x[-1]
            r = b - A @ w - c
            g = -A.T @ r + l2 * w
            viol = np.where(w != 0, np.abs(g + l1 * np.sign(w)), np.maximum(np.abs(g) - l1, 0))
            assert max(viol.max(), abs(r.sum())) <= 1e-9 * np.abs(A.T @ centred).max(), fraction
            alpha, ratio = (l1 + l2) / m, l1 / (l1 + l2)
            ref = skl.ElasticNet(alpha=alpha, l1_ratio=ratio, tol=1e-12, max_iter=100000).fit(A, b)
            value = lambda w, c: 0.5 * ((b - A @ w - c) ** 2).sum() + l1 * np.abs(w).sum() + 0.5 * l2 * (w ** 2).sum()
            assert_not_worse(value(w, c), value(ref.coef_, ref.intercept_))
        # The KKT test cannot see a wrong product: the outer passes' exact gradients correct the
        # model's steps. The iterates can: the same matrix with a stored zero in every column has
        # no binary column, and its first outer iterations must land where the bits' do.
        coo = X.tocoo()
        empty = [np.setdiff1d(np.arange(m), X.indices[X.indptr[j]:X.indptr[j + 1]])[0] for j in range(A.shape[1])]
        X_plain = sp.csc_matrix((np.r_[coo.data, np.zeros(A.shape[1])],
                                 (np.r_[coo.row, empty], np.r_[coo.col, np.arange(A.shape[1])])), shape=A.shape)
        assert X_plain.nnz == X.nnz + A.shape[1] and (X_plain.toarray() == A).all()
        for iterations in [1, 2, 3]:
            runs = [sw.solve(sw.LeastSquares(Z, b, l1=0.01 * lam_max, l2=l2, fit_intercept=True), tol=1e-11,
                             max_iter=iterations).x for Z in (X, X_plain)]
            np.testing.assert_allclose(runs[0], runs[1], rtol=1e-9, atol=1e-12)


class TestSampleWeights:
    def test_lasso_and_elastic_net_match_sklearn_weighted_fits(self, rng):
        X, y = make_regression(120, 40, noise=2.0, random_state=4)
        w = rng.uniform(0.1, 3.0, 120)
        for ours, theirs in [(Lasso(alpha=0.5, tol=1e-10), skl.Lasso(alpha=0.5, tol=1e-12, max_iter=100000)),
                             (ElasticNet(alpha=0.3, l1_ratio=0.4, tol=1e-10),
                              skl.ElasticNet(alpha=0.3, l1_ratio=0.4, tol=1e-12, max_iter=100000))]:
            a = ours.fit(X, y, sample_weight=w)
            b = theirs.fit(X, y, sample_weight=w)
            np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-5, atol=1e-6)

    def test_ridge_matches_sklearn_weighted_fit(self, rng):
        X, y = make_regression(100, 20, noise=2.0, random_state=5)
        w = rng.uniform(0.0, 2.0, 100)
        a = Ridge(alpha=3.0, tol=1e-12).fit(X, y, sample_weight=w)
        b = skl.Ridge(alpha=3.0, solver="cholesky").fit(X, y, sample_weight=w)
        np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-8)

    @pytest.mark.parametrize("penalty,C", [("l2", 0.5), ("l1", 2.0)])
    def test_logistic_weights_equal_duplicated_rows(self, penalty, C):
        X, y = make_classification(150, 20, random_state=6)
        counts = np.arange(150) % 3  # 0, 1 or 2 copies of each row
        X_dup, y_dup = np.repeat(X, counts, axis=0), np.repeat(y, counts)
        a = LogisticRegression(penalty=penalty, C=C, tol=1e-11).fit(X, y, sample_weight=counts.astype(float))
        b = LogisticRegression(penalty=penalty, C=C, tol=1e-11).fit(X_dup, y_dup)
        np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-6, atol=1e-8)

    def test_multinomial_weights_match_sklearn(self, rng):
        X, y = make_classification(200, 10, n_informative=5, n_classes=3, random_state=7)
        w = rng.uniform(0.5, 2.0, 200)
        ours = LogisticRegression(C=0.7, tol=1e-11).fit(X, y, sample_weight=w)
        theirs = skl.LogisticRegression(C=0.7, tol=1e-12, max_iter=10000).fit(X, y, sample_weight=w)

        def value(model):
            Z = X @ model.coef_.T + model.intercept_
            loss = (np.logaddexp.reduce(Z, axis=1) - Z[np.arange(200), y]) @ w
            return 0.7 * loss + 0.5 * (model.coef_ ** 2).sum()

        assert_not_worse(value(ours), value(theirs))

    def test_bcd_solver_refuses_weights(self):
        X, y = make_regression(30, 5, random_state=8)
        with pytest.raises(ValueError, match="sample_weight"):
            Lasso(alpha=0.1, solver="bcd").fit(X, y, sample_weight=np.linspace(0.5, 1, 30))
        Lasso(alpha=0.1, solver="bcd").fit(X, y, sample_weight=np.ones(30))

    def test_bad_weights_are_refused(self):
        X, y = make_regression(30, 5, random_state=9)
        for weights in (-np.ones(30), np.ones(29), np.zeros(30), np.full(30, np.nan)):
            with pytest.raises(ValueError):
                Lasso(alpha=0.1).fit(X, y, sample_weight=weights)


class TestPaths:
    def test_lasso_path_matches_sklearn(self):
        X, y = make_regression(60, 200, n_informative=10, noise=1.0, random_state=10)
        X = np.asfortranarray(X)
        alphas, coefs, kkt = lasso_path(X, y, n_alphas=30, tol=1e-10)
        assert coefs.shape == (200, 30) and (np.diff(alphas) < 0).all()
        assert np.isclose(alphas[0], np.abs(X.T @ y).max() / 60)
        assert not coefs[:, 0].any() and coefs[:, -1].any()
        _, reference, _ = skl.lasso_path(X, y, alphas=alphas, tol=1e-12, max_iter=10 ** 6)
        for k, alpha in enumerate(alphas):
            value = lambda w: enet_objective(X, y, w, 0.0, alpha, 1.0)
            assert_not_worse(value(coefs[:, k]), value(reference[:, k]))
        assert kkt.max() <= 1e-10 * np.abs(X.T @ y).max() * 1.0001

    def test_strong_rule_does_not_change_the_path(self):
        X, y = make_regression(80, 300, n_informative=20, noise=5.0, random_state=11)
        X = sp.csc_matrix(X)
        _, with_rule, _ = enet_path(X, y, l1_ratio=0.8, n_alphas=25, tol=1e-10)
        _, without, _ = enet_path(X, y, l1_ratio=0.8, n_alphas=25, tol=1e-10, strong_rule=False)
        np.testing.assert_allclose(with_rule, without, rtol=1e-6, atol=1e-8)

    def test_enet_path_points_match_single_fits(self):
        X, y = make_regression(50, 30, noise=1.0, random_state=12)
        alphas, coefs, _ = enet_path(X, y, l1_ratio=0.3, alphas=[1.0, 0.1, 0.5], tol=1e-11)
        np.testing.assert_allclose(alphas, [1.0, 0.5, 0.1])
        for k, alpha in enumerate(alphas):
            single = ElasticNet(alpha=alpha, l1_ratio=0.3, fit_intercept=False, tol=1e-11).fit(X, y).coef_
            np.testing.assert_allclose(coefs[:, k], single, rtol=1e-6, atol=1e-9)

    @pytest.mark.parametrize("classes,penalty", [(2, "l1"), (2, "l2"), (3, "l1"), (3, "elasticnet")])
    def test_logistic_path_matches_single_fits(self, classes, penalty):
        X, y = make_classification(150, 12, n_informative=6, n_classes=classes, random_state=13)
        Cs = [10.0, 0.05, 1.0]
        coefs, got, n_iter = logistic_regression_path(X, y, Cs=Cs, penalty=penalty, l1_ratio=0.5, tol=1e-10)
        np.testing.assert_array_equal(got, Cs)
        assert coefs.shape == ((3, 13) if classes == 2 else (3, classes, 13))
        for k, C in enumerate(Cs):
            single = LogisticRegression(penalty=penalty, C=C, l1_ratio=0.5, tol=1e-10).fit(X, y)
            if classes == 2:
                want = np.hstack([single.coef_[0], single.intercept_])
                np.testing.assert_allclose(coefs[k], want, rtol=1e-5, atol=1e-7)
            else:  # the free intercepts make the multinomial optimum non-unique: compare values
                point = logistic_objective(X, y, coefs[k][:, :-1], coefs[k][:, -1], C, penalty, 0.5)
                fit = logistic_objective(X, y, single.coef_, single.intercept_, C, penalty, 0.5)
                assert abs(point - fit) <= 1e-9 * abs(fit)

    def test_path_arguments_are_checked(self):
        X, y = make_regression(20, 5, random_state=14)
        with pytest.raises(ValueError, match="eps"):
            lasso_path(X, y, eps=0.0)
        with pytest.raises(ValueError, match="n_alphas"):
            lasso_path(X, y, n_alphas=0)
        with pytest.raises(ValueError, match="alphas"):
            lasso_path(X, y, alphas=[1.0, -1.0])
        with pytest.raises(ValueError, match="l1_ratio"):
            enet_path(X, y, l1_ratio=0.0)
        with pytest.raises(ValueError, match="Cs"):
            logistic_regression_path(X, y > 0, Cs=[0.0])
        with pytest.raises(ValueError, match="penalty"):
            logistic_regression_path(X, y > 0, penalty="l3")
