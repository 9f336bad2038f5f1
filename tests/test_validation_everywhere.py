"""Every public estimator reads its input through the one validation entry.

Walks :func:`skastro.utils.all_estimators` and fits each estimator (in the
small configuration of the common checks) on an astropy Table and on a
pandas DataFrame holding one bad cell. The Table must give the same output
as the same numbers in a DataFrame; the bad cell must be named in the error
by its column and row, so that an astronomer finds it in a catalogue of
millions of rows.
"""

import numpy as np
import pandas as pd
import pytest
from astropy.table import Table
from sklearn.base import clone, is_classifier, is_outlier_detector, is_regressor
from sklearn.utils import get_tags

from skastro.utils import all_estimators
from skastro.utils._testing import check_instance

ESTIMATORS = [check_instance(cls) for _, cls in all_estimators()]
IDS = [type(est).__name__ for est in ESTIMATORS]
COLUMNS = ["c0", "c1", "c2", "c3"]


def _data(n=40, seed=0):
    # magnitude-like values (15-20): valid magnitudes, fluxes, angles in
    # degrees and light-curve points for every estimator of the package
    rng = np.random.RandomState(seed)
    X = rng.uniform(15.0, 20.0, (n, len(COLUMNS)))
    y = np.array(["STAR", "QSO"] * (n // 2))
    X[y == "QSO", 0] += 1.0  # something to learn
    return pd.DataFrame(X, columns=COLUMNS), y


def _fit_output(estimator, X, y):
    fitted = clone(estimator)
    if "random_state" in fitted.get_params():
        fitted.set_params(random_state=0)  # two fits to compare: same seed
    if hasattr(fitted, "fit_resample"):  # a sampler: its output is the rows
        return np.asarray(fitted.fit_resample(X, y)[0], dtype=float)
    if is_classifier(fitted):
        return fitted.fit(X, y).predict_proba(X)
    if is_regressor(fitted):  # a numeric target: the class as 0 or 1
        return fitted.fit(X, (y == "QSO").astype(float)).predict(X)
    fitted.fit(X)
    if is_outlier_detector(fitted) or hasattr(fitted, "score_samples"):
        return fitted.score_samples(X)
    return fitted.transform(X)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=IDS)
def test_an_astropy_table_reads_as_its_dataframe(estimator):
    # the Table's columns are the DataFrame's: same numbers, same output
    frame, y = _data()
    from_table = _fit_output(estimator, Table.from_pandas(frame), y)
    from_frame = _fit_output(estimator, frame, y)
    np.testing.assert_allclose(
        np.asarray(from_table, dtype=float), np.asarray(from_frame, dtype=float)
    )


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=IDS)
def test_a_bad_cell_is_named_by_column_and_row(estimator):
    frame, y = _data()
    frame = frame.astype(object)
    frame.at[3, "c2"] = "n/a"
    fitted = clone(estimator)
    with pytest.raises((ValueError, TypeError)) as info:
        if get_tags(fitted).target_tags.required:
            fitted.fit(frame, y)
        else:
            fitted.fit(frame)
    message = str(info.value)
    assert "'c2'" in message and "row 3" in message, message
