"""HierarchicalClassifier: feature importances and labelled level probabilities."""

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import LogisticRegression

from skastro.ensemble import HierarchicalClassifier

TAXONOMY = {"point": ["STAR", "QSO"], "extended": ["GALAXY"]}


def _data(seed=0):
    # feature 0 separates point from extended sources, feature 1 stars from
    # quasars, feature 2 is noise
    rng = np.random.RandomState(seed)
    n = 60
    y = np.array(["STAR", "QSO", "GALAXY"] * n)
    X = rng.normal(0, 1, (3 * n, 3))
    X[:, 0] += np.where(y == "GALAXY", 4, 0)
    X[:, 1] += np.where(y == "QSO", 4, 0)
    return X, y


def _forest_classifier():
    forest = RandomForestClassifier(n_estimators=50, random_state=0)
    return HierarchicalClassifier(TAXONOMY, forest, random_state=0)


def test_importances_follow_their_documented_definition():
    X, y = _data()
    clf = _forest_classifier().fit(X, y)
    per_node = clf.node_feature_importances_
    root = clf.estimators_["root"].feature_importances_
    point = clf.estimators_["point"].feature_importances_
    np.testing.assert_allclose(per_node["root"], root / root.sum())
    # weights: the root is fitted on all 180 samples, "point" on the 120
    # stars and quasars below it
    expected = (180 * per_node["root"] + 120 * per_node["point"]) / 300
    np.testing.assert_allclose(clf.feature_importances_, expected)
    assert clf.feature_importances_.sum() == pytest.approx(1.0)
    leaves = dict(zip(clf.classes_, clf.leaf_feature_importances_, strict=True))
    np.testing.assert_allclose(leaves["GALAXY"], per_node["root"])
    np.testing.assert_allclose(leaves["QSO"], expected)
    # each node reads the feature that separates its children
    assert np.argmax(per_node["root"]) == 0 and np.argmax(per_node["point"]) == 1
    assert np.argmax(point) == 1


def test_importances_weigh_nodes_by_sample_weight():
    X, y = _data()
    weight = np.where(y == "GALAXY", 3.0, 1.0)
    clf = _forest_classifier().fit(X, y, sample_weight=weight)
    per_node = clf.node_feature_importances_
    expected = (300 * per_node["root"] + 120 * per_node["point"]) / 420
    np.testing.assert_allclose(clf.feature_importances_, expected)


def test_importances_select_features_in_a_pipeline():
    X, y = _data()
    selector = SelectFromModel(_forest_classifier(), threshold=0.2).fit(X, y)
    assert selector.get_support().tolist() == [True, True, False]


def test_no_importances_without_node_importances():
    X, y = _data()
    clf = HierarchicalClassifier(TAXONOMY, LogisticRegression()).fit(X, y)
    assert not hasattr(clf, "feature_importances_")
    with pytest.raises(AttributeError, match="node 'root' \\(LogisticRegression\\)"):
        clf.leaf_feature_importances_  # noqa: B018


def test_default_node_estimator_gives_permutation_importances_only():
    # the default node estimator (boosted trees, a forest and networks, voted) has
    # no impurity-based importances, so the classifier exposes none; the
    # documented way (demo, ASAS example) is permutation importance on
    # held-out data, which ranks the two informative features first
    from sklearn.inspection import permutation_importance

    X, y = _data()
    clf = HierarchicalClassifier(TAXONOMY, random_state=0).fit(X[::2], y[::2])
    assert not hasattr(clf, "feature_importances_")
    with pytest.raises(AttributeError, match="_TreesForestNetworksVote"):
        clf.node_feature_importances_  # noqa: B018
    drop = permutation_importance(
        clf, X[1::2], y[1::2], scoring="balanced_accuracy", random_state=0
    ).importances_mean
    assert np.argsort(drop)[::-1][:2].tolist() in ([0, 1], [1, 0])
    assert drop[2] < min(drop[0], drop[1])


def test_level_probabilities_as_a_labelled_frame():
    X, y = _data()
    clf = _forest_classifier().fit(X, y)
    frame = pd.DataFrame(X, index=[f"obj{i}" for i in range(len(X))])
    frame.columns = ["a", "b", "c"]
    clf.fit(frame, y)
    out = clf.predict_proba_levels(frame, as_frame=True)
    blocks = clf.predict_proba_levels(frame)
    assert list(out.index) == list(frame.index)
    assert out.columns.names == ["level", "node"]
    assert out[1].columns.tolist() == ["point", "extended"]
    assert out[2].columns.tolist() == clf.levels_[1].tolist()
    np.testing.assert_allclose(out[1].to_numpy(), blocks[0])
    np.testing.assert_allclose(out[2].to_numpy(), blocks[1])
    np.testing.assert_allclose(out.T.groupby(level="level").sum().T, 1.0)
