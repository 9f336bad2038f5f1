"""Tests for skastro.mixture.GMMBayesClassifier."""

import pickle

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline as ImbPipeline
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import recall_score
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    TunedThresholdClassifierCV,
    train_test_split,
)
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skastro.mixture import GMMBayesClassifier


def _imbalanced(n_major=300, n_minor=30, seed=0):
    """A common class around 0 and a rare, elongated one around (2, 1)."""
    rng = np.random.RandomState(seed)
    X = np.r_[
        rng.normal(0, 1, (n_major, 2)),
        rng.multivariate_normal([2, 1], [[1.0, 0.6], [0.6, 0.5]], n_minor),
    ]
    y = np.r_[np.zeros(n_major, int), np.ones(n_minor, int)]
    return X, y


def _bimodal(seed=0, n=200):
    """Class "a" in two clumps on either side of class "b"."""
    rng = np.random.RandomState(seed)
    X = np.r_[
        rng.normal(-4, 0.7, (n, 1)),
        rng.normal(4, 0.7, (n, 1)),
        rng.normal(0, 0.7, (n, 1)),
    ]
    y = np.array(["a"] * (2 * n) + ["b"] * n)
    return X, y


def test_one_component_is_bayes_rule_with_gaussians():
    # independent computation: MLE mean and covariance per class, scipy pdfs
    X, y = _imbalanced()
    clf = GMMBayesClassifier(reg_covar=0.0, random_state=0).fit(X, y)
    X_test, _ = _imbalanced(seed=1)
    log_joint = []
    for k in (0, 1):
        Xk = X[y == k]
        cov = np.cov(Xk, rowvar=False, bias=True)
        log_joint.append(
            multivariate_normal(Xk.mean(axis=0), cov).logpdf(X_test)
            + np.log(np.mean(y == k))
        )
    log_joint = np.column_stack(log_joint)
    expected = log_joint - logsumexp(log_joint, axis=1, keepdims=True)
    np.testing.assert_allclose(clf.predict_log_proba(X_test), expected, atol=1e-6)
    np.testing.assert_allclose(clf.predict_proba(X_test), np.exp(expected), atol=1e-8)
    np.testing.assert_allclose(
        clf.score_samples(X_test), logsumexp(log_joint, axis=1), atol=1e-6
    )
    np.testing.assert_array_equal(clf.predict(X_test), log_joint.argmax(axis=1))
    np.testing.assert_allclose(clf.class_prior_, [300 / 330, 30 / 330])
    np.testing.assert_array_equal(clf.class_count_, [300, 30])


def test_diagonal_single_component_matches_gaussian_nb():
    X, y = _imbalanced()
    ours = GMMBayesClassifier(covariance_type="diag", reg_covar=0.0).fit(X, y)
    nb = GaussianNB(var_smoothing=0.0).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), nb.predict_proba(X), atol=1e-8)


def test_mixtures_model_a_bimodal_class():
    X, y = _bimodal()
    X_test, y_test = _bimodal(seed=1)
    one = GMMBayesClassifier(n_components=1, random_state=0).fit(X, y)
    two = GMMBayesClassifier(n_components={"a": 2, "b": 1}, random_state=0).fit(X, y)
    assert [gm.n_components for gm in two.estimators_] == [2, 1]
    # one Gaussian for "a" straddles "b"; two components separate them
    assert np.mean(two.predict(X_test) == y_test) > 0.98
    assert np.mean(one.predict(X_test) == y_test) < 0.96


def test_log_proba_is_stable_far_from_the_data():
    X, y = _imbalanced()
    clf = GMMBayesClassifier(random_state=0).fit(X, y)
    far = np.array([[1e3, -1e3], [-5e2, 2e3]])
    # exp of the joint log-likelihoods underflows to 0 / 0 here
    with np.errstate(under="ignore"):
        assert np.all(np.exp(clf._joint_log_likelihood(far)) == 0)
    log_proba = clf.predict_log_proba(far)
    assert np.all(np.isfinite(log_proba))
    np.testing.assert_allclose(np.exp(log_proba).sum(axis=1), 1.0)
    assert np.all(np.isfinite(clf.score_samples(far)))


def test_priors_move_the_decision():
    X, y = _imbalanced()
    X_test, y_test = _imbalanced(seed=3)
    emp = GMMBayesClassifier(priors="empirical", random_state=0).fit(X, y)
    uni = GMMBayesClassifier(priors="uniform", random_state=0).fit(X, y)
    given = GMMBayesClassifier(priors=[0.5, 0.5], random_state=0).fit(X, y)
    np.testing.assert_allclose(uni.class_prior_, [0.5, 0.5])
    np.testing.assert_allclose(uni.predict_proba(X_test), given.predict_proba(X_test))
    # same densities, so the posterior odds differ by the prior odds alone
    log_odds_emp = np.diff(emp.predict_log_proba(X_test), axis=1)
    log_odds_uni = np.diff(uni.predict_log_proba(X_test), axis=1)
    np.testing.assert_allclose(log_odds_uni - log_odds_emp, np.log(300 / 30), rtol=1e-6)
    rare_recall = [
        recall_score(y_test, c.predict(X_test), pos_label=1) for c in (emp, uni)
    ]
    assert rare_recall[1] > rare_recall[0]


@pytest.mark.parametrize(
    "params, match",
    [
        ({"priors": [0.2, 0.3, 0.5]}, r"priors has shape \(3,\); expected \(2,\)"),
        ({"priors": [1.5, -0.5]}, r"priors\[1\] = -0.5 \(class 1\)"),
        ({"priors": [0.2, 0.2]}, "priors sum to 0.4"),
        ({"n_components": {0: 1}}, r"no entry for classes \[1\]"),
        ({"n_components": {0: 1, 1: 1, 7: 2}}, r"keys \[7\] that are not classes"),
        ({"n_components": {0: 1, 1: 0}}, r"n_components\[1\] = 0"),
        ({"n_components": 31}, "class 1 has 30 samples, fewer than its n_comp"),
    ],
)
def test_bad_parameters(params, match):
    X, y = _imbalanced()
    with pytest.raises(ValueError, match=match):
        GMMBayesClassifier(**params).fit(X, y)


def test_one_class_rejected():
    X, _ = _imbalanced()
    with pytest.raises(ValueError, match=r"one class only, \[4\]"):
        GMMBayesClassifier().fit(X, np.full(len(X), 4))


def test_random_state_and_pickle():
    X, y = _bimodal()
    a = GMMBayesClassifier(3, random_state=0).fit(X, y)
    b = GMMBayesClassifier(3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    again = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(again.predict_proba(X), a.predict_proba(X))


def test_zero_prior_is_never_predicted():
    X, y = _imbalanced()
    clf = GMMBayesClassifier(priors=[1.0, 0.0], random_state=0).fit(X, y)
    assert np.all(clf.predict_proba(X)[:, 1] == 0)
    assert np.all(clf.predict(X) == 0)


def test_astropy_table_and_bad_cell():
    import pandas as pd
    from astropy.table import Table

    X, y = _imbalanced()
    frame = pd.DataFrame(X, columns=["log_hr", "log_fluence"])
    clf = GMMBayesClassifier(random_state=0).fit(Table.from_pandas(frame), y)
    assert clf.feature_names_in_.tolist() == ["log_hr", "log_fluence"]
    np.testing.assert_allclose(
        clf.predict_proba(Table.from_pandas(frame)), clf.predict_proba(frame)
    )
    bad = frame.copy()
    bad.iloc[7, 0] = np.inf
    with pytest.raises(ValueError, match="column 'log_hr' at row 7"):
        clf.fit(bad, y)


def test_old_import_path_warns_and_is_listed_once():
    import skastro.ensemble
    from skastro.utils import all_estimators

    with pytest.warns(FutureWarning, match="skastro.mixture.GMMBayesClassifier"):
        from skastro.ensemble import GMMBayesClassifier as Old
    assert Old is GMMBayesClassifier
    assert "GMMBayesClassifier" not in skastro.ensemble.__all__
    names = [name for name, _ in all_estimators()]
    assert names.count("GMMBayesClassifier") == 1
    assert dict(all_estimators())["GMMBayesClassifier"] is GMMBayesClassifier


# --------------------------------------------------------------------------
# composition with sklearn and imblearn
# --------------------------------------------------------------------------


def test_pipelines_and_grid_search():
    X, y = _bimodal()
    X_test, y_test = _bimodal(seed=1)
    pipe = Pipeline(
        [("scale", StandardScaler()), ("gmm", GMMBayesClassifier(random_state=0))]
    )
    search = GridSearchCV(
        pipe,
        {"gmm__n_components": [1, 2]},
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    assert search.best_params_ == {"gmm__n_components": 2}
    assert search.score(X_test, y_test) > 0.98

    Xi, yi = _imbalanced()
    imb = ImbPipeline(
        [
            ("smote", SMOTE(random_state=0)),
            ("gmm", GMMBayesClassifier(random_state=0)),
        ]
    ).fit(Xi, yi)
    # SMOTE balances the classes the empirical priors are counted on
    np.testing.assert_allclose(imb[-1].class_prior_, [0.5, 0.5])


def test_tuned_threshold_and_calibration():
    X, y = _imbalanced(n_major=600, n_minor=40)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, stratify=y, random_state=0)
    tuned = TunedThresholdClassifierCV(
        GMMBayesClassifier(random_state=0),
        scoring="balanced_accuracy",
        cv=5,
        random_state=0,
    ).fit(X_tr, y_tr)
    assert 0 < tuned.best_threshold_ < 1
    assert tuned.predict(X_te).shape == y_te.shape

    calibrated = CalibratedClassifierCV(
        GMMBayesClassifier(random_state=0), cv=3, method="isotonic"
    ).fit(X_tr, y_tr)
    proba = calibrated.predict_proba(X_te)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.mean(calibrated.predict(X_te) == y_te) > 0.9
