"""Tests for skastro.mixture.XDGMMBayesClassifier."""

import pickle

import numpy as np
import pytest
import sklearn
from sklearn.exceptions import UnsetMetadataPassedError
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skastro.mixture import GMMBayesClassifier, XDGMMBayesClassifier

# intrinsic class densities: one Gaussian each, overlapping once noisy
CLASS_MEANS = np.array([[0.0, 0.0], [1.5, 1.0]])
CLASS_COVS = np.array([[[0.3, 0.1], [0.1, 0.2]], [[0.2, -0.05], [-0.05, 0.3]]])


def _noisy_classes(n, seed=0, weights=(0.7, 0.3)):
    """Two classes plus heteroscedastic errors (std 0.05 to 1, log-uniform)."""
    rng = np.random.default_rng(seed)
    y = rng.choice(2, size=n, p=weights)
    chol = np.linalg.cholesky(CLASS_COVS)
    truth = CLASS_MEANS[y] + np.einsum("nab,nb->na", chol[y], rng.normal(size=(n, 2)))
    err = np.exp(rng.uniform(np.log(0.05), np.log(1.0), size=(n, 2)))
    return truth + err * rng.normal(size=(n, 2)), y, err


def test_without_errors_it_is_gmm_bayes_with_full_covariances():
    # one component per class: both fit each class's MLE Gaussian
    X, y, _ = _noisy_classes(600, seed=1)
    xd = XDGMMBayesClassifier(tol=1e-10, random_state=0).fit(X, y)
    gmm = GMMBayesClassifier(covariance_type="full", random_state=0).fit(X, y)
    X_test, _, _ = _noisy_classes(200, seed=2)
    np.testing.assert_allclose(
        xd.predict_proba(X_test), gmm.predict_proba(X_test), atol=1e-8
    )
    np.testing.assert_allclose(xd.score_samples(X_test), gmm.score_samples(X_test))
    np.testing.assert_array_equal(xd.class_count_, gmm.class_count_)
    assert xd.n_iter_.shape == (2,)


def test_deconvolved_classes_are_sharper_and_better_calibrated():
    # the class covariances are recovered (GMMBayes's absorb the errors), and
    # posteriors that use each test point's own errors have a lower log-loss
    # than posteriors from the noise-broadened densities
    X, y, err = _noisy_classes(6000, seed=3)
    xd = XDGMMBayesClassifier(random_state=0).fit(X, y, X_err=err)
    gmm = GMMBayesClassifier(covariance_type="full", random_state=0).fit(X, y)
    for k in range(2):
        cov = xd.estimators_[k].covariances_[0]
        rel = np.linalg.norm(cov - CLASS_COVS[k]) / np.linalg.norm(CLASS_COVS[k])
        assert rel < 0.1, (k, cov)
        noisy = gmm.estimators_[k].covariances_[0]
        assert np.trace(noisy) > 1.5 * np.trace(CLASS_COVS[k])
    X_test, y_test, err_test = _noisy_classes(3000, seed=4)
    xd_loss = log_loss(y_test, xd.predict_proba(X_test, X_err=err_test))
    gmm_loss = log_loss(y_test, gmm.predict_proba(X_test))
    assert xd_loss < 0.95 * gmm_loss, (xd_loss, gmm_loss)
    assert xd.score(X_test, y_test, X_err=err_test) >= gmm.score(X_test, y_test)


def test_posteriors_use_each_samples_errors():
    X, y, err = _noisy_classes(1000, seed=5)
    clf = XDGMMBayesClassifier(priors="uniform", random_state=0).fit(X, y, X_err=err)
    # a point on the line between the classes: a precise measurement is
    # surer of its class than a noisy one at the same place
    point = np.array([[0.5, 0.35], [0.5, 0.35]])
    proba = clf.predict_proba(point, X_err=[[0.01, 0.01], [2.0, 2.0]])
    assert proba[0].max() > proba[1].max()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(
        clf.predict_log_proba(point, X_err=[[0.01, 0.01], [2.0, 2.0]]), np.log(proba)
    )
    np.testing.assert_array_equal(clf.class_prior_, [0.5, 0.5])


def test_errors_are_routed_through_a_pipeline():
    X, y, err = _noisy_classes(800, seed=6)
    X_test, _, err_test = _noisy_classes(100, seed=7)
    direct = XDGMMBayesClassifier(random_state=0).fit(X, y, X_err=err)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = (
            XDGMMBayesClassifier(random_state=0)
            .set_fit_request(X_err=True)
            .set_predict_proba_request(X_err=True)
            .set_predict_request(X_err=True)
        )
        pipe = make_pipeline(FunctionTransformer(), clf).fit(X, y, X_err=err)
        proba = pipe.predict_proba(X_test, X_err=err_test)
        labels = pipe.predict(X_test, X_err=err_test)
        # unrequested errors are refused, not silently dropped
        bare = make_pipeline(FunctionTransformer(), XDGMMBayesClassifier())
        with pytest.raises(UnsetMetadataPassedError, match="X_err"):
            bare.fit(X, y, X_err=err)
    np.testing.assert_allclose(proba, direct.predict_proba(X_test, X_err=err_test))
    np.testing.assert_array_equal(labels, direct.predict(X_test, X_err=err_test))


def test_cross_validation_splits_the_errors_with_the_samples():
    # the training fold's errors reach fit, the test fold's reach score
    X, y, err = _noisy_classes(600, seed=8)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = (
            XDGMMBayesClassifier(random_state=0)
            .set_fit_request(X_err=True)
            .set_score_request(X_err=True)
        )
        result = cross_validate(
            clf, X, y, cv=cv, params={"X_err": err}, return_estimator=True
        )
    folds = zip(result["estimator"], result["test_score"], cv.split(X, y))
    for fitted, score, (train, test) in folds:
        manual = XDGMMBayesClassifier(random_state=0).fit(
            X[train], y[train], X_err=err[train]
        )
        np.testing.assert_allclose(
            fitted.estimators_[1].covariances_, manual.estimators_[1].covariances_
        )
        assert score == manual.score(X[test], y[test], X_err=err[test])


def test_same_seed_same_fit_and_pickle():
    X, y, err = _noisy_classes(500, seed=9)
    a = XDGMMBayesClassifier(2, random_state=1).fit(X, y, X_err=err)
    b = XDGMMBayesClassifier(2, random_state=1).fit(X, y, X_err=err)
    np.testing.assert_array_equal(
        a.predict_proba(X, X_err=err), b.predict_proba(X, X_err=err)
    )
    copy = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(
        copy.predict_proba(X, X_err=err), a.predict_proba(X, X_err=err)
    )


def test_a_class_with_fewer_members_than_components():
    X, y, err = _noisy_classes(50, seed=10)
    y[:] = 0
    y[:2] = 1
    with pytest.raises(ValueError, match="class 1 has 2 samples, fewer than its "):
        XDGMMBayesClassifier({0: 1, 1: 3}).fit(X, y, X_err=err)


def test_bad_priors_and_errors_name_the_value():
    X, y, err = _noisy_classes(100, seed=11)
    with pytest.raises(ValueError, match="XDGMMBayesClassifier: priors"):
        XDGMMBayesClassifier(priors=[0.5, 0.6]).fit(X, y, X_err=err)
    bad = err.copy()
    bad[42, 1] = np.inf
    with pytest.raises(ValueError, match="X_err of sample 42 .*non-finite value inf"):
        XDGMMBayesClassifier().fit(X, y, X_err=bad)
    clf = XDGMMBayesClassifier().fit(X, y, X_err=err)
    with pytest.raises(ValueError, match=r"X_err has shape \(99, 2\)"):
        clf.predict_proba(X, X_err=err[:99])
