"""The one input path of the Keras estimators: Tables, DataFrames, images."""

import numpy as np
import pandas as pd
import pytest
from astropy.table import Table

pytest.importorskip("keras")

from skastro.neural import Autoencoder, CNNClassifier, KerasMLPClassifier

FAST = {
    "epochs": 2,
    "batch_size": 512,
    "validation_fraction": 0.0,
    "random_state": 0,
    "routed_params": {"compile__run_eagerly": True},
}
COLUMNS = ["u_g", "g_r", "r_i"]


@pytest.fixture(scope="module")
def colours():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    y = np.where(X[:, 0] > 0, "QSO", "STAR")
    return pd.DataFrame(X, columns=COLUMNS), y


@pytest.mark.parametrize(
    ("make", "method"),
    [
        (lambda: KerasMLPClassifier((4,), **FAST), "predict_proba"),
        (lambda: Autoencoder((4, 2), **FAST), "score_samples"),
    ],
    ids=["KerasMLPClassifier", "Autoencoder"],
)
def test_an_astropy_table_reads_as_its_dataframe(make, method, colours):
    # the dense networks take a catalogue Table: its column names become
    # feature_names_in_ and the outputs equal those of the same DataFrame
    frame, y = colours
    from_table = make().fit(Table.from_pandas(frame), y)
    from_frame = make().fit(frame, y)
    assert list(from_table.feature_names_in_) == COLUMNS
    np.testing.assert_array_equal(
        getattr(from_table, method)(Table.from_pandas(frame)),
        getattr(from_frame, method)(frame),
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: KerasMLPClassifier((4,), **FAST),
        lambda: CNNClassifier((2,), dense_units=(4,), **FAST),
        lambda: Autoencoder((4, 2), **FAST),
    ],
    ids=["KerasMLPClassifier", "CNNClassifier", "Autoencoder"],
)
def test_a_bad_cell_is_named_by_column_and_row(make, colours):
    frame, y = colours
    frame = frame.astype(object)
    frame.at[5, "g_r"] = "n/a"
    with pytest.raises(ValueError, match=r"'n/a' in column 'g_r' at row 5"):
        make().fit(frame, y)
    frame.at[5, "g_r"] = np.nan
    with pytest.raises(ValueError, match=r"NaN in column 'g_r' at row 5"):
        make().fit(frame.astype(float), y)


def test_images_keep_their_shape_and_get_no_column_names():
    # images (allow_nd) pass the same path: a NaN pixel is named by its row
    rng = np.random.RandomState(0)
    X = rng.normal(size=(12, 4, 4, 1))
    y = np.repeat([0, 1], 6)
    clf = CNNClassifier((2,), dense_units=(4,), **FAST).fit(X, y)
    assert clf.input_shape_ == (4, 4, 1)
    assert not hasattr(clf, "feature_names_in_")
    X[3, 1, 2, 0] = np.nan
    with pytest.raises(ValueError, match=r"NaN in feature .* at row 3;"):
        CNNClassifier((2,), dense_units=(4,), **FAST).fit(X, y)


def test_dtype_is_the_network_precision(colours):
    frame, y = colours
    est = KerasMLPClassifier((4,), **{**FAST, "dtype": "float32"}).fit(frame, y)
    assert est._validate_X(frame, reset=False).dtype == np.float32
