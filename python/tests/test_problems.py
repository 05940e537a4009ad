"""The low-level API: objective and gradient against formulas and finite differences; solutions
against closed forms and scipy; layouts, dtypes and zero-copy; result fields and statuses."""
import numpy as np
import pytest
import scipy.optimize
import scipy.sparse as sp

import southwell as sw
from conftest import random_design


def logistic_objective(A, y, x, l1=0.0, l2=0.0):
    return np.logaddexp(0, -y * (A @ x)).sum() + l1 * np.abs(x).sum() + 0.5 * l2 * x @ x


def softmax_objective(A, y, X, l2=0.0):
    Z = A @ X
    return (np.logaddexp.reduce(Z, axis=1) - Z[np.arange(len(y)), y]).sum() + 0.5 * l2 * (X ** 2).sum()


def finite_difference_gradient(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


class TestValueAndGradient:
    def test_least_squares_matches_the_formula(self, rng):
        A, b = random_design(rng, 30, 8), rng.standard_normal(30)
        x = rng.standard_normal(8)
        p = sw.LeastSquares(A, b, l1=0.3, l2=0.7)
        expected = 0.5 * np.sum((A @ x - b) ** 2) + 0.3 * np.abs(x).sum() + 0.35 * x @ x
        assert p.value(x) == pytest.approx(expected, rel=1e-12)
        np.testing.assert_allclose(p.gradient(x), A.T @ (A @ x - b) + 0.7 * x, rtol=1e-10, atol=1e-10)

    def test_logistic_gradient_matches_finite_differences(self, rng):
        A = random_design(rng, 40, 6)
        y = np.where(rng.random(40) < 0.5, -1.0, 1.0)
        x = 0.3 * rng.standard_normal(6)
        p = sw.Logistic(A, y, l2=0.5)
        assert p.value(x) == pytest.approx(logistic_objective(A, y, x, l2=0.5), rel=1e-12)
        fd = finite_difference_gradient(lambda v: logistic_objective(A, y, v, l2=0.5), x)
        np.testing.assert_allclose(p.gradient(x), fd, rtol=1e-6, atol=1e-6)

    def test_zero_one_labels_equal_signed_labels(self, rng):
        A = random_design(rng, 20, 4)
        y01 = (rng.random(20) < 0.5).astype(float)
        x = rng.standard_normal(4)
        assert sw.Logistic(A, y01).value(x) == sw.Logistic(A, 2 * y01 - 1).value(x)

    def test_softmax_takes_and_returns_p_by_k(self, rng):
        A = random_design(rng, 25, 5)
        y = rng.integers(0, 3, 25)
        X = 0.2 * rng.standard_normal((5, 3))
        p = sw.Softmax(A, y, l2=0.1)
        assert p.shape == (5, 3)
        assert p.value(X) == pytest.approx(softmax_objective(A, y, X, l2=0.1), rel=1e-12)
        fd = finite_difference_gradient(lambda V: softmax_objective(A, y, V, l2=0.1), X)
        np.testing.assert_allclose(p.gradient(X), fd, rtol=1e-6, atol=1e-6)

    def test_value_is_infinite_outside_the_bounds(self, rng):
        p = sw.LeastSquares(random_design(rng, 10, 3), rng.standard_normal(10), lower=0.0)
        assert p.value(np.array([1.0, -1.0, 0.0])) == np.inf

    def test_quadratic(self, rng):
        Q = sp.random(20, 20, density=0.2, random_state=1)
        Q = (Q + Q.T + 20 * sp.identity(20)).tocsc()
        c, x = rng.standard_normal(20), rng.standard_normal(20)
        p = sw.Quadratic(Q, c)
        assert p.value(x) == pytest.approx(0.5 * x @ (Q @ x) - c @ x, rel=1e-12)
        np.testing.assert_allclose(p.gradient(x), Q @ x - c, rtol=1e-10, atol=1e-10)


class TestSolutions:
    def test_least_squares_reaches_the_normal_equations_solution(self, rng):
        A, b = random_design(rng, 60, 12), rng.standard_normal(60)
        res = sw.minimize(sw.LeastSquares(A, b, l2=0.1), max_iter=100000, tol=1e-12)
        expected = np.linalg.solve(A.T @ A + 0.1 * np.eye(12), A.T @ b)
        assert res.status == "converged"
        np.testing.assert_allclose(res.x, expected, rtol=1e-8, atol=1e-9)

    @pytest.mark.parametrize("selection,update", [("gsl", "gradient"), ("gs-q", "prox-newton"),
                                                  ("random", "prox-gradient"), ("gsl-q", "two-metric")])
    def test_nonnegative_lasso_matches_scipy(self, rng, selection, update):
        A, b = random_design(rng, 40, 10), rng.standard_normal(40)
        l1 = 0.2 * np.abs(A.T @ b).max()
        res = sw.minimize(sw.LeastSquares(A, b, l1=l1, lower=0.0), selection=selection, update=update,
                          max_iter=200000, tol=1e-12)
        reference = scipy.optimize.minimize(
            lambda x: 0.5 * np.sum((A @ x - b) ** 2) + l1 * x.sum(), np.zeros(10),
            jac=lambda x: A.T @ (A @ x - b) + l1, bounds=[(0, None)] * 10, method="L-BFGS-B",
            options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000})
        assert res.status == "converged"
        assert res.fun <= reference.fun + 1e-9 * abs(reference.fun)
        assert res.support_identified_at is not None
        assert (res.x >= 0).all()

    def test_box_constraints_hold_and_match_scipy(self, rng):
        A, b = random_design(rng, 30, 6), 3 * rng.standard_normal(30)
        lower, upper = np.full(6, -0.5), np.array([0.5, 1, 1, 2, 0.1, 0.3])
        res = sw.minimize(sw.LeastSquares(A, b, lower=lower, upper=upper), max_iter=100000, tol=1e-12)
        reference = scipy.optimize.lsq_linear(A, b, bounds=(lower, upper), tol=1e-14)
        assert (res.x >= lower).all() and (res.x <= upper).all()
        assert res.fun == pytest.approx(0.5 * np.sum(reference.fun ** 2), rel=1e-9)

    def test_logistic_stationary_with_intercept(self, rng):
        A = random_design(rng, 80, 5)
        y = np.where(A[:, 0] + rng.standard_normal(80) > 0.5, 1.0, -1.0)
        p = sw.Logistic(A, y, l2=0.3, fit_intercept=True)
        res = sw.minimize(p, update="newton", max_iter=100000, tol=1e-12)
        w, c = res.x[:5], res.x[5]
        u = -y / (1 + np.exp(y * (A @ w + c)))
        assert abs(u.sum()) < 1e-8  # the intercept is not penalised
        np.testing.assert_allclose(A.T @ u + 0.3 * w, 0, atol=1e-8)

    def test_quadratic_forest_rules_match_a_sparse_solve(self, rng):
        n = 100  # a path graph plus chords: not a forest
        Q = sp.diags([np.full(n - 1, -1.0), np.full(n, 4.0), np.full(n - 1, -1.0)], [-1, 0, 1]).tolil()
        for i in range(0, n - 10, 7):
            Q[i, i + 10] = Q[i + 10, i] = -0.5
        Q = Q.tocsc()
        c = rng.standard_normal(n)
        res = sw.minimize(sw.Quadratic(Q, c), selection="cyclic", partition="tree-partition", update="exact",
                          max_iter=10000, tol=1e-12)
        np.testing.assert_allclose(res.x, sp.linalg.spsolve(Q, c), rtol=1e-9, atol=1e-10)


class TestLayoutsAndDtypes:
    def test_csc_and_fortran_arrays_are_used_in_place(self, rng):
        A = random_design(rng, 20, 5)
        F = np.asfortranarray(A)
        assert sw.LeastSquares(F, np.ones(20))._data_address() == F.ctypes.data
        S = sp.csc_matrix(A)
        assert sw.Logistic(S, np.ones(20))._data_address() == S.data.ctypes.data
        S64 = sp.csc_matrix((S.data, S.indices.astype(np.int64), S.indptr.astype(np.int64)), shape=S.shape)
        assert sw.LeastSquares(S64, np.ones(20))._data_address() == S64.data.ctypes.data
        F32 = np.asfortranarray(A, dtype=np.float32)
        assert sw.Softmax(F32, np.arange(20) % 3)._data_address() == F32.ctypes.data

    def test_other_layouts_are_converted_and_agree(self, rng):
        A, b = random_design(rng, 30, 6), rng.standard_normal(30)
        C = np.ascontiguousarray(A)
        assert sw.LeastSquares(C, b)._data_address() != C.ctypes.data  # a converted copy
        reference = sw.minimize(sw.LeastSquares(np.asfortranarray(A), b), max_iter=50000, tol=1e-12).x
        for layout in (C, sp.csr_matrix(A), sp.coo_matrix(A), A.tolist()):
            x = sw.minimize(sw.LeastSquares(layout, b), max_iter=50000, tol=1e-12).x
            np.testing.assert_allclose(x, reference, rtol=1e-8, atol=1e-10)
        integers = rng.integers(-3, 4, (30, 6))
        p = sw.LeastSquares(integers, b)
        assert p.dtype == np.float64
        assert p.value(np.ones(6)) == pytest.approx(0.5 * np.sum((integers.sum(axis=1) - b) ** 2))

    def test_unsorted_csc_indices_are_sorted_on_a_copy(self, rng):
        S = sp.csc_matrix(random_design(rng, 10, 3))
        data, indices = S.data.copy(), S.indices.copy()
        data[[0, 1]], indices[[0, 1]] = data[[1, 0]], indices[[1, 0]]
        shuffled = sp.csc_matrix((data, indices, S.indptr), shape=S.shape)
        b = rng.standard_normal(10)
        x = np.ones(3)
        assert sw.LeastSquares(shuffled, b).value(x) == pytest.approx(sw.LeastSquares(S, b).value(x))
        np.testing.assert_array_equal(shuffled.indices, indices)  # the caller's matrix is untouched

    @pytest.mark.parametrize("sparse", [False, True])
    def test_float32_stays_float32(self, rng, sparse):
        A = random_design(rng, 50, 8).astype(np.float32)
        A = sp.csc_matrix(A) if sparse else np.asfortranarray(A)
        b = rng.standard_normal(50)
        p = sw.LeastSquares(A, b, l1=0.1, fit_intercept=True)
        assert p.dtype == np.float32
        res = sw.minimize(p, max_iter=100000, tol=1e-5)
        assert res.x.dtype == np.float32
        assert p.gradient(res.x).dtype == np.float32
        assert res.status == "converged"
        reference = sw.minimize(sw.LeastSquares(A.astype(np.float64), b, l1=0.1, fit_intercept=True),
                                max_iter=100000, tol=1e-10)
        assert res.fun == pytest.approx(reference.fun, rel=1e-5)


class TestResult:
    def test_fields_history_and_report(self, rng):
        A, b = random_design(rng, 30, 10), rng.standard_normal(30)
        p = sw.LeastSquares(A, b)
        res = sw.minimize(p, record_history=True, max_iter=20, tol=0.0)
        assert res.status == "max_iter" and not res.success and res.n_iter == 20
        assert res.history.shape == (21,)
        assert res.history[0] == pytest.approx(p.value(np.zeros(10)))
        assert res.history[-1] == pytest.approx(res.fun)
        assert np.all(np.diff(res.history) <= 1e-12 * abs(res.history[0]))
        assert res.support_identified_at is None  # no l1 or bounds
        text = str(res)
        assert "max-iterations" in text or "max_iter" in text
        assert "selection=gsl" in text

    def test_time_limit(self, rng):
        A, b = random_design(rng, 300, 300), rng.standard_normal(300)
        res = sw.minimize(sw.LeastSquares(A, b), selection="random", block_size=1, max_iter=10 ** 9, tol=0.0,
                          time_limit=0.2)
        assert res.status == "time_limit"
        assert res.seconds < 2.0

    def test_callback_sees_iterates_and_can_stop(self, rng):
        A, b = random_design(rng, 30, 10), rng.standard_normal(30)
        p = sw.LeastSquares(A, b)
        seen = []

        def callback(iteration, x, objective):
            assert not x.flags.writeable and x.shape == (10,)
            assert objective == pytest.approx(p.value(x), rel=1e-9)
            seen.append((iteration, x.copy()))
            return iteration >= 6

        res = sw.minimize(p, callback=callback, callback_every=3, tol=0.0)
        assert res.status == "callback"
        assert [k for k, _ in seen] == [3, 6]
        np.testing.assert_array_equal(seen[-1][1], res.x)

    def test_callback_exception_propagates(self, rng):
        p = sw.LeastSquares(random_design(rng, 10, 6), rng.standard_normal(10))

        def callback(iteration, x, objective):
            raise RuntimeError("from the callback")

        with pytest.raises(RuntimeError, match="from the callback"):
            sw.minimize(p, callback=callback)
        assert sw.minimize(p, max_iter=100000).status == "converged"  # still usable

    def test_verbose_prints_progress(self, rng, capsys):
        sw.minimize(sw.LeastSquares(random_design(rng, 20, 8), rng.standard_normal(20)), verbose=1, tol=1e-10,
                    max_iter=10000)
        out = capsys.readouterr().out
        assert "iter" in out and "|g|_inf" in out and "converged" in out

    def test_warm_start_from_the_solution_converges_at_once(self, rng):
        p = sw.LeastSquares(random_design(rng, 40, 10), rng.standard_normal(40), l1=0.5)
        first = sw.minimize(p, max_iter=100000, tol=1e-10)
        again = sw.minimize(p, x0=first.x, max_iter=100000, tol=1e-6)
        assert again.n_iter <= 10
