"""Scale-out on a real Dask cluster: transform_dask and joblib's Dask backend.

One ``distributed.LocalCluster`` (two worker processes, one thread each,
loopback only, no dashboard) serves the whole module. Every result computed
on the cluster is compared with the same computation in memory, exactly.
"""

import os
import signal
import time

import numpy as np
import pandas as pd
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


# --- transform_dask ---------------------------------------------------------


def _long_table(n_objects, *, n_points=(20, 60), random_state=0):
    """make_light_curves as a long table, rows shuffled so that every object is
    scattered over the partitions of a Dask DataFrame made from it."""
    from skastro.datasets import make_light_curves

    lc = make_light_curves(
        n_objects, n_points=n_points, cadence="uniform", random_state=random_state
    )
    bands = np.asarray(lc.bands)
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "oid": f"ZTF{i:05d}",
                    "mjd": 59000.0 + curve[:, 0],
                    "mag": curve[:, 1],
                    "magerr": curve[:, 2],
                    "fid": bands[curve[:, 3].astype(int)],
                }
            )
            for i, curve in enumerate(lc.data)
        ],
        ignore_index=True,
    )
    rng = np.random.default_rng(random_state)
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)


COLUMNS = dict(id="oid", time="mjd", mag="mag", err="magerr", band="fid")


def _in_memory(lcf, frame, columns=COLUMNS):
    from skastro.lightcurve import from_long_table

    curves = from_long_table(frame, **columns)
    return pd.DataFrame(
        lcf.transform(curves),
        index=pd.Index(curves.ids, name=columns["id"]),
        columns=lcf.get_feature_names_out(),
    ).sort_index()


@pytest.fixture(scope="module")
def lcf():
    from skastro.lightcurve import LightCurveFeatures

    # every feature family, periodogram included, on a coarse grid (fast)
    return LightCurveFeatures(min_period=2.0, oversampling=2.0, bands=["g", "r"])


def _objects_split(ddf, id):
    """How many objects have rows in more than one partition."""
    parts = [set(p[id]) for p in ddf.partitions]
    seen, split = set(), set()
    for ids in parts:
        split |= seen & ids
        seen |= ids
    return len(split)


def test_transform_dask_equals_in_memory(client, lcf):
    from skastro.lightcurve import from_long_table, transform_dask

    frame = _long_table(60)
    lcf = lcf.fit(from_long_table(frame, **COLUMNS))
    ddf = dd.from_pandas(frame, npartitions=5, sort=False)
    # the test means something only if objects are split across partitions
    assert _objects_split(ddf, "oid") > 50

    result = transform_dask(lcf, ddf, **COLUMNS)
    assert isinstance(result, dd.DataFrame)
    assert list(result.columns) == list(lcf.get_feature_names_out())
    computed = result.compute()
    expected = _in_memory(lcf, frame)
    assert computed.index.is_unique and len(computed) == 60
    assert computed.index.name == "oid"
    pd.testing.assert_frame_equal(
        computed.sort_index(), expected, check_exact=True, check_index_type=False
    )
    # not a vacuous comparison: the features vary between objects
    assert expected["std_g"].nunique() == 60


def test_transform_dask_indexed_by_id_skips_the_shuffle(client, lcf):
    from skastro.lightcurve import from_long_table, transform_dask

    frame = _long_table(40, random_state=1)
    lcf = lcf.fit(from_long_table(frame, **COLUMNS))
    ddf = dd.from_pandas(frame, npartitions=4, sort=False).set_index("oid")
    assert ddf.known_divisions
    result = transform_dask(lcf, ddf, **COLUMNS)
    pd.testing.assert_frame_equal(
        result.compute().sort_index(),
        _in_memory(lcf, frame),
        check_exact=True,
        check_index_type=False,
    )


def test_transform_dask_ztf_sne_long_table(client, require_data):
    """Real data: ZTF alert photometry of 30 supernovae (one row per detection)."""
    from skastro.datasets import fetch_ztf_sne
    from skastro.lightcurve import LightCurveFeatures, from_long_table, transform_dask

    home = require_data("alerce_ztf_30sne")
    frame = fetch_ztf_sne(data_home=home, as_frame=True).frame
    columns = dict(id="id", time="time", mag="mag", err="err", band="band")
    lcf = LightCurveFeatures(features="fast").fit(from_long_table(frame, **columns))
    ddf = dd.from_pandas(frame.sample(frac=1.0, random_state=0), npartitions=3)
    assert _objects_split(ddf, "id") > 0
    computed = transform_dask(lcf, ddf, **columns).compute().sort_index()
    expected = _in_memory(lcf, frame, columns)
    assert len(computed) == frame["id"].nunique() == 30
    pd.testing.assert_frame_equal(
        computed, expected, check_exact=True, check_index_type=False
    )


def test_transform_dask_bad_input(lcf):
    from sklearn.exceptions import NotFittedError

    from skastro.lightcurve import LightCurveFeatures, from_long_table, transform_dask

    frame = _long_table(5)
    ddf = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(TypeError, match="dask.dataframe.DataFrame; got DataFrame"):
        transform_dask(lcf, frame, **COLUMNS)
    with pytest.raises(NotFittedError):
        transform_dask(LightCurveFeatures(), ddf, **COLUMNS)
    fitted = LightCurveFeatures(features="fast").fit(from_long_table(frame, **COLUMNS))
    with pytest.raises(ValueError, match=r"\{'err': 'sigma'\} not found"):
        transform_dask(fitted, ddf, **{**COLUMNS, "err": "sigma"})
    with pytest.raises(ValueError, match="shuffle_method='fast'"):
        transform_dask(fitted, ddf, **COLUMNS, shuffle_method="fast")


def test_transform_dask_survives_a_killed_worker(client):
    """SIGKILL one worker process while the feature job runs: the job still
    completes and equals the in-memory result."""
    from skastro.lightcurve import LightCurveFeatures, from_long_table, transform_dask

    frame = _long_table(480, n_points=(30, 50), random_state=2)
    curves = from_long_table(frame, **COLUMNS)
    # a finer periodogram grid than the other tests: each partition takes a
    # noticeable time, so that the kill lands while partitions remain
    lcf = LightCurveFeatures(min_period=0.5, bands=["g", "r"]).fit(curves)
    ddf = dd.from_pandas(frame, npartitions=12, sort=False)
    # warm both workers up (imports, compiled kernels)
    client.run(lcf.transform, curves[:4])

    pids_before = client.run(os.getpid)
    future = client.compute(transform_dask(lcf, ddf, **COLUMNS))

    def transform_tasks(dask_scheduler):
        states = [
            ts.state
            for key, ts in dask_scheduler.tasks.items()
            if "_transform_partition" in str(key)
        ]
        return sum(s == "memory" for s in states), len(states)

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not future.done():
        done, total = client.run_on_scheduler(transform_tasks)
        processing = client.processing()
        busy = [w for w, keys in processing.items() if keys]
        if done >= 1 and busy:
            break
        time.sleep(0.01)
    assert not future.done(), "the job ended before a worker could be killed"
    victim = busy[0]
    os.kill(pids_before[victim], signal.SIGKILL)
    killed_mid_job = not future.done()

    computed = future.result(timeout=300)
    assert killed_mid_job, "the job ended before the kill landed"
    assert done < total
    pd.testing.assert_frame_equal(
        computed.sort_index(),
        _in_memory(lcf, frame),
        check_exact=True,
        check_index_type=False,
    )
    # the killed worker was really replaced (the nanny restarted it)
    client.wait_for_workers(2, timeout=120)
    assert pids_before[victim] not in client.run(os.getpid).values()
