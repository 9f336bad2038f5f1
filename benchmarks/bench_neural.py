"""Wrapper overhead of skastro.neural against the same hand-written Keras models.

For each estimator, the same architecture is written directly in Keras and
trained on the same data with the same optimizer, loss, batch size, epochs
and precision. Printed: training time per epoch (whole ``fit`` divided by
the epochs, after a warm-up fit, so graph tracing counts in both columns
alike), prediction throughput, and the overhead ratio ``skastro / keras - 1``
(goal: <= 5 %). Timings are the best of ``--repeat`` runs, the two sides
alternating, so a machine busy with other work slows both alike.

- fit: the hand-written side builds, compiles and fits its model; for the
  autoencoder it also scores the training set and takes the contamination
  percentile, which is what ``Autoencoder.fit`` does to learn ``offset_``
  (a hand-written outlier detector needs that threshold too).
- predict: both sides use the *same* trained Keras model (the estimator's
  ``model_``): ``model.predict`` against the estimator's ``predict`` (or
  ``score_samples``), so the difference is the wrapper alone (input
  validation, probabilities to labels, reconstruction errors), not two
  differently initialised networks.
- wrapper alone: the time each side spends outside ``keras.Model.fit`` and
  ``predict`` within the same calls, the hand-written side's subtracted, as
  a share of the Keras time. Measured inside each call, it is the steady
  figure on a busy machine, where the end-to-end ratios swing by 10-40 %.

Run::

    python benchmarks/bench_neural.py            # default sizes
    python benchmarks/bench_neural.py --n 2000   # quicker
    python benchmarks/bench_neural.py --threads 1 --cpu-time   # busy machine
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

_CLOCK = time.perf_counter  # --cpu-time switches to time.process_time


class _InsideKeras:
    """Seconds spent inside ``keras.Model.fit`` / ``predict`` while enabled.

    The difference between a call's total time and its time inside Keras is
    what surrounds the training or prediction proper: for the estimator the
    wrapper (validation, seeding, labels, model building), for the
    hand-written side building and compiling the model. Both are measured
    within the same call, so a machine busy with other jobs hardly moves it.
    """

    def __init__(self, keras):
        self.keras = keras
        self.seconds = 0.0
        self._saved = {}

    def __enter__(self):
        for name in ("fit", "predict"):
            original = getattr(self.keras.Model, name)
            self._saved[name] = original

            def timed(model, *args, _original=original, **kwargs):
                t0 = _CLOCK()
                try:
                    return _original(model, *args, **kwargs)
                finally:
                    self.seconds += _CLOCK() - t0

            setattr(self.keras.Model, name, timed)
        return self

    def __exit__(self, *exc):
        for name, original in self._saved.items():
            setattr(self.keras.Model, name, original)


def _outside_keras(keras, fn, repeat: int) -> float:
    """Least time of ``fn`` spent outside Keras's fit/predict over repeats."""
    best = float("inf")
    for _ in range(repeat):
        with _InsideKeras(keras) as inside:
            t0 = _CLOCK()
            fn()
            total = _CLOCK() - t0
        best = min(best, total - inside.seconds)
    return best


def _best_pair(fn_a, fn_b, repeat: int) -> tuple[float, float]:
    """Best times of two functions, run alternately, the order swapped every
    round (a machine shared with other jobs then slows both alike, and
    neither side always runs right after the other)."""
    times_a, times_b = [], []
    pairs = [(fn_a, times_a), (fn_b, times_b)]
    for round_ in range(repeat):
        for fn, times in pairs if round_ % 2 == 0 else pairs[::-1]:
            t0 = _CLOCK()
            fn()
            times.append(_CLOCK() - t0)
    return min(times_a), min(times_b)


def _mlp_keras(keras, n_features, n_classes, dtype):
    inputs = keras.Input((n_features,), dtype=dtype)
    h = keras.layers.Dense(64, activation="relu", dtype=dtype)(inputs)
    h = keras.layers.Dense(32, activation="relu", dtype=dtype)(h)
    out = keras.layers.Dense(n_classes, activation="softmax", dtype=dtype)(h)
    model = keras.Model(inputs, out)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(
            reduction="mean_with_sample_weight", dtype=dtype
        ),
        metrics=["accuracy"],
    )
    return model


def _cnn_keras(keras, shape, n_classes, dtype):
    inputs = keras.Input(shape, dtype=dtype)
    h = inputs
    for filters in (16, 32):
        h = keras.layers.Conv2D(
            filters, 3, padding="same", activation="relu", dtype=dtype
        )(h)
        h = keras.layers.MaxPooling2D(2, padding="same", dtype=dtype)(h)
    h = keras.layers.Flatten(dtype=dtype)(h)
    h = keras.layers.Dropout(0.25, dtype=dtype)(h)
    h = keras.layers.Dense(128, activation="relu", dtype=dtype)(h)
    h = keras.layers.Dropout(0.25, dtype=dtype)(h)
    out = keras.layers.Dense(n_classes, activation="softmax", dtype=dtype)(h)
    model = keras.Model(inputs, out)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(
            reduction="mean_with_sample_weight", dtype=dtype
        ),
        metrics=["accuracy"],
    )
    return model


def _ae_keras(keras, n_features, dtype):
    inputs = keras.Input((n_features,), dtype=dtype)
    h = keras.layers.Dense(64, activation="relu", dtype=dtype)(inputs)
    h = keras.layers.Dense(16, dtype=dtype)(h)
    h = keras.layers.Dense(64, activation="relu", dtype=dtype)(h)
    out = keras.layers.Dense(n_features, dtype=dtype)(h)
    model = keras.Model(inputs, out)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.MeanSquaredError(
            reduction="mean_with_sample_weight", dtype=dtype
        ),
    )
    return model


def _compare(name, estimator, build, X, y, epochs, batch_size, repeat):
    import keras

    target = X.reshape(len(X), -1) if y is None else y
    contamination = getattr(estimator, "contamination", None)

    def fit_keras():
        keras.utils.set_random_seed(0)
        model = build()
        model.fit(X, target, epochs=epochs, batch_size=batch_size, verbose=0)
        if y is None:  # the outlier threshold, as Autoencoder.fit learns it
            recon = model.predict(X, batch_size=batch_size, verbose=0)
            errors = np.mean((recon - target) ** 2, axis=1)
            np.percentile(-errors, 100 * contamination)
        return model

    def fit_skastro():
        return estimator.fit(X) if y is None else estimator.fit(X, y)

    fit_keras()  # warm-up: first-use costs of TensorFlow are paid once
    fit_skastro()
    t_keras, t_sk = _best_pair(fit_keras, fit_skastro, repeat)
    # what surrounds Model.fit on either side, within the same calls
    extra_fit = _outside_keras(keras, fit_skastro, repeat) - _outside_keras(
        keras, fit_keras, repeat
    )
    wrapper_fit = 100 * extra_fit / t_keras
    t_keras, t_sk = t_keras / epochs, t_sk / epochs

    model = estimator.model_  # the same network on both sides
    method = estimator.predict if y is not None else estimator.score_samples
    model.predict(X, batch_size=batch_size, verbose=0)  # traced once
    method(X)
    p_keras, p_sk = _best_pair(
        lambda: model.predict(X, batch_size=batch_size, verbose=0),
        lambda: method(X),
        3 * repeat,
    )
    wrapper_predict = 100 * _outside_keras(keras, lambda: method(X), repeat) / p_keras
    p_keras, p_sk = len(X) / p_keras, len(X) / p_sk
    print(
        f"{name:<20} fit/epoch  keras {t_keras * 1e3:8.1f} ms  skastro "
        f"{t_sk * 1e3:8.1f} ms  overhead {100 * (t_sk / t_keras - 1):+6.1f} %"
    )
    print(
        f"{'':<20} predict    keras {p_keras:8.0f} /s  skastro "
        f"{p_sk:8.0f} /s  overhead {100 * (p_keras / p_sk - 1):+6.1f} %"
    )
    print(
        f"{'':<20} wrapper alone (time outside Keras's fit/predict, beyond the "
        f"hand-written side's): fit {wrapper_fit:+5.1f} %, predict "
        f"{wrapper_predict:+5.1f} %"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000, help="tabular samples")
    parser.add_argument("--n-images", type=int, default=2000, help="32x32 images")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="TensorFlow intra- and inter-op threads (0: its default)",
    )
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time CPU seconds of the process instead of wall-clock seconds "
        "(steadier on a machine busy with other jobs; use with --threads 1)",
    )
    args = parser.parse_args(argv)
    global _CLOCK
    if args.cpu_time:
        _CLOCK = time.process_time
    if args.threads:
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)

    import keras

    from skastro.neural import Autoencoder, CNNClassifier, KerasMLPClassifier

    rng = np.random.RandomState(0)
    dtype = args.dtype
    common = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "validation_fraction": 0.0,
        "dtype": dtype,
        "random_state": 0,
    }
    print(
        f"keras {keras.__version__} ({keras.backend.backend()}), dtype {dtype}, "
        f"batch {args.batch_size}, {args.epochs} epochs, best of {args.repeat}, "
        f"threads {args.threads or 'default'}, "
        f"{'CPU' if args.cpu_time else 'wall-clock'} time"
    )

    X = rng.normal(size=(args.n, 10)).astype(dtype)
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    _compare(
        f"KerasMLPClassifier n={args.n}",
        KerasMLPClassifier((64, 32), **common),
        lambda: _mlp_keras(keras, 10, 3, dtype),
        X,
        y,
        args.epochs,
        args.batch_size,
        args.repeat,
    )
    _compare(
        f"Autoencoder n={args.n}",
        Autoencoder((64, 16), **common),
        lambda: _ae_keras(keras, 10, dtype),
        X,
        None,
        args.epochs,
        args.batch_size,
        args.repeat,
    )
    images = rng.normal(size=(args.n_images, 32, 32, 1)).astype(dtype)
    labels = (images[:, :16].mean(axis=(1, 2, 3)) > 0).astype(int)
    _compare(
        f"CNNClassifier n={args.n_images}",
        CNNClassifier((16, 32), dense_units=(128,), dropout=0.25, **common),
        lambda: _cnn_keras(keras, (32, 32, 1), 2, dtype),
        images,
        labels,
        args.epochs,
        args.batch_size,
        args.repeat,
    )


if __name__ == "__main__":
    main()
