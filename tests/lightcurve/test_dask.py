"""Scale-out on a real Dask cluster: transform_dask and joblib's Dask backend.

One ``distributed.LocalCluster`` (two worker processes, one thread each,
loopback only, no dashboard) serves the whole module. Every result computed
on the cluster is compared with the same computation in memory, exactly.
"""


import numpy as np
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit="2GiB",
    )
    client = distributed.Client(cluster)
    try:
        client.wait_for_workers(2, timeout=120)
        yield client
    finally:
        client.close()
        cluster.close()


def _worker_addresses(client):
    return set(client.scheduler_info(n_workers=-1)["workers"])


# --- joblib's Dask backend: forests, GridSearchCV, cross-validation ---------


@pytest.fixture(scope="module")
def tabular():
    from sklearn.datasets import make_classification

    return make_classification(
        n_samples=300, n_features=8, n_informative=5, n_classes=3, random_state=0
    )


def _ran_on_cluster(client, fn):
    """Run ``fn`` under joblib's Dask backend; return its result and the workers
    that ran tasks for it (from the scheduler's task stream)."""
    import joblib

    with distributed.get_task_stream(client) as stream:
        with joblib.parallel_backend("dask", wait_for_workers_timeout=60):
            result = fn()
    workers = {task["worker"] for task in stream.data}
    return result, workers


def test_forest_fit_on_cluster_equals_local(client, tabular):
    from sklearn.ensemble import RandomForestClassifier

    X, y = tabular
    params = dict(n_estimators=20, max_depth=6, random_state=0)
    local = RandomForestClassifier(n_jobs=1, **params).fit(X, y)
    remote, workers = _ran_on_cluster(
        client, lambda: RandomForestClassifier(n_jobs=-1, **params).fit(X, y)
    )
    assert workers, "no task of the forest fit ran on the Dask cluster"
    assert workers <= _worker_addresses(client)
    # the same trees, bit for bit (predicting with n_jobs=1 fixes the order
    # in which the trees' probabilities are summed)
    for a, b in zip(remote.estimators_, local.estimators_, strict=True):
        np.testing.assert_array_equal(a.tree_.threshold, b.tree_.threshold)
        np.testing.assert_array_equal(a.tree_.value, b.tree_.value)
    remote.set_params(n_jobs=1)
    np.testing.assert_array_equal(remote.predict_proba(X), local.predict_proba(X))


def test_grid_search_on_cluster_equals_local(client, tabular):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    X, y = tabular
    grid = {"C": [0.01, 0.1, 1.0]}
    local = GridSearchCV(LogisticRegression(max_iter=500), grid, cv=3, n_jobs=1)
    local.fit(X, y)
    search = GridSearchCV(LogisticRegression(max_iter=500), grid, cv=3, n_jobs=-1)
    remote, workers = _ran_on_cluster(client, lambda: search.fit(X, y))
    assert len(workers) >= 1 and workers <= _worker_addresses(client)
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )


def test_cross_val_score_on_cluster_equals_local(client, tabular):
    from sklearn.model_selection import cross_val_score
    from sklearn.tree import DecisionTreeClassifier

    X, y = tabular
    tree = DecisionTreeClassifier(max_depth=4, random_state=0)
    local = cross_val_score(tree, X, y, cv=4, n_jobs=1)
    remote, workers = _ran_on_cluster(
        client, lambda: cross_val_score(tree, X, y, cv=4, n_jobs=-1)
    )
    assert len(workers) >= 1 and workers <= _worker_addresses(client)
    np.testing.assert_array_equal(remote, local)
