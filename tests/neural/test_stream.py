"""Training on data that does not fit in memory: batch streams and memory maps."""

import numpy as np
import pytest

pytest.importorskip("keras")

from skastro.neural import CNNClassifier, KerasMLPClassifier

FAST = {
    "dense_units": (8,),
    "epochs": 2,
    "learning_rate": 0.02,
    "routed_params": {"compile__run_eagerly": True},
}


def _images(n=64, seed=0):
    rng = np.random.RandomState(seed)
    y = np.repeat(["FRI", "FRII"], n // 2)
    X = rng.normal(scale=0.3, size=(n, 8, 8, 1)).astype(np.float32)
    X[y == "FRI", 3:5, :, 0] += 2.0
    X[y == "FRII", :, 3:5, 0] += 2.0
    return X, y


def _dataset(X, y, batch_size=16, with_weights=False):
    import keras

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return int(np.ceil(len(X) / batch_size))

        def __getitem__(self, i):
            rows = slice(i * batch_size, (i + 1) * batch_size)
            if with_weights:
                return X[rows], y[rows], np.ones(len(X[rows]))
            return X[rows], y[rows]

    return Batches()


def _batch_function(X, y, batch_size=16):
    def batches():
        for start in range(0, len(X), batch_size):
            yield X[start : start + batch_size], y[start : start + batch_size]

    return batches


@pytest.mark.parametrize("augment", [False, True])
def test_pydataset_of_images(augment):
    X, y = _images()
    clf = CNNClassifier((4,), augment=augment, random_state=0, **FAST)
    clf.fit(_dataset(X, y, with_weights=augment))
    # the classes come from a first pass over the labels
    np.testing.assert_array_equal(clf.classes_, ["FRI", "FRII"])
    assert clf.input_shape_ == (8, 8, 1) and clf.n_features_in_ == 8
    assert clf.n_iter_ == 2 and clf.predict(X).shape == (64,)


def test_given_classes_and_a_batch_function():
    X, y = _images()
    # a function returning a fresh generator: called once per epoch
    clf = KerasMLPClassifier((8,), epochs=2, random_state=0)
    clf.fit(_batch_function(X.reshape(64, -1), y), classes=["FRI", "FRII", "other"])
    np.testing.assert_array_equal(clf.classes_, ["FRI", "FRII", "other"])
    assert clf.predict_proba(X.reshape(64, -1)).shape == (64, 3)


def test_stream_fit_is_repeatable():
    X, y = _images()
    a = CNNClassifier((4,), random_state=3, **FAST).fit(_dataset(X, y))
    b = CNNClassifier((4,), random_state=3, **FAST).fit(_dataset(X, y))
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-5)


def test_memmap_images(tmp_path):
    X, y = _images()
    path = tmp_path / "images.f32"
    mm = np.memmap(path, dtype=np.float32, mode="w+", shape=X.shape)
    mm[:] = X
    mm.flush()
    X_disk = np.memmap(path, dtype=np.float32, mode="r", shape=X.shape)
    clf = CNNClassifier((4,), augment=True, random_state=0, **FAST).fit(X_disk, y)
    in_memory = CNNClassifier((4,), augment=True, random_state=0, **FAST).fit(X, y)
    # read batch by batch from the file, the fit is the in-memory one
    np.testing.assert_allclose(
        clf.predict_proba(X), in_memory.predict_proba(X), rtol=1e-5, atol=1e-6
    )


def test_memmap_with_early_stopping_holds_out_rows(tmp_path):
    X, y = _images()
    mm = np.memmap(tmp_path / "x.f32", dtype=np.float32, mode="w+", shape=X.shape)
    mm[:] = X
    clf = CNNClassifier(
        (4,), early_stopping=True, validation_fraction=0.25, random_state=0, **FAST
    ).fit(mm, y)
    assert "val_loss" in clf.history_


def test_wrong_shape_is_named_by_batch():
    X, y = _images()

    def batches():
        for i in range(4):
            Xb = X[i * 16 : (i + 1) * 16]
            yield (Xb[:, :7] if i == 2 else Xb), y[i * 16 : (i + 1) * 16]

    with pytest.raises(ValueError, match=r"batch 2 .* shape \(7, 8, 1\); expected"):
        CNNClassifier((4,), **FAST).fit(batches)


def test_nan_image_is_named_by_batch_and_sample():
    X, y = _images()
    X = X.copy()
    X[37, 2, 2, 0] = np.nan  # batch 2, sample 5 of it
    # classes given: no first pass, the error comes from inside Keras's fit
    with pytest.raises(
        ValueError, match="batch 2 .* NaN or infinite values in sample 5"
    ):
        CNNClassifier((4,), **FAST).fit(_dataset(X, y), classes=["FRI", "FRII"])


def test_unseen_label_is_named_by_batch():
    X, y = _images()
    y = y.astype("U7")
    y[60] = "compact"
    with pytest.raises(ValueError, match=r"batch 3 .* labels \['compact'\] unseen"):
        CNNClassifier((4,), **FAST).fit(_dataset(X, y), classes=["FRI", "FRII"])


def test_bad_stream_arguments():
    X, y = _images()
    generator = (batch for batch in [(X, y)])
    with pytest.raises(TypeError, match="can be read once only"):
        CNNClassifier((4,), **FAST).fit(generator)
    with pytest.raises(ValueError, match="expected them inside the batches"):
        CNNClassifier((4,), **FAST).fit(_dataset(X, y), y)
    with pytest.raises(ValueError, match=r"batch 0 .* expected a tuple"):
        CNNClassifier((4,), **FAST).fit(lambda: iter([X]))
