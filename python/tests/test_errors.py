"""Every bad input raises ValueError or TypeError with a clear message, never a crash."""
import numpy as np
import pytest
import scipy.sparse as sp

import southwell as sw
from southwell.linear_model import ElasticNet, Lasso, LogisticRegression, Ridge
from southwell.semi_supervised import LabelPropagation

A = np.arange(1.0, 13.0).reshape(4, 3) % 5 + 1
b = np.array([1.0, -2.0, 0.5, 3.0])
y = np.array([1.0, -1.0, 1.0, -1.0])


def with_value(array, index, value):
    out = np.array(array, dtype=float)
    out[index] = value
    return out


@pytest.mark.parametrize("make,match", [
    (lambda: sw.LeastSquares(with_value(A, (1, 2), np.nan), b), "not finite|non-finite"),
    (lambda: sw.LeastSquares(sp.csc_matrix(with_value(A, (0, 0), np.inf)), b), "not finite"),
    (lambda: sw.LeastSquares(A, with_value(b, 2, np.inf)), "NaN or infinity"),
    (lambda: sw.Logistic(A, with_value(y, 0, np.nan)), "NaN or infinity"),
    (lambda: sw.LeastSquares(A, b[:3]), "3 entries, expected 4"),
    (lambda: sw.Softmax(A, [0, 1, 1]), "rows but there are 3"),
    (lambda: sw.LeastSquares(np.zeros((0, 3)), np.zeros(0)), "empty"),
    (lambda: sw.LeastSquares(A[0], b), "2-D"),
    (lambda: sw.Logistic(A, [0, 1, 2, 1]), "labels must be in"),
    (lambda: sw.Softmax(A, [0, 1, -1, 1]), ">= 0"),
    (lambda: sw.Softmax(A, [0.0, 1.5, 1.0, 0.0]), "integers"),
    (lambda: sw.Softmax(A, [0, 0, 0, 0]), "at least 2 classes"),
    (lambda: sw.LeastSquares(A, b, l1=-1.0), "l1 must be finite and >= 0"),
    (lambda: sw.LeastSquares(A, b, l2=np.nan), "l2 must be finite and >= 0"),
    (lambda: sw.LeastSquares(A, b, lower=1.0, upper=0.0), "lower > upper"),
    (lambda: sw.LeastSquares(A, b, lower=[0.0, 1.0]), "does not broadcast"),
    (lambda: sw.Quadratic(sp.csc_matrix(np.ones((2, 3))), np.ones(2)), "square"),
    (lambda: sw.Quadratic(sp.csc_matrix(np.array([[2.0, 1.0], [0.0, 2.0]])), np.ones(2)), "symmetric"),
    (lambda: sw.Quadratic(sp.csc_matrix(np.array([[0.0, 1.0], [1.0, 2.0]])), np.ones(2)), "positive"),
])
def test_bad_problem_data_raises_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("make,match", [
    (lambda: sw.LeastSquares(A.astype(complex), b), "complex"),
    (lambda: sw.LeastSquares(np.array([["a", "b"], ["c", "d"]], dtype=object), [1.0, 2.0]), "numeric"),
    (lambda: sw.LeastSquares(A, b, l1="big"), "real number"),
    (lambda: sw.Softmax(A, ["a", "b", "a", "b"]), "integers"),
])
def test_bad_problem_types_raise_type_error(make, match):
    with pytest.raises(TypeError, match=match):
        make()


problem = sw.LeastSquares(A, b)


@pytest.mark.parametrize("kwargs,match", [
    (dict(block_size=0), "block_size must be >= 1"),
    (dict(block_size=4), "block_size must be <="),
    (dict(selection="gauss"), "unknown selection 'gauss'; valid names: cyclic"),
    (dict(partition="blocks"), "unknown partition"),
    (dict(update="fast"), "unknown update"),
    (dict(partition="tree-partition", update="exact"), "quadratic|graph"),
    (dict(selection="gsq", block_size=2), None),  # valid: the smooth problem takes any rule
    (dict(tol=-1.0), "tol must be"),
    (dict(max_iter=-5), "max_iter must be >= 0"),
    (dict(time_limit=0), "time_limit must be"),
    (dict(x0=np.ones(5)), "x0 has shape"),
    (dict(x0=[np.nan, 0.0, 0.0]), "x0 contains NaN"),
    (dict(relaxation=2.5), "relaxation"),
    (dict(certificate="dual"), "certificate"),
])
def test_bad_solver_options_raise_value_error(kwargs, match):
    kwargs = {"block_size": 2, **kwargs}
    if match is None:
        sw.minimize(problem, **kwargs)
        return
    with pytest.raises(ValueError, match=match):
        sw.minimize(problem, **kwargs)


def test_malformed_csc_is_refused_not_read_out_of_bounds():
    bad = sp.csc_matrix((np.array([1.0, 2.0]), np.array([0, 7]), np.array([0, 1, 2])), shape=(3, 2))
    with pytest.raises(ValueError, match="row index 7 in column 1 is outside"):
        sw.LeastSquares(bad, np.ones(3))


def test_invalid_rule_combinations():
    with pytest.raises(ValueError, match="ignores l1 and bounds"):
        sw.minimize(sw.LeastSquares(A, b, l1=0.1), selection="gsq", block_size=2)
    with pytest.raises(ValueError, match="prox-gradient, prox-newton or two-metric"):
        sw.minimize(sw.LeastSquares(A, b, lower=0.0), update="matrix", block_size=2)
    with pytest.raises(ValueError, match="gap"):
        sw.minimize(sw.LeastSquares(A, b, l1=0.1, lower=0.0), certificate="gap", block_size=2)


def test_bad_callback_types():
    with pytest.raises(TypeError, match="callable"):
        sw.minimize(problem, callback=3, block_size=2)
    with pytest.raises(TypeError, match="problem must be"):
        sw.minimize("problem")
    with pytest.raises(TypeError, match="block_size must be an integer"):
        sw.minimize(problem, block_size=2.5)


@pytest.mark.parametrize("estimator,match", [
    (Ridge(alpha=-1.0), "alpha must be >= 0"),
    (Lasso(alpha=-0.1), "alpha must be >= 0"),
    (ElasticNet(l1_ratio=1.5), "l1_ratio must be in"),
    (Lasso(block_size=0), "block_size must be an integer >= 1"),
    (Lasso(selection="nope", solver="bcd"), "unknown selection"),
    (Lasso(partition="red-black", update="exact", solver="bcd"), "quadratic|graph|prox"),
    (Lasso(solver="newton"), "solver must be one of"),
    (LogisticRegression(n_threads=0), "n_threads must be an integer >= 1"),
    (Ridge(max_iter=0), "max_iter"),
    (LogisticRegression(C=0.0), "C must be"),
    (LogisticRegression(penalty="l3"), "penalty must be"),
    (LogisticRegression(penalty="elasticnet"), "l1_ratio"),
    (LogisticRegression(multi_class="ovr"), "multi_class"),
])
def test_bad_estimator_parameters(estimator, match):
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(ValueError, match=match):
        estimator.fit(X, [0, 1, 1, 0])


def test_classifier_data_errors():
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="1 class"):
        LogisticRegression().fit(X, [1, 1, 1])
    with pytest.raises(ValueError, match="Unknown label type"):
        LogisticRegression().fit(X, [0.5, 1.5, 2.25])
    with pytest.raises(ValueError, match="NaN|infinity"):
        LogisticRegression().fit(with_value(X, (0, 0), np.nan), [0, 1, 1])
    with pytest.raises(ValueError, match="complex|Complex"):
        Ridge().fit(X.astype(complex), [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="no labelled sample"):
        LabelPropagation().fit(X, [-1, -1, -1])
    with pytest.raises(ValueError, match="kernel"):
        LabelPropagation(kernel="linear").fit(X, [0, 1, -1])
    with pytest.raises(ValueError, match="square"):
        LabelPropagation(kernel="precomputed").fit(X, [0, 1, -1])
    with pytest.raises(ValueError, match="component"):
        W = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0.0]]))
        LabelPropagation(kernel="precomputed", unlabelled_components="refuse").fit(W, [0, 1, -1])
