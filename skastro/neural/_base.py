"""The one compatibility layer between scikit-learn and Keras (via scikeras).

scikeras 0.13 wraps Keras models for scikit-learn but predates the
scikit-learn >= 1.6 estimator API (``_more_tags``, mixins right of
``BaseEstimator``, no ``n_features_in_`` check at predict, sparse input
accepted, float32 outputs that change with sample order). skastro keeps the
ideas of scikeras -- parameters routed to the model builder, the optimizer,
``compile``, ``fit`` and ``predict`` by the prefixes ``model__``,
``optimizer__``, ``compile__``, ``fit__``, ``predict__``, and model builders
that are plain functions receiving ``meta`` and ``compile_kwargs`` -- and
fixes the rest here, in one place:

- mixins left of :class:`~sklearn.base.BaseEstimator`, tags through
  ``__sklearn_tags__``, validation through ``validate_data``;
- sparse input rejected with a :class:`TypeError`;
- ``random_state`` seeds Keras at each fit (Python's and NumPy's global
  states are restored afterwards), so equal seeds give equal models;
- networks computed in float64 by default, so predictions do not depend on
  the composition of the prediction batches;
- pickling stores the Keras model in the ``.keras`` format (no Lambda
  layers, loaded with ``safe_mode=True``).

Keras, TensorFlow and scikeras are imported inside methods only: importing
:mod:`skastro.neural` stays cheap.
"""

from __future__ import annotations

import inspect
import os
import random
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

__all__: list[str] = []

#: prefixes of the parameters routed to a destination, as in scikeras
ROUTE_PREFIXES = ("model", "optimizer", "compile", "fit", "predict")

# keyword arguments of ``keras.Model.fit`` that the estimator sets itself
_RESERVED_FIT_KWARGS = frozenset(
    {
        "x",
        "y",
        "sample_weight",
        "class_weight",
        "validation_data",
        "validation_split",
    }
)


def _import_keras():
    """Import Keras, with a clear message when the ``keras`` extra is missing."""
    try:
        import keras
    except ImportError as exc:  # pragma: no cover - the extra is installed in CI
        raise ImportError(
            "skastro.neural needs Keras 3 and a backend: pip install 'skastro[keras]'"
        ) from exc
    return keras


def _route_params(params: dict, destination: str) -> dict:
    """Return the ``destination__*`` entries of ``params``, prefix removed.

    Uses scikeras's own router, so names mean exactly what they mean there.
    """
    if not params:
        return {}
    from scikeras._utils import route_params

    return route_params(params, destination, pass_filter=set(), strict=False)


@contextmanager
def _seeded_keras(seed: int):
    """Seed Python, NumPy and the Keras backend; restore Python's and NumPy's.

    ``keras.utils.set_random_seed`` also reseeds the global ``random`` and
    ``numpy.random`` states: they are put back on exit, so a fit does not
    change the random streams of code running after it.
    """
    keras = _import_keras()
    py_state = random.getstate()
    np_state = np.random.get_state()  # noqa: NPY002 (the global state is restored)
    keras.utils.set_random_seed(int(seed))
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)  # noqa: NPY002


@contextmanager
def _keras_floatx(dtype: str):
    """Set Keras's ``floatx`` to the network's precision for one call.

    Keras casts every float array given to ``fit``/``predict`` (inputs,
    targets, sample weights) to ``floatx``; without this a float64 network
    would be fed float32-rounded data. The previous value is restored on
    exit, so nothing leaks to code running after the call.
    """
    keras = _import_keras()
    previous = keras.config.floatx()
    if previous == dtype:
        yield
        return
    keras.config.set_floatx(dtype)
    try:
        yield
    finally:
        keras.config.set_floatx(previous)


def _history_dict(history) -> dict[str, list[float]]:
    return {
        key: [float(v) for v in values]
        for key, values in (getattr(history, "history", None) or {}).items()
    }


class _AugmentedBatches:
    """Factory of a ``keras.utils.PyDataset`` that augments image batches.

    Each training batch gets random flips along both image axes and, for
    square images, a random multiple of 90 degrees of rotation, drawn from a
    seeded NumPy generator (so a seeded fit stays repeatable). Augmentation
    happens in NumPy before the batch reaches Keras: the Keras model holds no
    augmentation layer, so its ``.keras`` file loads safely anywhere.
    """

    @staticmethod
    def make(X, y, sample_weight, batch_size: int, seed: int):
        keras = _import_keras()

        class AugmentedImageBatches(keras.utils.PyDataset):
            def __init__(self):
                super().__init__()
                self.rng = np.random.default_rng(seed)
                self.order = self.rng.permutation(len(X))

            def __len__(self):
                return int(np.ceil(len(X) / batch_size))

            def __getitem__(self, index):
                rows = self.order[index * batch_size : (index + 1) * batch_size]
                xb = augment_images(X[rows], self.rng)
                return xb, y[rows], sample_weight[rows]

            def on_epoch_end(self):
                self.order = self.rng.permutation(len(X))

        return AugmentedImageBatches()


def augment_images(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Randomly flip and rotate by multiples of 90 degrees a batch of images.

    Parameters
    ----------
    X : ndarray of shape (n_samples, height, width, n_channels)
        Images. Rotations are applied only when ``height == width``.
    rng : numpy.random.Generator
        Source of the random transformations.

    Returns
    -------
    X_aug : ndarray of the same shape and dtype as ``X``
        One of the 8 (square) or 4 (rectangular) symmetries of the image
        grid, drawn independently for each image.
    """
    X = np.array(X, copy=True)
    n = X.shape[0]
    flip_h = rng.random(n) < 0.5
    flip_v = rng.random(n) < 0.5
    X[flip_h] = X[flip_h, :, ::-1]
    X[flip_v] = X[flip_v, ::-1]
    if X.shape[1] == X.shape[2]:
        k = rng.integers(0, 4, size=n)
        for quarter in (1, 2, 3):
            sel = k == quarter
            if sel.any():
                X[sel] = np.rot90(X[sel], quarter, axes=(1, 2))
    return X


class KerasEstimatorBase(BaseEstimator):
    """Shared machinery of the skastro Keras estimators (not public).

    Subclasses define ``_default_builder`` (a function of
    :mod:`skastro.neural._builders`), ``_architecture_params`` (the names of
    their constructor parameters handed to that builder), ``_check_X`` (input
    validation and reshaping) and the public ``fit``/``predict`` methods.
    """

    _parameter_constraints: dict = {
        "model": [callable, None],
        "optimizer": [str, callable],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "dtype": [StrOptions({"float32", "float64"})],
        "routed_params": [dict, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    #: constructor parameters passed to the default model builder
    _architecture_params: tuple[str, ...] = ()

    # ------------------------------------------------------------------ params
    def get_params(self, deep: bool = True) -> dict:
        """Get parameters for this estimator.

        With ``deep=True`` the routed parameters stored in ``routed_params``
        are listed too, under their routed names (``optimizer__momentum``),
        as scikeras does.

        Parameters
        ----------
        deep : bool, default=True
            Also list the routed parameters.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=deep)
        if deep and isinstance(self.routed_params, dict):
            params.update(self.routed_params)
        return params

    def set_params(self, **params) -> KerasEstimatorBase:
        """Set parameters, routed ones (``model__units=8``) included.

        A name that starts with ``model__``, ``optimizer__``, ``compile__``,
        ``fit__`` or ``predict__`` is stored in (a copy of) ``routed_params``
        and handed to that destination at fit, as in scikeras; so
        ``GridSearchCV(est, {"optimizer__momentum": [0.0, 0.9]})`` works.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : estimator instance
            Estimator instance.
        """
        routed = {
            key: value
            for key, value in params.items()
            if key.split("__", 1)[0] in ROUTE_PREFIXES and "__" in key
        }
        plain = {key: value for key, value in params.items() if key not in routed}
        if plain:
            super().set_params(**plain)
        if routed:
            current = self.routed_params if isinstance(self.routed_params, dict) else {}
            self.routed_params = {**current, **routed}
        return self

    def _check_routed_params(self) -> dict:
        routed = dict(self.routed_params or {})
        for key in routed:
            prefix = key.split("__", 1)[0]
            if "__" not in key or prefix not in ROUTE_PREFIXES:
                raise ValueError(
                    f"routed_params key {key!r} of {type(self).__name__} is not "
                    "routed; expected a name starting with one of "
                    f"{[p + '__' for p in ROUTE_PREFIXES]}."
                )
        return routed

    # --------------------------------------------------------------- building
    def _fit_seed(self) -> int:
        rng = check_random_state(self.random_state)
        return int(rng.randint(np.iinfo(np.int32).max))

    def _optimizer(self, routed: dict):
        keras = _import_keras()
        kwargs = {
            "learning_rate": self.learning_rate,
            **_route_params(routed, "optimizer"),
        }
        if not isinstance(self.optimizer, str):
            # an optimizer class (or factory): a fresh instance for each fit
            return self.optimizer(**kwargs)
        try:
            cls = type(keras.optimizers.get(self.optimizer))
        except ValueError as exc:
            raise ValueError(
                f"optimizer={self.optimizer!r} of {type(self).__name__} is not a "
                "Keras optimizer name; expected e.g. 'adam', 'sgd', 'rmsprop'."
            ) from exc
        return cls(**kwargs)

    def _compile_kwargs(self, routed: dict) -> dict:
        kwargs = {
            "optimizer": self._optimizer(routed),
            "loss": self._loss(),
            "metrics": self._metrics(),
        }
        kwargs.update(_route_params(routed, "compile"))
        return kwargs

    def _loss(self):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def _metrics(self) -> list:
        return []

    def _builder_kwargs(self, builder: Callable, routed: dict) -> dict:
        """Keyword arguments for ``builder``, chosen from its signature."""
        signature = inspect.signature(builder)
        accepts_var_kw = any(
            p.kind is inspect.Parameter.VAR_KEYWORD
            for p in signature.parameters.values()
        )
        names = set(signature.parameters)
        if self.model is None:
            candidates = {
                name: getattr(self, name) for name in self._architecture_params
            }
        else:
            candidates = {
                name: value
                for name, value in self.get_params(deep=False).items()
                if name in names and name not in ("model", "routed_params")
            }
        candidates.update(_route_params(routed, "model"))
        return {
            key: value
            for key, value in candidates.items()
            if accepts_var_kw or key in names
        }

    def _build_model(self, meta: dict, routed: dict):
        keras = _import_keras()
        builder = self._default_builder if self.model is None else self.model
        compile_kwargs = self._compile_kwargs(routed)
        kwargs = self._builder_kwargs(builder, routed)
        params = inspect.signature(builder).parameters
        if "meta" in params:
            kwargs["meta"] = meta
        if "compile_kwargs" in params:
            kwargs["compile_kwargs"] = compile_kwargs
        model = builder(**kwargs)
        if not isinstance(model, keras.Model):
            raise TypeError(
                f"the model builder {getattr(builder, '__name__', builder)!r} of "
                f"{type(self).__name__} returned {type(model).__name__}; expected a "
                "keras.Model."
            )
        if not getattr(model, "compiled", False):
            model.compile(**compile_kwargs)
        return model

    # ---------------------------------------------------------------- fitting
    def _prepare_sample_weight(self, sample_weight, X) -> np.ndarray:
        """Validated non-negative weights with a positive sum.

        The losses reduce with ``"mean_with_sample_weight"`` (weighted sum
        over the weight sum of each batch), so an integer weight acts exactly
        as repeating the sample. Weights are not rescaled: Keras handles them
        in float32, where integers stay exact.
        """
        sw = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        total = sw.sum()
        if not total > 0:
            raise ValueError(
                f"sample_weight of {type(self).__name__} sums to {total!r}; "
                "expected at least one positive weight."
            )
        return sw

    def _split_validation(self, n_samples: int, y, seed: int):
        """Indices of the training and validation parts (stratified if possible)."""
        all_idx = np.arange(n_samples)
        n_val = int(np.ceil(self.validation_fraction * n_samples))
        if self.validation_fraction == 0 or n_val < 1 or n_samples - n_val < 1:
            return all_idx, None
        from sklearn.model_selection import train_test_split

        stratify = None
        if y is not None and self._is_classifier_target:
            _, counts = np.unique(y, return_counts=True)
            if counts.min() >= 2 and n_val >= len(counts):
                if n_samples - n_val >= len(counts):
                    stratify = y
        train, val = train_test_split(
            all_idx, test_size=n_val, random_state=seed, stratify=stratify
        )
        return np.sort(train), np.sort(val)

    _is_classifier_target = False

    def _callbacks(self, has_validation: bool, fit_params: dict) -> list:
        keras = _import_keras()
        callbacks = []
        if self.early_stopping:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss" if has_validation else "loss",
                    patience=self.n_iter_no_change,
                    restore_best_weights=True,
                )
            )
        extra = fit_params.pop("callbacks", None) or []
        if not isinstance(extra, list | tuple):
            extra = [extra]
        return callbacks + list(extra)

    def _fit_keras(self, X, y, sample_weight, meta: dict, fit_params: dict):
        """Build and train the Keras model; sets ``model_``, ``history_``."""
        routed = self._check_routed_params()
        bad = sorted(_RESERVED_FIT_KWARGS & set(fit_params))
        if bad:
            raise ValueError(
                f"fit parameters {bad} of {type(self).__name__} are set by the "
                "estimator itself; use sample_weight, class_weight and "
                "validation_fraction instead."
            )
        fit_kwargs = {**_route_params(routed, "fit"), **fit_params}
        bad = sorted(_RESERVED_FIT_KWARGS & set(fit_kwargs))
        if bad:
            raise ValueError(
                f"routed fit__ parameters {bad} of {type(self).__name__} are set by "
                "the estimator itself; expected other keras.Model.fit arguments."
            )
        seed = self._fit_seed()
        train, val = self._split_validation(len(X), y, seed)
        # zero-weight samples add nothing to a weighted mean; left in, a batch
        # of them only would divide by a zero weight sum
        train = train[sample_weight[train] > 0]
        if val is not None:
            val = val[sample_weight[val] > 0]
            val = val if len(val) else None
        if not len(train):
            raise ValueError(
                f"every sample with a positive sample_weight of "
                f"{type(self).__name__} fell in the validation part; expected "
                "some in the training part (lower validation_fraction)."
            )
        callbacks = self._callbacks(val is not None, fit_kwargs)
        epochs = fit_kwargs.pop("epochs", self.epochs)
        batch_size = fit_kwargs.pop("batch_size", self.batch_size)
        verbose = fit_kwargs.pop("verbose", self.verbose)
        fit_kwargs.setdefault("shuffle", True)
        # an autoencoder (y None) learns to output its flattened input
        y_fit = X.reshape(len(X), -1) if y is None else y
        # all-one weights are an unweighted fit: Keras then skips the
        # per-batch weighting (the same mean loss, less work per step)
        unweighted = bool(np.all(sample_weight == 1.0))
        validation_data = None
        if val is not None:
            validation_data = (X[val], y_fit[val])
            if not unweighted:
                validation_data += (sample_weight[val],)
        with _seeded_keras(seed), _keras_floatx(self.dtype):
            self.model_ = self._build_model(meta, routed)
            if getattr(self, "augment", False):
                fit_kwargs.pop("shuffle")
                data = _AugmentedBatches.make(
                    X[train], y_fit[train], sample_weight[train], batch_size, seed
                )
                history = self.model_.fit(
                    data,
                    epochs=epochs,
                    verbose=verbose,
                    callbacks=callbacks,
                    validation_data=validation_data,
                    **fit_kwargs,
                )
            else:
                history = self.model_.fit(
                    X[train],
                    y_fit[train],
                    sample_weight=None if unweighted else sample_weight[train],
                    batch_size=batch_size,
                    epochs=epochs,
                    verbose=verbose,
                    callbacks=callbacks,
                    validation_data=validation_data,
                    **fit_kwargs,
                )
        self.history_ = _history_dict(history)
        self.n_iter_ = len(next(iter(self.history_.values()), []))
        return self

    def _predict_raw(self, X: np.ndarray, model=None) -> np.ndarray:
        """Outputs of the Keras model as float64.

        Up to one batch (``batch_size``, or ``predict__batch_size``) the model
        is called directly in inference mode, which traces no function: the
        many small predictions of a search or of the estimator checks stay
        cheap. Larger inputs go through ``Model.predict`` (traced once per
        model, then fast).
        """
        keras = _import_keras()
        model = self.model_ if model is None else model
        routed = self.routed_params if isinstance(self.routed_params, dict) else {}
        kwargs = {"batch_size": int(self.batch_size), "verbose": 0}
        kwargs.update(_route_params(routed, "predict"))
        if len(X) == 0:
            shape = (0, *(int(s) for s in model.output_shape[1:]))
            return np.zeros(shape, dtype=np.float64)
        if len(X) <= kwargs["batch_size"]:
            out = keras.ops.convert_to_numpy(model(X, training=False))
        else:
            with _keras_floatx(self.dtype):
                out = model.predict(X, **kwargs)
        return np.asarray(out, dtype=np.float64)

    def _meta(self, X: np.ndarray) -> dict:
        return {
            "n_features_in_": self.n_features_in_,
            "input_shape": tuple(X.shape[1:]),
            "dtype": self.dtype,
        }

    # -------------------------------------------------------------- pickling
    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())  # a copy: never touch self
        model = state.pop("model_", None)
        if model is not None:
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "model.keras")
                model.save(path)
                with open(path, "rb") as fh:
                    state["_model_keras_bytes"] = fh.read()
        return state

    def __setstate__(self, state: dict) -> None:
        data = state.pop("_model_keras_bytes", None)
        super().__setstate__(state)
        if data is not None:
            keras = _import_keras()
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "model.keras")
                with open(path, "wb") as fh:
                    fh.write(data)
                self.model_ = keras.saving.load_model(
                    path, compile=False, safe_mode=True
                )

    # ------------------------------------------------------------------- tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags

    def _check_fitted(self) -> None:
        check_is_fitted(self, "model_")


class KerasClassifierBase(ClassifierMixin, KerasEstimatorBase):
    """Classifier side of the layer: labels, class weights, probabilities."""

    _parameter_constraints: dict = {
        **KerasEstimatorBase._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    _is_classifier_target = True

    def _loss(self):
        keras = _import_keras()
        # in the network's precision: Keras losses default to float32
        return keras.losses.SparseCategoricalCrossentropy(
            reduction="mean_with_sample_weight", dtype=self.dtype
        )

    def _metrics(self) -> list:
        return ["accuracy"]

    def _validate_X(self, X, y="no_validation", *, reset: bool):
        """Validate (and for subclasses reshape) X; return ``X`` or ``(X, y)``."""
        raise NotImplementedError  # pragma: no cover

    def _fit_classifier(self, X, y, sample_weight, fit_params: dict):
        X, y = self._validate_X(X, y, reset=True)
        check_classification_targets(y)
        classes, y_encoded = np.unique(y, return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in "
                f"the data; got only one class: {classes.tolist()[0]!r}."
            )
        self.classes_ = classes
        sw = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if self.class_weight is not None:
            if isinstance(self.class_weight, dict):
                unknown = set(self.class_weight) - set(classes.tolist())
                if unknown:
                    raise ValueError(
                        f"class_weight of {type(self).__name__} names classes "
                        f"{sorted(unknown, key=str)!r} that are not in y; "
                        f"expected keys among {classes.tolist()!r}."
                    )
            sw = sw * compute_sample_weight(self.class_weight, y)
        sw = self._prepare_sample_weight(sw, X)
        meta = {
            **self._meta(X),
            "n_classes_": len(classes),
            "classes_": classes,
        }
        return self._fit_keras(
            X, y_encoded.astype(np.int32), sw, meta, dict(fit_params)
        )

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities (softmax outputs, as float64).

        Parameters
        ----------
        X : array-like
            Samples, shaped as at fit.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class in ``classes_`` order.
        """
        self._check_fitted()
        X = self._validate_X(X, reset=False)
        proba = self._predict_raw(X)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like
            Samples, shaped as at fit.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels, from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
