"""The scikit-learn estimators: check_estimator, and objectives within 1e-7 of scikit-learn's
optima (computed here from the definitions) on generated data and on the shared LIBSVM
datasets when present."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as skl
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import check_estimator

from conftest import libsvm_dataset
from southwell.linear_model import ElasticNet, Lasso, LogisticRegression, Ridge
from southwell.semi_supervised import LabelPropagation

RELATIVE = 1e-7


def enet_objective(X, y, coef, intercept, alpha, l1_ratio):
    r = y - X @ coef - intercept
    return (r @ r / (2 * X.shape[0]) + alpha * l1_ratio * np.abs(coef).sum()
            + 0.5 * alpha * (1 - l1_ratio) * coef @ coef)


def logistic_objective(X, y, coef, intercept, C, penalty="l2", l1_ratio=0.0):
    """C Σ loss + penalty, for coef of shape (1, p) (binary) or (K, p) (multinomial)."""
    Z = np.asarray(X @ coef.T) + intercept
    if coef.shape[0] == 1:
        signs = np.where(y == np.unique(y)[1], 1.0, -1.0)
        loss = np.logaddexp(0, -signs * Z[:, 0]).sum()
    else:
        codes = np.searchsorted(np.unique(y), y)
        loss = (np.logaddexp.reduce(Z, axis=1) - Z[np.arange(len(y)), codes]).sum()
    squares, absolute = (coef ** 2).sum(), np.abs(coef).sum()
    penalty_value = {"l2": 0.5 * squares, "l1": absolute,
                     "elasticnet": 0.5 * (1 - l1_ratio) * squares + l1_ratio * absolute}[penalty]
    return C * loss + penalty_value


def assert_not_worse(ours, theirs):
    assert ours <= theirs + RELATIVE * abs(theirs), f"ours {ours!r} vs scikit-learn {theirs!r}"


@pytest.mark.parametrize("estimator", [Ridge(), Lasso(), ElasticNet(), LogisticRegression(),
                                       LogisticRegression(penalty="l1"), LabelPropagation(),
                                       LabelPropagation(kernel="rbf", gamma=1.0)], ids=repr)
def test_check_estimator(estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_estimator(estimator)


class TestAgreementOnGeneratedData:
    @pytest.mark.parametrize("sparse", [False, True])
    def test_ridge_matches_the_closed_form(self, sparse):
        X, y = make_regression(200, 30, noise=3.0, bias=7.0, random_state=0)
        X = sp.csc_matrix(X) if sparse else X
        ours = Ridge(alpha=2.0, tol=1e-12).fit(X, y)
        theirs = skl.Ridge(alpha=2.0, solver="sparse_cg" if sparse else "cholesky", tol=1e-14).fit(X, y)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-7, atol=1e-9)
        assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-7)

    @pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.1])
    @pytest.mark.parametrize("sparse", [False, True])
    def test_elastic_net_and_lasso(self, l1_ratio, sparse):
        X, y = make_regression(150, 60, n_informative=8, noise=2.0, bias=-3.0, random_state=1)
        X = sp.csc_matrix(X) if sparse else X
        alpha = 0.5
        if l1_ratio == 1.0:
            ours = Lasso(alpha=alpha, tol=1e-12, max_iter=10000).fit(X, y)
            theirs = skl.Lasso(alpha=alpha, tol=1e-14, max_iter=100000).fit(X, y)
        else:
            ours = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=10000).fit(X, y)
            theirs = skl.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=100000).fit(X, y)
        assert_not_worse(enet_objective(X, y, ours.coef_, ours.intercept_, alpha, l1_ratio),
                         enet_objective(X, y, theirs.coef_, theirs.intercept_, alpha, l1_ratio))
        if l1_ratio == 1.0:
            assert 0 < np.count_nonzero(ours.coef_) < 60

    def test_positive_lasso(self):
        X, y = make_regression(100, 20, noise=1.0, random_state=2)
        ours = Lasso(alpha=0.3, positive=True, tol=1e-12).fit(X, y)
        theirs = skl.Lasso(alpha=0.3, positive=True, tol=1e-14, max_iter=100000).fit(X, y)
        assert (ours.coef_ >= 0).all()
        assert_not_worse(enet_objective(X, y, ours.coef_, ours.intercept_, 0.3, 1.0),
                         enet_objective(X, y, theirs.coef_, theirs.intercept_, 0.3, 1.0))

    @pytest.mark.parametrize("n_classes", [2, 4])
    @pytest.mark.parametrize("sparse", [False, True])
    def test_logistic_l2_binary_and_multinomial(self, n_classes, sparse):
        X, y = make_classification(300, 20, n_informative=6, n_classes=n_classes, random_state=3)
        X = sp.csr_matrix(X) if sparse else X
        ours = LogisticRegression(C=0.7, tol=1e-12).fit(X, y)
        theirs = skl.LogisticRegression(C=0.7, tol=1e-12, max_iter=100000).fit(X, y)
        assert ours.coef_.shape == theirs.coef_.shape
        assert_not_worse(logistic_objective(X, y, ours.coef_, ours.intercept_, 0.7),
                         logistic_objective(X, y, theirs.coef_, theirs.intercept_, 0.7))
        # lbfgs stops with a gradient of ~1e-3 where ours is ~1e-11: the probabilities agree to ~1e-4.
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-3)

    @pytest.mark.parametrize("penalty,l1_ratio", [("l1", None), ("elasticnet", 0.4)])
    def test_logistic_sparse_penalties_match_saga(self, penalty, l1_ratio):
        X, y = make_classification(200, 15, n_informative=4, n_classes=3, random_state=4)
        X = (X - X.mean(axis=0)) / X.std(axis=0)
        ours = LogisticRegression(penalty=penalty, l1_ratio=l1_ratio, C=0.2, tol=1e-12, max_iter=10000).fit(X, y)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            theirs = skl.LogisticRegression(penalty=penalty, l1_ratio=l1_ratio, C=0.2, solver="saga", tol=1e-12,
                                            max_iter=20000).fit(X, y)
        ratio = l1_ratio or 0.0
        assert_not_worse(logistic_objective(X, y, ours.coef_, ours.intercept_, 0.2, penalty, ratio),
                         logistic_objective(X, y, theirs.coef_, theirs.intercept_, 0.2, penalty, ratio))

    def test_float32_stays_float32(self):
        X, y = make_classification(100, 8, random_state=5)
        model = LogisticRegression(tol=1e-5).fit(X.astype(np.float32), y)
        assert model.coef_.dtype == np.float32 and model.intercept_.dtype == np.float32
        regression = Lasso(alpha=0.01, tol=1e-5).fit(X.astype(np.float32), y.astype(np.float32))
        assert regression.coef_.dtype == np.float32
        assert regression.predict(X.astype(np.float32)).dtype == np.float32


class TestBehaviour:
    def test_warm_start_reduces_iterations_on_a_path(self):
        X, y = make_regression(200, 80, n_informative=10, noise=1.0, random_state=6)
        alphas = np.geomspace(5.0, 0.05, 8)
        # Cyclic coordinate descent (scikit-learn's algorithm), where a pass is a unit of work.
        kwargs = dict(tol=1e-8, max_iter=100000, selection="cyclic", partition="order", block_size=1,
                      update="prox-gradient")
        cold = [Lasso(alpha=a, **kwargs).fit(X, y).n_iter_ for a in alphas]
        model = Lasso(warm_start=True, **kwargs)
        warm = []
        for a in alphas:
            model.set_params(alpha=a)
            warm.append(model.fit(X, y).n_iter_)
        assert warm[0] == cold[0]
        assert sum(warm) < 0.8 * sum(cold), (warm, cold)

    def test_non_convergence_warns(self):
        X, y = make_regression(100, 50, random_state=7)
        with pytest.warns(ConvergenceWarning):
            Lasso(alpha=0.01, tol=1e-14, max_iter=1, block_size=2).fit(X, y)

    def test_string_labels_and_probabilities(self):
        X, y = make_classification(120, 5, n_classes=3, n_informative=3, random_state=8)
        labels = np.array(["ant", "bee", "cat"])[y]
        model = LogisticRegression().fit(X, labels)
        assert set(model.predict(X)) <= set(labels)
        np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
        reference = skl.LogisticRegression().fit(X, labels)
        np.testing.assert_array_equal(model.classes_, reference.classes_)
        assert model.score(X, labels) >= reference.score(X, labels) - 0.02

    def test_label_propagation_on_two_moons(self):
        from sklearn.datasets import make_moons
        X, y = make_moons(400, noise=0.05, random_state=9)
        partial = np.full_like(y, -1)
        partial[np.flatnonzero(y == 0)[:3]] = 0
        partial[np.flatnonzero(y == 1)[:3]] = 1
        model = LabelPropagation(n_neighbors=5).fit(X, partial)
        assert (model.transduction_ == y).mean() > 0.95
        np.testing.assert_allclose(model.label_distributions_.sum(axis=1), 1.0)
        assert model.solver_result_.status == "converged"
        # The harmonic solution: each unlabelled node's scores are the average of its neighbours'.
        assert (model.predict(X) == y).mean() > 0.95


class TestAgreementOnSharedData:
    def test_a9a_logistic_l2(self):
        X, y = libsvm_dataset("a9a")
        ours = LogisticRegression(C=1.0, tol=1e-10).fit(X, y)
        theirs = skl.LogisticRegression(C=1.0, tol=1e-10, max_iter=100000).fit(X, y)
        assert_not_worse(logistic_objective(X, y, ours.coef_, ours.intercept_, 1.0),
                         logistic_objective(X, y, theirs.coef_, theirs.intercept_, 1.0))

    def test_leukemia_lasso(self):
        X, y = libsvm_dataset("leukemia")
        X = X.toarray()
        alpha = 0.01
        ours = Lasso(alpha=alpha, tol=1e-12, max_iter=100000).fit(X, y)
        theirs = skl.Lasso(alpha=alpha, tol=1e-14, max_iter=1000000).fit(X, y)
        assert_not_worse(enet_objective(X, y, ours.coef_, ours.intercept_, alpha, 1.0),
                         enet_objective(X, y, theirs.coef_, theirs.intercept_, alpha, 1.0))

    def test_rcv1_l1_logistic_without_intercept_matches_liblinear(self):
        X, y = libsvm_dataset("rcv1_small")
        ours = LogisticRegression(penalty="l1", C=10.0, fit_intercept=False, tol=1e-10).fit(X, y)
        theirs = skl.LogisticRegression(penalty="l1", C=10.0, fit_intercept=False, solver="liblinear", tol=1e-8,
                                        max_iter=1000).fit(X, y)
        assert_not_worse(logistic_objective(X, y, ours.coef_, 0.0, 10.0, "l1"),
                         logistic_objective(X, y, theirs.coef_, 0.0, 10.0, "l1"))
