"""The rows of docs/status_and_errors.md that no other test file covers: what x holds for each
status, from both solvers and from the estimators."""
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import southwell as sw
from conftest import random_design
from southwell.linear_model import Lasso


@pytest.fixture
def problem(rng):
    A = random_design(rng, 60, 30)
    return sw.LeastSquares(A, rng.standard_normal(60), l1=0.05)


def solvers():
    return {
        "minimize": lambda p, **kw: sw.minimize(p, selection="gs-q", update="prox-newton", block_size=2, **kw),
        "solve": lambda p, **kw: sw.solve(p, **kw),
    }


def check_x_is_a_consistent_iterate(problem, result):
    """x is finite, fun is F(x) recomputed from scratch, and no worse than F(0)."""
    assert np.all(np.isfinite(result.x))
    assert result.fun == pytest.approx(problem.value(result.x), rel=1e-12, abs=1e-12)
    assert result.fun <= problem.value(np.zeros(problem.size)) + 1e-12


@pytest.mark.parametrize("solver", ["minimize", "solve"])
def test_converged_means_the_kkt_test_holds(problem, solver):
    result = solvers()[solver](problem, tol=1e-8, max_iter=100000)
    assert result.status == "converged" and result.success
    check_x_is_a_consistent_iterate(problem, result)
    # KKT of the lasso: |g_j| <= l1 where x_j = 0, g_j = -l1 sign(x_j) elsewhere (tolerance relative).
    g = problem.gradient(result.x)
    scale = np.abs(problem.gradient(np.zeros(problem.size))).max()
    on = result.x != 0
    assert np.all(np.abs(g[~on]) <= 0.05 + 1e-6 * scale)
    assert np.allclose(g[on], -0.05 * np.sign(result.x[on]), atol=1e-6 * scale)


@pytest.mark.parametrize("solver", ["minimize", "solve"])
def test_max_iter_leaves_the_last_iterate(problem, solver):
    result = solvers()[solver](problem, tol=0.0, max_iter=2)
    assert result.status == "max_iter" and not result.success
    assert result.n_iter == 2
    check_x_is_a_consistent_iterate(problem, result)


@pytest.mark.parametrize("solver", ["minimize", "solve"])
def test_time_limit_leaves_the_last_iterate(problem, solver):
    result = solvers()[solver](problem, tol=0.0, max_iter=10 ** 9, time_limit=1e-9)
    assert result.status == "time_limit"
    check_x_is_a_consistent_iterate(problem, result)


@pytest.mark.parametrize("solver", ["minimize", "solve"])
def test_callback_stop_leaves_the_iterate_the_callback_saw(problem, solver):
    seen = []

    def callback(iteration, x, objective):
        seen.append((np.array(x), objective))
        return len(seen) == 2

    result = solvers()[solver](problem, tol=0.0, max_iter=10 ** 6, callback=callback)
    assert result.status == "callback"
    np.testing.assert_array_equal(result.x, seen[-1][0])
    assert result.fun == pytest.approx(seen[-1][1], rel=1e-12)
    check_x_is_a_consistent_iterate(problem, result)


@pytest.mark.parametrize("solver", ["minimize", "solve"])
def test_numerical_failure_keeps_the_start(solver):
    """F(0) overflows (0.5 * 1e200^2): the solve reports it instead of iterating on infinities."""
    p = sw.LeastSquares(np.eye(3), np.full(3, 1e200), l1=0.1)
    result = solvers()[solver](p, max_iter=100)
    assert result.status == "numerical_failure"
    np.testing.assert_array_equal(result.x, np.zeros(3))


@pytest.mark.parametrize("solver", ["minimize", "solve"])
def test_callback_exception_propagates_and_the_problem_stays_usable(problem, solver):
    def callback(iteration, x, objective):
        raise KeyError("from the callback")

    with pytest.raises(KeyError, match="from the callback"):
        solvers()[solver](problem, callback=callback)
    assert solvers()[solver](problem, tol=1e-6, max_iter=100000).status == "converged"


def test_estimator_not_converged_warns_and_keeps_the_last_iterate(rng):
    A = random_design(rng, 60, 30)
    b = rng.standard_normal(60)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        model = Lasso(alpha=0.01, max_iter=1, tol=1e-12).fit(A, b)
    assert np.all(np.isfinite(model.coef_))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        converged = Lasso(alpha=0.01, tol=1e-8).fit(A, b)
    assert not np.array_equal(model.coef_, converged.coef_)


def test_invalid_argument_is_value_error_before_any_iteration(problem):
    calls = []
    with pytest.raises(ValueError, match="block_size"):
        sw.minimize(problem, block_size=0, callback=lambda *a: calls.append(1))
    assert calls == []


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError, match="real number"):
        sw.LeastSquares(np.eye(2), [1.0, 1.0], l1="big")
