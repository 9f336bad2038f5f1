"""Fit time of skastro.neural against the same networks written in Keras.

Defaults are the settings of issue #17: ``CNNClassifier`` on 704 images of
75x75 pixels (conv 16/32/64, dense 64, dropout 0.3), ``KerasMLPClassifier``
and ``Autoencoder`` on 5,000 x 10 features, 25 epochs, batch 32. Each
estimator runs at its *defaults* otherwise (float32, no validation part held
out, no augmentation, no weights): end to end, what a user gets. The
hand-written side is the same architecture as a Keras user writes it (Adam at
1e-3, the named loss, Keras's float32), seeded alike. Goals: fit time ratio
skastro / Keras <= 1.15 (CNN) and <= 1.10 (MLP).

Printed for each estimator:

- fit (end to end): the whole ``fit`` of either side (build, compile, train;
  for the autoencoder also scoring the training set for ``offset_``, which
  the hand-written side does too), after one warm-up fit each, the best of
  ``--repeat`` runs, the two sides alternating (order swapped every round),
  so a machine busy with other work slows both alike;
- predict: the same trained network (the estimator's ``model_``) through
  ``Model.predict`` and through the estimator;
- wrapper alone: the time each side spends outside ``keras.Model.fit`` and
  ``predict`` in the same runs, the hand-written side's subtracted, as a
  share of the Keras time (steady even on a busy machine).

``--augment`` also times ``CNNClassifier(augment=True)`` against the plain
hand-written model (the cost of the per-batch flips and quarter turns; not a
like-for-like comparison, and said so in its line).

Run::

    python benchmarks/bench_neural.py --cpu-time          # CPU, busy machine
    python benchmarks/bench_neural.py --only cnn --augment
    python benchmarks/bench_neural.py --dtype mixed_float16   # on a GPU
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


def _compiled(keras, model, loss):
    """Compile as a user would: Adam at Keras's default rate, the named loss."""
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=loss,
        metrics=["accuracy"] if "entropy" in loss else None,
    )
    return model


def _mlp_keras(keras, n_features, n_classes, hidden):
    inputs = keras.Input((n_features,))
    h = inputs
    for units in hidden:
        h = keras.layers.Dense(units, activation="relu")(h)
    out = keras.layers.Dense(
        n_classes, activation="softmax", dtype=keras.config.floatx()
    )(h)
    return _compiled(keras, keras.Model(inputs, out), "sparse_categorical_crossentropy")


def _cnn_keras(keras, shape, n_classes, filters, dense, dropout):
    """The issue's network: conv blocks, flatten, dropout + dense, dropout, softmax."""
    inputs = keras.Input(shape)
    h = inputs
    for f in filters:
        h = keras.layers.Conv2D(f, 3, padding="same", activation="relu")(h)
        h = keras.layers.MaxPooling2D(2, padding="same")(h)
    h = keras.layers.Flatten()(h)
    for units in dense:
        h = keras.layers.Dropout(dropout)(h)
        h = keras.layers.Dense(units, activation="relu")(h)
    h = keras.layers.Dropout(dropout)(h)
    out = keras.layers.Dense(
        n_classes, activation="softmax", dtype=keras.config.floatx()
    )(h)
    return _compiled(keras, keras.Model(inputs, out), "sparse_categorical_crossentropy")


def _ae_keras(keras, n_features):
    inputs = keras.Input((n_features,))
    h = keras.layers.Dense(64, activation="relu")(inputs)
    h = keras.layers.Dense(16)(h)
    h = keras.layers.Dense(64, activation="relu")(h)
    out = keras.layers.Dense(n_features, dtype=keras.config.floatx())(h)
    return _compiled(keras, keras.Model(inputs, out), "mean_squared_error")


def _timed_pair(keras, fn_a, fn_b, repeat: int):
    """Best total times of two functions run alternately, and the least time
    each spent outside Keras's fit/predict (both measured in the same runs)."""
    times = {fn_a: [], fn_b: []}
    outside = {fn_a: [], fn_b: []}
    for round_ in range(repeat):
        for fn in (fn_a, fn_b) if round_ % 2 == 0 else (fn_b, fn_a):
            with _InsideKeras(keras) as inside:
                t0 = _CLOCK()
                fn()
                total = _CLOCK() - t0
            times[fn].append(total)
            outside[fn].append(total - inside.seconds)
    return (min(times[fn_a]), min(times[fn_b])), (
        min(outside[fn_a]),
        min(outside[fn_b]),
    )


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
    (t_keras, t_sk), (out_keras, out_sk) = _timed_pair(
        keras, fit_keras, fit_skastro, repeat
    )
    wrapper_fit = 100 * (out_sk - out_keras) / t_keras

    model = estimator.model_  # the same network on both sides
    method = estimator.predict if y is not None else estimator.score_samples
    model.predict(X, batch_size=batch_size, verbose=0)  # traced once
    method(X)
    (p_keras, p_sk), (_, out_predict) = _timed_pair(
        keras,
        lambda: model.predict(X, batch_size=batch_size, verbose=0),
        lambda: method(X),
        3 * repeat,
    )
    wrapper_predict = 100 * out_predict / p_keras
    print(
        f"{name:<28} fit (end to end)  keras {t_keras:7.2f} s  skastro "
        f"{t_sk:7.2f} s  ratio {t_sk / t_keras:5.3f}  "
        f"({t_sk / epochs * 1e3:.0f} ms/epoch)"
    )
    print(
        f"{'':<28} predict           keras {len(X) / p_keras:7.0f}/s  skastro "
        f"{len(X) / p_sk:7.0f}/s  ratio {p_sk / p_keras:5.3f}"
    )
    print(
        f"{'':<28} wrapper alone (outside Keras's fit/predict, beyond the "
        f"hand-written side's): fit {wrapper_fit:+5.1f} %, predict "
        f"{wrapper_predict:+5.1f} %"
    )
    return t_sk / t_keras


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="tabular samples")
    parser.add_argument("--n-images", type=int, default=704, help="images")
    parser.add_argument("--size", type=int, default=75, help="image side (pixels)")
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--dtype",
        default="default",
        choices=["default", "float32", "float64", "mixed_float16"],
        help="precision of both sides (default: each side's own default, "
        "float32 for both)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        default=["mlp", "autoencoder", "cnn"],
        choices=["mlp", "autoencoder", "cnn"],
    )
    parser.add_argument(
        "--augment",
        action="store_true",
        help="also time CNNClassifier(augment=True) against the same plain "
        "hand-written model: the cost of augmenting each batch (flips and "
        "quarter turns in NumPy), not a like-for-like comparison",
    )
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
        "(steadier on a machine busy with other jobs)",
    )
    args = parser.parse_args(argv)
    global _CLOCK
    if args.cpu_time:
        _CLOCK = time.process_time
    import keras

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        if args.threads:
            tf.config.threading.set_intra_op_parallelism_threads(args.threads)
            tf.config.threading.set_inter_op_parallelism_threads(args.threads)
        devices = [d.device_type for d in tf.config.list_physical_devices()]
    elif keras.backend.backend() == "jax":
        import jax

        devices = [d.platform.upper() for d in jax.devices()]
    else:
        devices = ["?"]

    from skastro.neural import Autoencoder, CNNClassifier, KerasMLPClassifier

    common = {"epochs": args.epochs, "batch_size": args.batch_size, "random_state": 0}
    if args.dtype != "default":  # both sides in that precision
        common["dtype"] = args.dtype
        keras.config.set_floatx("float64" if args.dtype == "float64" else "float32")
        keras.config.set_dtype_policy(args.dtype)
    print(
        f"keras {keras.__version__} ({keras.backend.backend()}, devices "
        f"{sorted(set(devices))}), dtype {args.dtype}, batch {args.batch_size}, "
        f"{args.epochs} epochs, best of {args.repeat} alternating runs, "
        f"threads {args.threads or 'default'}, "
        f"{'CPU' if args.cpu_time else 'wall-clock'} time. Both sides at their "
        "defaults otherwise: no validation part, no augmentation, no weights."
    )
    rng = np.random.RandomState(0)
    X = rng.normal(size=(args.n, 10)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    ratios = {}
    if "mlp" in args.only:
        ratios["KerasMLPClassifier"] = _compare(
            f"KerasMLPClassifier n={args.n}",
            KerasMLPClassifier((64, 32), **common),
            lambda: _mlp_keras(keras, 10, 3, (64, 32)),
            X,
            y,
            args.epochs,
            args.batch_size,
            args.repeat,
        )
    if "autoencoder" in args.only:
        ratios["Autoencoder"] = _compare(
            f"Autoencoder n={args.n}",
            Autoencoder((64, 16), **common),
            lambda: _ae_keras(keras, 10),
            X,
            None,
            args.epochs,
            args.batch_size,
            args.repeat,
        )
    if "cnn" in args.only:
        shape = (args.size, args.size, 1)
        images = rng.normal(size=(args.n_images, *shape)).astype(np.float32)
        labels = (images[:, : args.size // 2].mean(axis=(1, 2, 3)) > 0).astype(int)
        arch = {"filters": (16, 32, 64), "dense": (64,), "dropout": 0.3}
        ratios["CNNClassifier"] = _compare(
            f"CNNClassifier n={args.n_images} {args.size}x{args.size}",
            CNNClassifier(
                arch["filters"],
                dense_units=arch["dense"],
                dropout=arch["dropout"],
                **common,
            ),
            lambda: _cnn_keras(keras, shape, 2, **arch),
            images,
            labels,
            args.epochs,
            args.batch_size,
            args.repeat,
        )
        if args.augment:
            _compare(
                "CNNClassifier augment=True (vs plain Keras)",
                CNNClassifier(
                    arch["filters"],
                    dense_units=arch["dense"],
                    dropout=arch["dropout"],
                    augment=True,
                    **common,
                ),
                lambda: _cnn_keras(keras, shape, 2, **arch),
                images,
                labels,
                args.epochs,
                args.batch_size,
                args.repeat,
            )
    goals = {"KerasMLPClassifier": 1.10, "CNNClassifier": 1.15}
    for name, ratio in ratios.items():
        goal = goals.get(name)
        verdict = (
            ""
            if goal is None
            else f" (goal <= {goal}: {'met' if ratio <= goal else 'NOT met'})"
        )
        print(
            f"fit time ratio skastro / hand-written Keras, {name}: {ratio:.3f}{verdict}"
        )


if __name__ == "__main__":
    main()
