"""Goal tests on real data: CNNClassifier on FR-DEEP FIRST radio galaxies.

On the official 550/50 split of FR-DEEP FIRST (FRI vs FRII), a small
convolutional network in float32 (the default precision) reaches a test
accuracy of at least 0.94 with the configuration :data:`FRDEEP_PARAMS`; a
memory-mapped copy of the images trains batch by batch, repeatably.
"""

import time

import numpy as np
import pytest

pytest.importorskip("keras")

from skastro.neural import CNNClassifier

#: the documented configuration of the accuracy goal (float32, the default)
FRDEEP_PARAMS = {
    "conv_filters": (8, 16, 32),
    "kernel_size": 5,
    "dense_units": (64,),
    "dropout": 0.1,
    "downsample": 2,
    "augment": True,
    "epochs": 25,
    "batch_size": 32,
    "learning_rate": 1e-3,
    "dtype": "float32",
    "random_state": 0,
}


def _frdeep(require_data):
    """FR-DEEP FIRST, the central 100x100 pixels square-root stretched."""
    from skastro.datasets import fetch_frdeep

    fr = fetch_frdeep(data_home=require_data("frdeep_radio_galaxies"))
    return fr, np.sqrt(fr.data[:, 25:125, 25:125])


@pytest.mark.slow
def test_frdeep_first_accuracy(require_data):
    """FR-DEEP FIRST, official 550/50 split: test accuracy >= 0.94 in float32.

    Preprocessing (documented here, not hidden in the model): the central
    100x100 pixels (3 arcmin; > 90 % of the source flux) are kept and
    square-root stretched, which brings out the faint diffuse emission of
    FRI sources; the network average-pools them 2x to 50x50
    (``downsample=2``) and trains on flipped / rotated copies
    (``augment=True``), with every training image (no validation part is
    held out without early stopping). Tang, Scaife & Leahy 2019 report about
    0.94 with a 13-layer network. The fit time is printed (``pytest -s``).
    """
    fr, X = _frdeep(require_data)
    start = time.perf_counter()
    clf = CNNClassifier(**FRDEEP_PARAMS).fit(
        X[fr.train_index], fr.target[fr.train_index]
    )
    fit_time = time.perf_counter() - start
    accuracy = clf.score(X[fr.test_index], fr.target[fr.test_index])
    print(f"FR-DEEP FIRST: test accuracy {accuracy:.2f}, fit {fit_time:.1f} s")
    assert accuracy >= 0.94, accuracy


@pytest.mark.slow
def test_frdeep_streams_from_a_memory_map(require_data, tmp_path):
    """A memory-mapped copy of the images trains batch by batch, repeatably.

    The training images are written to a ``numpy.memmap`` file and the
    estimator reads them back one batch at a time (cast, checked, augmented
    per batch), for a few epochs. Two fits with the same seed give the same
    predictions within float32 tolerance, and the network has learnt
    something (test accuracy above the 0.56 of always answering FRII).
    """
    fr, X = _frdeep(require_data)
    X_train, y_train = X[fr.train_index], fr.target[fr.train_index]
    path = tmp_path / "frdeep_train.f32"
    mm = np.memmap(path, dtype=np.float32, mode="w+", shape=X_train.shape)
    mm[:] = X_train
    mm.flush()
    del mm
    on_disk = np.memmap(path, dtype=np.float32, mode="r", shape=X_train.shape)
    params = {**FRDEEP_PARAMS, "epochs": 4}
    first = CNNClassifier(**params).fit(on_disk, y_train)
    second = CNNClassifier(**params).fit(on_disk, y_train)
    X_test = X[fr.test_index]
    np.testing.assert_allclose(
        first.predict_proba(X_test), second.predict_proba(X_test), atol=1e-5
    )
    assert first.score(X_test, fr.target[fr.test_index]) > 0.56
