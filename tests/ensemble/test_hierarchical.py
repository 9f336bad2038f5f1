"""Tests for skastro.ensemble.HierarchicalClassifier."""

import pickle

import numpy as np
import pandas as pd
import pytest
from imblearn.ensemble import BalancedRandomForestClassifier
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline as ImbPipeline
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, recall_score
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    TunedThresholdClassifierCV,
    train_test_split,
)
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skastro.ensemble import HierarchicalClassifier
from skastro.ensemble._nodes import default_estimator, weighted_bin_edges

TAXONOMY = {"point": ["STAR", "QSO"], "extended": ["GALAXY"]}


def _three_blobs(n=(60, 60, 20), seed=0):
    """STAR near (0, 0), GALAXY near (3, 3), a rarer QSO near (3, -3)."""
    rng = np.random.RandomState(seed)
    X = np.r_[
        rng.normal((0, 0), 1, (n[0], 2)),
        rng.normal((3, 3), 1, (n[1], 2)),
        rng.normal((3, -3), 1, (n[2], 2)),
    ]
    y = np.array(["STAR"] * n[0] + ["GALAXY"] * n[1] + ["QSO"] * n[2])
    return X, y


def _nested(seed=0, n=40):
    """Six classes on a 2-level grid of blob centres (3 levels of taxonomy)."""
    rng = np.random.RandomState(seed)
    centres = {
        "RRL": (0, 0),
        "CEP": (0, 4),
        "MIRA": (4, 0),
        "EA": (10, 10),
        "EW": (10, 14),
        "FLARE": (-10, 10),
    }
    X = np.concatenate([rng.normal(c, 1, (n, 2)) for c in centres.values()])
    y = np.repeat(list(centres), n)
    taxonomy = {
        "periodic": {
            "pulsating": {"short": ["RRL", "CEP"], "long": ["MIRA"]},
            "eclipsing": ["EA", "EW"],
        },
        "eruptive": ["FLARE"],
    }
    return X, y, taxonomy


# --------------------------------------------------------------------------
# probabilities
# --------------------------------------------------------------------------


def test_probability_is_product_down_the_tree():
    # independent check: fit the two node classifiers by hand and multiply
    X, y = _three_blobs()
    clf = HierarchicalClassifier(TAXONOMY, LogisticRegression()).fit(X, y)

    point = np.isin(y, ["STAR", "QSO"])
    root = LogisticRegression().fit(X, point)  # True = point source
    stars = LogisticRegression().fit(X[point], y[point] == "QSO")
    p_point = root.predict_proba(X)[:, 1]
    p_qso_given_point = stars.predict_proba(X)[:, 1]
    expected = np.column_stack(
        [
            1 - p_point,  # GALAXY
            p_point * p_qso_given_point,  # QSO
            p_point * (1 - p_qso_given_point),  # STAR
        ]
    )
    assert list(clf.classes_) == ["GALAXY", "QSO", "STAR"]
    np.testing.assert_allclose(clf.predict_proba(X), expected, rtol=1e-6)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    assert np.array_equal(clf.predict(X), clf.classes_[expected.argmax(axis=1)])
    # the one-child node "extended" fits nothing: P(GALAXY | extended) = 1
    assert sorted(clf.estimators_) == ["point", "root"]
    np.testing.assert_allclose(
        clf.predict_log_proba(X), np.log(expected), rtol=1e-6, atol=1e-12
    )


def test_flat_taxonomy_is_the_bare_estimator():
    X, y = _three_blobs()
    forest = BalancedRandomForestClassifier(
        n_estimators=15,
        sampling_strategy="all",
        replacement=True,
        bootstrap=False,
        random_state=3,
    )
    # random_state=None leaves the estimator's own seed alone
    clf = HierarchicalClassifier(estimator=forest).fit(X, y)
    bare = forest.fit(X, y)
    assert list(clf.estimators_) == ["root"]
    assert np.array_equal(clf.classes_, bare.classes_)
    np.testing.assert_array_equal(clf.predict_proba(X), bare.predict_proba(X))
    assert [lvl.tolist() for lvl in clf.levels_] == [sorted(set(y))]


def test_nested_taxonomy_levels():
    X, y, taxonomy = _nested()
    X_test, y_test, _ = _nested(seed=1)
    clf = HierarchicalClassifier(
        taxonomy, LogisticRegression(), class_weight="balanced"
    ).fit(X, y)
    assert set(clf.estimators_) == {
        "root",
        "periodic",
        "pulsating",
        "short",
        "eclipsing",
    }
    assert clf.children_["pulsating"] == ["short", "long"]
    assert [lvl.tolist() for lvl in clf.levels_] == [
        ["periodic", "eruptive"],
        ["pulsating", "eclipsing", "FLARE"],
        ["short", "long", "EA", "EW", "FLARE"],
        ["RRL", "CEP", "MIRA", "EA", "EW", "FLARE"],
    ]
    levels = clf.predict_proba_levels(X_test)
    proba = clf.predict_proba(X_test)
    for lvl, names in zip(levels, clf.levels_):
        assert lvl.shape == (len(X_test), len(names))
        np.testing.assert_allclose(lvl.sum(axis=1), 1.0)
    # a parent's probability is the sum over its leaves
    col = {c: proba[:, i] for i, c in enumerate(clf.classes_)}
    np.testing.assert_allclose(
        levels[0][:, 0], col["RRL"] + col["CEP"] + col["MIRA"] + col["EA"] + col["EW"]
    )
    np.testing.assert_allclose(levels[1][:, 1], col["EA"] + col["EW"])
    np.testing.assert_allclose(levels[2][:, 0], col["RRL"] + col["CEP"])
    last = {n: levels[-1][:, i] for i, n in enumerate(clf.levels_[-1])}
    for c in clf.classes_:
        np.testing.assert_allclose(last[c], col[c])
    # well separated blobs: the tree recovers the classes
    assert np.mean(clf.predict(X_test) == y_test) > 0.95


def test_integer_labels_and_leaf_named_like_node():
    X, y = _three_blobs()
    y_int = np.select([y == "GALAXY", y == "QSO"], [0, 1], 2)
    clf = HierarchicalClassifier({"point": [2, 1], 0: [0]}, LogisticRegression()).fit(
        X, y_int
    )
    # {0: [0]}: a node whose single child has its own name is the leaf itself
    assert [lvl.tolist() for lvl in clf.levels_] == [["point", 0], [2, 1, 0]]
    assert clf.classes_.tolist() == [0, 1, 2]
    assert np.mean(clf.predict(X) == y_int) > 0.9


def test_uniform_priors_shift_every_node_by_bayes_rule():
    X, y = _three_blobs()  # STAR 60, GALAXY 60, QSO 20
    X_test, _ = _three_blobs(seed=5)
    clf = HierarchicalClassifier(TAXONOMY, LogisticRegression(), priors="uniform")
    proba = clf.fit(X, y).predict_proba(X_test)
    # by hand: root children (point, extended) trained on 80 / 60 samples,
    # uniform priors over 3 classes give them 2/3 and 1/3; the point node
    # (STAR, QSO) was trained on 60 / 20 and gets 1/2, 1/2
    point = np.isin(y, ["STAR", "QSO"])
    root = LogisticRegression().fit(X, point).predict_proba(X_test)
    root = root[:, [1, 0]] * np.array([2 / 3, 1 / 3]) / np.array([80, 60])
    root /= root.sum(axis=1, keepdims=True)
    node = LogisticRegression().fit(X[point], y[point] == "QSO").predict_proba(X_test)
    node = node * np.array([1 / 2, 1 / 2]) / np.array([60, 20])
    node /= node.sum(axis=1, keepdims=True)
    expected = np.column_stack(
        [root[:, 1], root[:, 0] * node[:, 1], root[:, 0] * node[:, 0]]
    )
    np.testing.assert_allclose(proba, expected, rtol=1e-6)
    # given priors equal to the training frequencies change nothing
    freq = np.array([60, 20, 60]) / 140
    same = HierarchicalClassifier(TAXONOMY, LogisticRegression(), priors=freq)
    plain = HierarchicalClassifier(TAXONOMY, LogisticRegression())
    np.testing.assert_allclose(
        same.fit(X, y).predict_proba(X_test), plain.fit(X, y).predict_proba(X_test)
    )


@pytest.mark.parametrize(
    "priors, match",
    [
        ([0.5, 0.5], r"priors has shape \(2,\); expected \(3,\)"),
        ([0.6, -0.1, 0.5], r"priors\[1\] = -0.1 \(class 'QSO'\)"),
        ([0.5, 0.2, 0.5], "priors sum to 1.2"),
    ],
)
def test_bad_priors(priors, match):
    X, y = _three_blobs()
    with pytest.raises(ValueError, match=match):
        HierarchicalClassifier(TAXONOMY, LogisticRegression(), priors=priors).fit(X, y)


def test_zero_prior_gives_probability_zero():
    X, y = _three_blobs()  # STAR 60, GALAXY 60, QSO 20
    X_test, _ = _three_blobs(seed=5)
    clf = HierarchicalClassifier(
        TAXONOMY, LogisticRegression(), priors=[0.5, 0.0, 0.5]
    ).fit(X, y)
    proba = clf.predict_proba(X_test)
    # QSO (prior 0) gets 0; STAR takes all of the point node; the root's
    # children (point, extended), trained on 80 / 60 samples, get the prior
    # shares 1/2, 1/2 by Bayes' rule
    point = np.isin(y, ["STAR", "QSO"])
    root = LogisticRegression().fit(X, point).predict_proba(X_test)
    root = root[:, [1, 0]] * np.array([1 / 2, 1 / 2]) / np.array([80, 60])
    root /= root.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        proba, np.column_stack([root[:, 1], 0 * root[:, 0], root[:, 0]])
    )
    assert "QSO" not in clf.predict(X_test)


def test_node_whose_leaves_all_have_prior_zero():
    # the point node's leaves (STAR, QSO) have prior 0: its shares are 0 / 0,
    # which must not be divided; its probability is 0, GALAXY takes all
    X, y = _three_blobs()
    clf = HierarchicalClassifier(TAXONOMY, LogisticRegression(), priors=[1, 0, 0])
    with np.errstate(divide="raise", invalid="raise"):
        proba = clf.fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(proba, np.tile([1.0, 0.0, 0.0], (len(y), 1)))


def test_estimator_sure_of_a_zero_prior_child():
    # a fully grown tree gives the QSO training rows P(QSO | point) = 1; with
    # QSO's prior 0, Bayes' rule leaves nothing to renormalise there, and the
    # point node falls back on its children's prior shares (STAR 1, QSO 0)
    X, y = _three_blobs()
    clf = HierarchicalClassifier(
        TAXONOMY, DecisionTreeClassifier(random_state=0), priors=[0.5, 0.0, 0.5]
    ).fit(X, y)
    with np.errstate(divide="raise", invalid="raise"):
        proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.all(proba[:, 1] == 0)
    assert np.all(clf.predict(X[y == "QSO"]) == "STAR")


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "taxonomy, error, match",
    [
        (
            {"point": ["STAR"], "extended": ["GALAXY"]},
            ValueError,
            r"\['QSO'\].*missing",
        ),
        (
            {"point": ["STAR", "QSO", "WD"], "extended": ["GALAXY"]},
            ValueError,
            r"\['WD'\] are absent from y",
        ),
        (
            {"point": ["STAR", "QSO"], "extended": ["GALAXY", "QSO"]},
            ValueError,
            r"class 'QSO' appears twice.*'point'.*'extended'",
        ),
        ({"root": ["STAR", "QSO"], "x": ["GALAXY"]}, ValueError, "reserved"),
        (
            {"STAR": ["STAR", "QSO"], "x": ["GALAXY"]},
            ValueError,
            "'STAR' is both a node and a leaf",
        ),
        ({"point": [], "x": ["GALAXY"]}, ValueError, "node 'point' has an empty"),
        ({"point": {}, "x": ["GALAXY"]}, ValueError, "node 'point' has an empty"),
        ({}, ValueError, "empty dict"),
        ({"point": "STAR", "x": ["GALAXY"]}, TypeError, "node 'point' maps to str"),
        (
            {"point": ["STAR", ["QSO"]], "x": ["GALAXY"]},
            TypeError,
            r"lists \['QSO'\] among its leaves",
        ),
    ],
)
def test_bad_taxonomy(taxonomy, error, match):
    X, y = _three_blobs()
    with pytest.raises(error, match=match):
        HierarchicalClassifier(taxonomy, LogisticRegression()).fit(X, y)


def test_one_class_rejected():
    X, _ = _three_blobs()
    with pytest.raises(ValueError, match=r"one class only, \['STAR'\]"):
        HierarchicalClassifier(estimator=LogisticRegression()).fit(X, ["STAR"] * len(X))


def test_estimator_without_predict_proba_rejected():
    from sklearn.svm import SVC

    X, y = _three_blobs()
    with pytest.raises(ValueError, match="predict_proba"):
        HierarchicalClassifier(estimator=SVC()).fit(X, y)


# --------------------------------------------------------------------------
# class_weight, sample_weight, random_state, n_jobs
# --------------------------------------------------------------------------


def test_class_weight_passes_through():
    X, y = _three_blobs()
    clf = HierarchicalClassifier(
        TAXONOMY, LogisticRegression(), class_weight="balanced"
    ).fit(X, y)
    assert all(e.class_weight == "balanced" for e in clf.estimators_.values())
    # a Pipeline gets it on its final step
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    clf = HierarchicalClassifier(TAXONOMY, pipe, class_weight="balanced").fit(X, y)
    assert clf.estimators_["root"][-1].class_weight == "balanced"


def test_class_weight_dict_per_node():
    X, y = _three_blobs()
    clf = HierarchicalClassifier(
        TAXONOMY, LogisticRegression(), class_weight={"QSO": 5.0, "extended": 2.0}
    ).fit(X, y)
    # children of root: point (absent: 1), extended (2); of point: STAR, QSO
    assert clf.estimators_["root"].class_weight == {0: 1.0, 1: 2.0}
    assert clf.estimators_["point"].class_weight == {0: 1.0, 1: 5.0}
    # a huge weight on a rare class, scattered at random, makes it win widely
    X_noisy = np.random.RandomState(1).normal(0, 3, (200, 2))
    y_noisy = np.where(X_noisy[:, 0] > 0, "A", "B")
    y_noisy[:10] = "C"
    plain = HierarchicalClassifier(estimator=LogisticRegression())
    heavy = HierarchicalClassifier(
        estimator=LogisticRegression(), class_weight={"C": 1000.0}
    )
    assert np.mean(plain.fit(X_noisy, y_noisy).predict(X_noisy) == "C") < 0.05
    assert np.mean(heavy.fit(X_noisy, y_noisy).predict(X_noisy) == "C") > 0.5


def test_class_weight_errors():
    X, y = _three_blobs()
    with pytest.raises(ValueError, match=r"keys \['WD'\].*neither classes"):
        HierarchicalClassifier(
            TAXONOMY, LogisticRegression(), class_weight={"WD": 2.0}
        ).fit(X, y)
    with pytest.raises(ValueError, match="KNeighborsClassifier has no 'class_weight'"):
        HierarchicalClassifier(
            TAXONOMY, KNeighborsClassifier(), class_weight="balanced"
        ).fit(X, y)


def test_sample_weight_zero_equals_dropping_rows():
    X, y = _three_blobs()
    keep = np.ones(len(y), bool)
    keep[::7] = False
    lr = LogisticRegression(tol=1e-10, max_iter=1000)
    weighted = HierarchicalClassifier(TAXONOMY, lr).fit(
        X, y, sample_weight=keep.astype(float)
    )
    dropped = HierarchicalClassifier(TAXONOMY, lr).fit(X[keep], y[keep])
    np.testing.assert_allclose(
        weighted.predict_proba(X), dropped.predict_proba(X), atol=1e-5
    )
    # through a Pipeline, routed to its final step
    pipe = Pipeline([("scale", StandardScaler()), ("lr", lr)])
    clf = HierarchicalClassifier(TAXONOMY, pipe).fit(X, y, sample_weight=keep * 1.0)
    assert clf.predict_proba(X).shape == (len(y), 3)


def test_sample_weight_unsupported():
    X, y = _three_blobs()
    with pytest.raises(TypeError, match="KNeighborsClassifier does not accept"):
        HierarchicalClassifier(TAXONOMY, KNeighborsClassifier()).fit(
            X, y, sample_weight=np.ones(len(y))
        )


def test_random_state_and_n_jobs():
    X, y, taxonomy = _nested()
    tree = DecisionTreeClassifier(max_features=1)
    a = HierarchicalClassifier(taxonomy, tree, random_state=0).fit(X, y)
    b = HierarchicalClassifier(taxonomy, tree, random_state=0, n_jobs=2).fit(X, y)
    c = HierarchicalClassifier(taxonomy, tree, random_state=1).fit(X, y)
    seeds_a = [e.random_state for e in a.estimators_.values()]
    assert len(set(seeds_a)) == len(seeds_a)  # a different seed per node
    assert seeds_a == [e.random_state for e in b.estimators_.values()]
    assert seeds_a != [e.random_state for e in c.estimators_.values()]
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_default_estimator_is_pinned():
    # the default node estimator votes balanced histogram gradient boosting,
    # a forest of small bootstraps and small networks with every parameter
    # written out, so a scikit-learn release that changes a default does
    # not change the classifier; its random_state is seeded
    X, y = _three_blobs()
    clf = HierarchicalClassifier(random_state=0).fit(X, y)
    vote = clf.estimators_["root"]
    assert vote.get_params() == {
        "class_weight": "balanced",
        "random_state": vote.random_state,
    }
    assert isinstance(vote.random_state, int)
    trees = vote.trees_.get_params()
    assert trees["learning_rate"] == 0.1
    assert trees["max_iter"] == 100
    assert trees["max_leaf_nodes"] == 15
    assert trees["min_samples_leaf"] == 20
    assert trees["early_stopping"] is False
    forest = vote.forest_.get_params()
    assert forest["n_estimators"] == 100
    assert forest["criterion"] == "entropy"
    assert forest["max_features"] == 0.3
    assert forest["max_samples"] is None  # 300 samples: a full bootstrap
    # three networks with their own seeds (300 samples: 40 epochs of one
    # mini-batch each, within the budget of 2000 steps)
    assert len(vote.networks_) == 3
    assert len({m.random_state for m in vote.networks_}) == 3
    for network in vote.networks_:
        params = network.get_params()
        assert params["hidden_layer_sizes"] == (64, 64)
        assert params["alpha"] == 0.03
        assert params["learning_rate_init"] == 0.003
        assert params["max_iter"] == 40
        assert params["early_stopping"] is False
    # the vote's probabilities are the mean of its three members', the
    # networks (float32) averaged first and their rows summed to one in
    # float64, so every row of the vote sums to one to float64 precision
    Z = vote._network_input(X)
    assert Z.dtype == np.float32
    networks = np.mean(
        [m.predict_proba(Z).astype(float) for m in vote.networks_], axis=0
    )
    networks = networks / networks.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        vote.predict_proba(X),
        (
            vote.trees_.predict_proba(vote._binned(X))
            + vote.forest_.predict_proba(X)
            + networks
        )
        / 3,
    )
    np.testing.assert_allclose(vote.predict_proba(X).sum(axis=1), 1.0, rtol=1e-12)


def test_default_estimator_bounds_its_cost_on_large_data():
    # on 30,000 samples one network of 35 epochs (about 2000 mini-batch
    # steps of 512) and forest trees on bootstraps of 1000 samples
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=30_000, n_features=4, random_state=0)
    vote = default_estimator().set_params(random_state=0).fit(X, y)
    assert len(vote.networks_) == 1
    assert vote.networks_[0].get_params()["max_iter"] == 35
    assert vote.forest_.get_params()["max_samples"] == 1000
    assert all(t.tree_.n_node_samples[0] <= 1000 for t in vote.forest_.estimators_)


def test_weighted_bin_edges_are_scikit_learn_weighted_binning():
    # the default's trees see features pre-binned by weighted_bin_edges: the
    # same thresholds as scikit-learn's _BinMapper with sample_weight (one
    # sort per feature instead of one per quantile), NaN and zero weights
    # left out, midpoints when a feature has 255 distinct values or fewer
    import inspect

    from sklearn.ensemble._hist_gradient_boosting.binning import (
        _find_binning_thresholds,
    )

    if "sample_weight" not in inspect.signature(_find_binning_thresholds).parameters:
        pytest.skip("this scikit-learn bins without sample_weight")

    rng = np.random.RandomState(0)
    column = rng.lognormal(size=3000)
    column[rng.rand(3000) < 0.1] = np.nan
    weight = rng.choice([0.0, 0.5, 1.0, 7.0], size=3000)
    few = rng.randint(0, 40, size=3000).astype(float)
    for values in (column, few, np.round(column, 1), np.round(column, 2)):
        expected = _find_binning_thresholds(values, 255, sample_weight=weight)
        np.testing.assert_allclose(weighted_bin_edges(values, weight), expected)


def test_default_estimator_passes_the_estimator_checks():
    # scikit-learn's estimator checks hold for the default classifier, but
    # for one: its network learns from shuffled mini-batches and its
    # quantiles count samples, not weights, so a sample of weight 2 is not
    # the same fit as a repeated sample (scikit-learn checks its own
    # MLPClassifier for this with the full-batch lbfgs solver only)
    from sklearn.utils.estimator_checks import check_estimator

    reason = "mini-batches and quantiles are not weighted like repeats"
    results = check_estimator(
        HierarchicalClassifier(random_state=0),
        expected_failed_checks={
            "check_sample_weight_equivalence_on_dense_data": reason
        },
        on_fail=None,
    )
    failed = [r["check_name"] for r in results if r["status"] == "failed"]
    assert failed == []


def test_cross_val_predict_proba_with_a_named_taxonomy():
    # cross_val_predict(method="predict_proba") fits on LabelEncoder codes
    # 0, 1, 2 instead of the names; the taxonomy's leaves are then resolved
    # by their sorted position, so the probabilities equal those of a
    # hand-written loop over the same folds with the names
    from sklearn.model_selection import cross_val_predict

    X, y = _three_blobs()
    clf = HierarchicalClassifier(TAXONOMY, LogisticRegression())
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    proba = cross_val_predict(clf, X, y, cv=cv, method="predict_proba")
    expected = np.empty_like(proba)
    for train, test in cv.split(X, y):
        expected[test] = clf.fit(X[train], y[train]).predict_proba(X[test])
    np.testing.assert_allclose(proba, expected)
    # the codes' tree is the named one, leaf for leaf
    coded = clf.fit(X, np.searchsorted(np.unique(y), y))
    assert coded.children_ == {
        "root": ["point", "extended"],
        "point": [2, 1],
        "extended": [0],
    }


def test_integer_labels_that_are_not_codes_still_fail():
    # integer labels outside 0 .. n_leaves - 1 are no LabelEncoder codes:
    # the usual error names the classes missing from the taxonomy
    X, y = _three_blobs()
    codes = np.searchsorted(np.unique(y), y) + 5
    with pytest.raises(ValueError, match="missing from the taxonomy"):
        HierarchicalClassifier(TAXONOMY, LogisticRegression()).fit(X, codes)


# --------------------------------------------------------------------------
# data containers and persistence
# --------------------------------------------------------------------------


def test_dataframe_and_pickle():
    X, y = _three_blobs()
    frame = pd.DataFrame(X, columns=["u_g", "g_r"])
    clf = HierarchicalClassifier(TAXONOMY, LogisticRegression()).fit(frame, y)
    assert clf.feature_names_in_.tolist() == ["u_g", "g_r"]
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(frame), clf.predict_proba(frame))


def test_astropy_table_and_bad_cell():
    from astropy.table import Table

    X, y = _three_blobs()
    frame = pd.DataFrame(X, columns=["u_g", "g_r"])
    clf = HierarchicalClassifier(TAXONOMY, LogisticRegression())
    clf.fit(Table.from_pandas(frame), y)
    assert clf.feature_names_in_.tolist() == ["u_g", "g_r"]
    np.testing.assert_array_equal(
        clf.predict_proba(Table.from_pandas(frame)), clf.predict_proba(frame)
    )
    # a bad cell is named by column and row
    bad = frame.astype(object)
    bad.iloc[3, 1] = "faint"
    with pytest.raises(ValueError, match="'faint' in column 'g_r' at row 3"):
        clf.fit(bad, y)


def test_nan_passes_when_the_node_estimator_takes_it():
    from sklearn.ensemble import HistGradientBoostingClassifier

    X, y = _three_blobs()
    X[5, 0] = np.nan
    clf = HierarchicalClassifier(TAXONOMY, HistGradientBoostingClassifier(max_iter=5))
    assert clf.fit(X, y).predict_proba(X).shape == (len(y), 3)
    with pytest.raises(ValueError, match="NaN in column 'x0' at row 5"):
        HierarchicalClassifier(TAXONOMY, LogisticRegression()).fit(X, y)


# --------------------------------------------------------------------------
# composition with sklearn and imblearn
# --------------------------------------------------------------------------


def _small_forest(**kwargs):
    return BalancedRandomForestClassifier(
        n_estimators=10,
        sampling_strategy="all",
        replacement=True,
        bootstrap=False,
        **kwargs,
    )


def test_inside_sklearn_pipeline():
    X, y = _three_blobs()
    pipe = make_pipeline(
        StandardScaler(),
        HierarchicalClassifier(TAXONOMY, _small_forest(), random_state=0),
    ).fit(X, y)
    assert np.mean(pipe.predict(X) == y) > 0.9
    assert pipe.predict_proba(X).shape == (len(y), 3)


def test_imblearn_pipeline_smote_before_and_as_node_estimator():
    X, y = _three_blobs(n=(80, 80, 12))
    outer = ImbPipeline(
        [
            ("smote", SMOTE(k_neighbors=3, random_state=0)),
            ("clf", HierarchicalClassifier(TAXONOMY, LogisticRegression())),
        ]
    ).fit(X, y)
    assert np.mean(outer.predict(X) == y) > 0.9
    # a sampler + classifier pipeline as the per-node estimator
    node = ImbPipeline([("smote", SMOTE(k_neighbors=3)), ("lr", LogisticRegression())])
    clf = HierarchicalClassifier(
        TAXONOMY, node, class_weight="balanced", random_state=0
    ).fit(X, y)
    assert isinstance(clf.estimators_["point"], ImbPipeline)
    assert isinstance(clf.estimators_["point"][0].random_state, int)
    assert recall_score(y, clf.predict(X), labels=["QSO"], average=None)[0] > 0.9


def test_grid_search_over_nested_parameter():
    X, y = _three_blobs()
    search = GridSearchCV(
        HierarchicalClassifier(TAXONOMY, _small_forest(), random_state=0),
        {"estimator__max_depth": [1, 4]},
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        scoring="f1_macro",
    ).fit(X, y)
    assert search.best_params_["estimator__max_depth"] in (1, 4)
    depths = {e.max_depth for e in search.best_estimator_.estimators_.values()}
    assert depths == {search.best_params_["estimator__max_depth"]}
    assert {e.max_depth for e in search.best_estimator_.estimators_["root"]} == depths


def test_tuned_threshold_for_a_rare_binary_class():
    rng = np.random.RandomState(0)
    X = np.r_[rng.normal(0, 1, (500, 2)), rng.normal(1.5, 1, (25, 2))]
    y = np.r_[np.zeros(500, int), np.ones(25, int)]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, stratify=y, random_state=0)
    base = HierarchicalClassifier(estimator=LogisticRegression())
    tuned = TunedThresholdClassifierCV(
        base, scoring="balanced_accuracy", cv=5, random_state=0
    ).fit(X_tr, y_tr)
    assert 0 < tuned.best_threshold_ < 0.5
    default = base.fit(X_tr, y_tr)
    # a plain classifier at 0.5 misses the rare class; the tuned one finds it
    assert recall_score(y_te, tuned.predict(X_te)) > recall_score(
        y_te, default.predict(X_te)
    )


def test_calibrated_classifier():
    # balanced forests over-predict the rare class; calibration fixes that
    X, y = _three_blobs(n=(400, 400, 40), seed=2)
    X_te, y_te = _three_blobs(n=(400, 400, 40), seed=3)
    raw = HierarchicalClassifier(TAXONOMY, _small_forest(), random_state=0)
    calibrated = CalibratedClassifierCV(raw, cv=3, method="sigmoid").fit(X, y)
    raw.fit(X, y)
    proba = calibrated.predict_proba(X_te)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(calibrated.classes_) == list(raw.classes_)
    assert log_loss(y_te, proba, labels=raw.classes_) < log_loss(
        y_te, raw.predict_proba(X_te), labels=raw.classes_
    )


def test_default_estimator_fits_an_all_nan_column():
    # a feature no object has (all NaN) carries no information: the default
    # node estimator (boosted trees, and a network that leaves out columns
    # constant in training) fits and predicts as without it
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 3))
    y = np.array(["a", "b", "c"])[(X[:, 0] > 0).astype(int) + (X[:, 2] > 1)]
    X_nan = np.column_stack([X, np.full(120, np.nan)])
    clf = HierarchicalClassifier(random_state=0)
    with_nan = clf.fit(X_nan, y).predict_proba(X_nan)
    without = HierarchicalClassifier(random_state=0).fit(X, y).predict_proba(X)
    np.testing.assert_allclose(with_nan, without)
