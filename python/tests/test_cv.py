"""LassoCV, ElasticNetCV and LogisticRegressionCV against scikit-learn's estimators of those
names, fitted on the same folds to tight tolerances: the same grid, the same held-out errors or
scores, the same choice and refit."""
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.linear_model as skl
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold
from sklearn.utils.estimator_checks import check_estimator

from southwell.linear_model import ElasticNetCV, LassoCV, LogisticRegressionCV


def regression(n=150, p=40, seed=0, offset=7.0):
    X, y = make_regression(n_samples=n, n_features=p, n_informative=8, noise=5.0, random_state=seed)
    return X, y + offset


def assert_same_fit(ours, theirs, coef_tol=1e-6):
    np.testing.assert_allclose(ours.alphas_, theirs.alphas_, rtol=1e-12)
    np.testing.assert_allclose(ours.mse_path_, theirs.mse_path_, rtol=1e-7)
    assert ours.alpha_ == pytest.approx(theirs.alpha_, rel=1e-12)
    scale = np.abs(theirs.coef_).max()
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=coef_tol * scale)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, abs=coef_tol * scale)


@pytest.mark.parametrize("layout", ["dense", "csr", "csc"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_lasso_cv_matches_scikit_learn(layout, fit_intercept):
    X, y = regression()
    X[np.abs(X) < 0.5] = 0.0  # sparse enough for the sparse layouts to mean something
    data = {"dense": X, "csr": sp.csr_matrix(X), "csc": sp.csc_matrix(X)}[layout]
    ours = LassoCV(n_alphas=25, fit_intercept=fit_intercept, tol=1e-10).fit(data, y)
    theirs = skl.LassoCV(n_alphas=25, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000).fit(X, y)
    assert ours.mse_path_.shape == (25, 5)
    assert_same_fit(ours, theirs)
    np.testing.assert_allclose(ours.predict(data), theirs.predict(X), rtol=1e-6, atol=1e-6 * np.abs(y).max())


def test_elastic_net_cv_chooses_l1_ratio_and_alpha_as_scikit_learn():
    X, y = regression(seed=1)
    ratios = [0.2, 0.6, 1.0]
    ours = ElasticNetCV(l1_ratio=ratios, n_alphas=15, eps=1e-2, tol=1e-10).fit(X, y)
    theirs = skl.ElasticNetCV(l1_ratio=ratios, n_alphas=15, eps=1e-2, tol=1e-12, max_iter=100_000).fit(X, y)
    assert ours.mse_path_.shape == (3, 15, 5) and ours.alphas_.shape == (3, 15)
    assert ours.l1_ratio_ == theirs.l1_ratio_
    assert_same_fit(ours, theirs)


def test_given_alphas_shuffled_folds_and_positive():
    X, y = regression(seed=2)
    folds = KFold(4, shuffle=True, random_state=3)
    alphas = [0.05, 2.0, 0.5, 10.0]  # any order: solved and reported from the largest down
    ours = LassoCV(alphas=alphas, cv=folds, positive=True, tol=1e-10).fit(X, y)
    theirs = skl.LassoCV(alphas=alphas, cv=folds, positive=True, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_array_equal(ours.alphas_, [10.0, 2.0, 0.5, 0.05])
    assert (ours.coef_ >= 0).all()
    assert_same_fit(ours, theirs)


def test_results_do_not_depend_on_n_jobs():
    X, y = regression(n=300, p=80, seed=4)
    serial = ElasticNetCV(l1_ratio=[0.5, 0.9], n_alphas=20, n_threads=1).fit(X, y)
    concurrent = ElasticNetCV(l1_ratio=[0.5, 0.9], n_alphas=20, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(serial.mse_path_, concurrent.mse_path_)
    np.testing.assert_array_equal(serial.coef_, concurrent.coef_)
    assert (serial.alpha_, serial.l1_ratio_) == (concurrent.alpha_, concurrent.l1_ratio_)


def test_verbose_reports_every_fold(capsys):
    X, y = regression(n=60, p=10)
    LassoCV(n_alphas=5, cv=3, verbose=1).fit(X, y)
    lines = [line for line in capsys.readouterr().out.splitlines() if "fold" in line]
    assert len(lines) == 3 and all("5 alphas" in line for line in lines)


@pytest.mark.parametrize("estimator, message", [
    (ElasticNetCV(l1_ratio=0.0), "l1_ratio"),
    (ElasticNetCV(l1_ratio=[0.5, 1.5]), "l1_ratio"),
    (LassoCV(n_jobs=0), "n_jobs"),
    (LassoCV(eps=0.0), "eps"),
    (LassoCV(n_alphas=0), "n_alphas"),
    (LassoCV(alphas=[1.0, -1.0]), "alphas"),
    (LassoCV(tol=-1.0), "tol"),
    (LassoCV(cv=1), "n_splits"),
])
def test_bad_parameters_are_named(estimator, message):
    X, y = regression(n=30, p=5)
    with pytest.raises(ValueError, match=message):
        estimator.fit(X, y)


@pytest.mark.parametrize("estimator", [LassoCV(n_alphas=5), ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=5),
                                       LogisticRegressionCV(Cs=3, cv=3)], ids=repr)
def test_check_estimator(estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_estimator(estimator)


def softmax_objective(X, codes, coef, intercept, C):
    """C Σ softmax loss + ½‖W‖² for coef (K, p); the binary model as a K = 1 score."""
    Z = X @ coef.T + intercept
    if coef.shape[0] == 1:
        loss = np.logaddexp(0, -np.where(codes == 1, 1.0, -1.0) * Z[:, 0]).sum()
    else:
        loss = (np.logaddexp.reduce(Z, axis=1) - Z[np.arange(len(codes)), codes]).sum()
    return C * loss + 0.5 * (coef ** 2).sum()


# Cs kept away from 1e-4, where every coefficient is next to 0 and held-out predictions are
# ties that rounding decides.
MODERATE_CS = list(np.logspace(-2, 2, 7))


@pytest.mark.parametrize("n_classes", [2, 3])
def test_logistic_cv_matches_scikit_learn(n_classes):
    X, y = make_classification(n_samples=200, n_features=20, n_informative=6, n_classes=n_classes, random_state=0)
    labels = np.array(["ant", "bee", "cow"])[y]  # string classes: scores_ is keyed by them
    ours = LogisticRegressionCV(Cs=MODERATE_CS, tol=1e-10).fit(X, labels)
    theirs = skl.LogisticRegressionCV(Cs=MODERATE_CS, tol=1e-12, max_iter=100_000).fit(X, labels)
    assert list(ours.scores_) == list(theirs.scores_)
    for key in theirs.scores_:
        np.testing.assert_array_equal(ours.scores_[key], theirs.scores_[key])
    np.testing.assert_array_equal(ours.C_, theirs.C_)
    np.testing.assert_array_equal(ours.Cs_, theirs.Cs_)
    assert ours.l1_ratio_.tolist() == theirs.l1_ratio_.tolist()
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-4 * np.abs(theirs.coef_).max())
    C, codes = ours.C_[0], np.searchsorted(ours.classes_, labels)
    assert softmax_objective(X, codes, ours.coef_, ours.intercept_, C) <= \
        softmax_objective(X, codes, theirs.coef_, theirs.intercept_, C) * (1 + 1e-9)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_logistic_cv_elastic_net_chooses_l1_ratio_as_saga():
    X, y = make_classification(n_samples=150, n_features=10, n_informative=4, random_state=1)
    X = sp.csr_matrix(np.where(np.abs(X) < 0.3, 0.0, X))
    kwargs = dict(Cs=[0.01, 0.1, 1.0, 10.0], penalty="elasticnet", l1_ratios=[0.2, 0.8])
    ours = LogisticRegressionCV(tol=1e-10, **kwargs).fit(X, y)
    theirs = skl.LogisticRegressionCV(solver="saga", tol=1e-10, max_iter=100_000, **kwargs).fit(X, y)
    assert ours.scores_[1].shape == (5, 4, 2)
    np.testing.assert_array_equal(ours.scores_[1], theirs.scores_[1])
    assert (ours.C_[0], ours.l1_ratio_[0]) == (theirs.C_[0], theirs.l1_ratio_[0])
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6 * np.abs(theirs.coef_).max())


def test_logistic_cv_scoring_and_n_jobs():
    X, y = make_classification(n_samples=240, n_features=15, n_informative=5, n_classes=3, random_state=2)
    serial = LogisticRegressionCV(Cs=MODERATE_CS, scoring="neg_log_loss", tol=1e-10, n_threads=1).fit(X, y)
    concurrent = LogisticRegressionCV(Cs=MODERATE_CS, scoring="neg_log_loss", tol=1e-10, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(serial.scores_[0], concurrent.scores_[0])
    np.testing.assert_array_equal(serial.coef_, concurrent.coef_)
    theirs = skl.LogisticRegressionCV(Cs=MODERATE_CS, scoring="neg_log_loss", tol=1e-12, max_iter=100_000).fit(X, y)
    # lbfgs stops on its relative objective decrease (ftol) before 1e-12: at C = 100 its fold
    # objectives are 3.5e-6 above ours, and the held-out log-losses differ by ~1e-5.
    np.testing.assert_allclose(serial.scores_[0], theirs.scores_[0], rtol=1e-4)
    assert serial.C_[0] == theirs.C_[0]


@pytest.mark.parametrize("estimator, message", [
    (LogisticRegressionCV(Cs=0), "Cs"),
    (LogisticRegressionCV(Cs=[1.0, -1.0]), "Cs"),
    (LogisticRegressionCV(penalty="elasticnet"), "l1_ratios"),
    (LogisticRegressionCV(penalty="elasticnet", l1_ratios=[0.5, 2.0]), "l1_ratios"),
    (LogisticRegressionCV(penalty="none"), "penalty"),
    (LogisticRegressionCV(n_jobs=-2), "n_jobs"),
    (LogisticRegressionCV(scoring="no-such-score"), "no-such-score"),
])
def test_logistic_cv_bad_parameters_are_named(estimator, message):
    X, y = make_classification(n_samples=40, n_features=5, random_state=0)
    with pytest.raises(ValueError, match=message):
        estimator.fit(X, y)


def test_logistic_cv_fold_without_a_class_is_an_error():
    X = np.arange(20.0).reshape(10, 2)
    y = np.array([0] * 8 + [1] * 2)
    with pytest.raises(ValueError, match="no sample of class 1"):
        LogisticRegressionCV(cv=KFold(2)).fit(X, y)
