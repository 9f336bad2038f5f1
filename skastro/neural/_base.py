"""The one compatibility layer between scikit-learn and Keras.

scikeras 0.13 (no longer maintained) wraps Keras models for scikit-learn
but predates the scikit-learn >= 1.6 estimator API (``_more_tags``, mixins
right of ``BaseEstimator``, no ``n_features_in_`` check at predict, sparse
input accepted). skastro keeps the ideas of scikeras -- parameters routed
to the model builder, the optimizer, ``compile``, ``fit`` and ``predict``
by the prefixes ``model__``, ``optimizer__``, ``compile__``, ``fit__``,
``predict__``
(:mod:`~skastro.neural._routing`), and model builders that are plain
functions receiving ``meta`` and ``compile_kwargs``
(:mod:`~skastro.neural._builders`; ``meta`` also holds scikeras's keys
``n_features_in_``, ``X_shape_``, ``n_outputs_``, so one builder serves both)
-- without importing scikeras, and fixes the rest here, in the base classes
of the estimators:

- mixins left of :class:`~sklearn.base.BaseEstimator`, tags through
  ``__sklearn_tags__``, validation through skastro's one entry
  (:mod:`~skastro.neural._input`);
- sparse input rejected with a :class:`TypeError`;
- ``random_state`` seeds Keras at each fit (Python's and NumPy's global
  states are restored afterwards, :mod:`~skastro.neural._keras_runtime`), so
  equal seeds give equal models;
- networks computed in float32 by default (Keras's own), float64 on request
  (predictions then independent of the composition of the prediction
  batches), or in mixed precision for GPUs;
- a validation part held out only when it is used: by early stopping, or by
  a callback that asks for it (:func:`needs_validation_data`);
- pickling stores the Keras model in the ``.keras`` format
  (:mod:`~skastro.neural._persistence`).

A subclass defines ``_default_builder``, ``_architecture_params``, the loss
and the public methods; it may override two hooks: ``_shaped_input`` (whether
``X`` holds images or series) and ``_training_data`` (what ``Model.fit``
trains on, e.g. augmented batches).

Keras and TensorFlow are imported inside methods only: importing
:mod:`skastro.neural` stays cheap.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ._input import validate_samples
from ._keras_runtime import (
    DTYPES,
    float_dtype,
    history_dict,
    import_keras,
    keras_floatx,
    seeded_keras,
)
from ._persistence import model_from_bytes, model_to_bytes
from ._routing import RoutedParamsMixin, check_routed_params, fit_kwargs, route_params
from ._stream import RowSubset

__all__ = ["KerasEstimatorBase", "needs_validation_data"]


def needs_validation_data(callback) -> bool:
    """Whether a Keras callback reads validation metrics (``val_*`` logs).

    True when the callback says so with a true ``needs_validation_data``
    attribute (as :func:`skastro.model_selection.keras_pruning_callback`
    does), or monitors a ``val_*`` metric (``EarlyStopping``,
    ``ReduceLROnPlateau``, ``ModelCheckpoint`` with ``monitor="val_..."``).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from skastro.neural._base import needs_validation_data
    >>> needs_validation_data(SimpleNamespace(monitor="val_loss"))
    True
    >>> needs_validation_data(SimpleNamespace(monitor="loss"))
    False
    """
    if getattr(callback, "needs_validation_data", False) is True:
        return True
    monitor = getattr(callback, "monitor", None)
    return isinstance(monitor, str) and monitor.startswith("val_")


class KerasEstimatorBase(RoutedParamsMixin, BaseEstimator):
    """Shared machinery of the skastro Keras estimators (not public).

    Subclasses define ``_default_builder`` (a function of
    :mod:`skastro.neural._builders`), ``_architecture_params`` (the names of
    their constructor parameters handed to that builder), ``_loss`` and the
    public ``fit``/``predict`` methods.
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
        "dtype": [StrOptions(set(DTYPES))],
        "routed_params": [dict, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    #: constructor parameters passed to the default model builder
    _architecture_params: tuple[str, ...] = ()

    #: whether the validation split is stratified by ``y``
    _is_classifier_target = False

    # ------------------------------------------------------------------ input
    def _shaped_input(self) -> bool:
        """Hook: whether ``X`` holds images or series for a convolutional network."""
        return False

    def _validate_X(self, X, y="no_validation", *, reset: bool):
        """Validate ``X`` (and ``y``) and cast to ``dtype``; ``X`` or ``(X, y)``."""
        return validate_samples(self, X, y, reset=reset, shaped=self._shaped_input())

    # --------------------------------------------------------------- building
    def _fit_seed(self) -> int:
        rng = check_random_state(self.random_state)
        return int(rng.randint(np.iinfo(np.int32).max))

    def _optimizer(self, routed: dict):
        keras = import_keras()
        kwargs = {
            "learning_rate": self.learning_rate,
            **route_params(routed, "optimizer"),
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
        kwargs.update(route_params(routed, "compile"))
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
        candidates.update(route_params(routed, "model"))
        return {
            key: value
            for key, value in candidates.items()
            if accepts_var_kw or key in names
        }

    def _build_model(self, meta: dict, routed: dict):
        keras = import_keras()
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

    def _meta(self, X) -> dict:
        """What a model builder learns of the data (scikeras's keys included)."""
        return {
            "n_features_in_": self.n_features_in_,
            "input_shape": tuple(int(s) for s in X.shape[1:]),
            "X_shape_": tuple(int(s) for s in X.shape),
            "X_dtype_": np.dtype(float_dtype(self.dtype)),
            "n_outputs_": 1,
            "dtype": float_dtype(self.dtype),
            "dtype_policy": self.dtype,
        }

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

    def _positive_parts(self, sample_weight, train, val):
        """Drop zero-weight samples from the training and validation parts.

        Zero-weight samples add nothing to a weighted mean; left in, a batch
        of them only would divide by a zero weight sum.
        """
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
        return train, val

    def _callbacks(self, has_validation: bool, extra: list) -> list:
        keras = import_keras()
        callbacks = []
        if self.early_stopping:
            callbacks.append(
                keras.callbacks.EarlyStopping(
                    monitor="val_loss" if has_validation else "loss",
                    patience=self.n_iter_no_change,
                    restore_best_weights=True,
                )
            )
        return callbacks + extra

    def _holds_out(self, callbacks: list) -> bool:
        """Whether a validation part is held out: only when something reads it."""
        return bool(self.early_stopping) or any(map(needs_validation_data, callbacks))

    def _training_data(
        self, X, y, sample_weight, *, batch_size: int, shuffle, seed: int
    ) -> dict:
        """Hook: the arguments of ``keras.Model.fit`` that carry the training data.

        The base hands the arrays to Keras, which batches and shuffles them.
        A subclass may return its own batches instead (``{"x": dataset}``, a
        ``keras.utils.PyDataset``), as :class:`~skastro.neural.CNNClassifier`
        does to augment images.

        Parameters
        ----------
        X, y : ndarray
            Inputs and targets of the training part.
        sample_weight : ndarray or None
            Weights of the training part; None when all are one (an unweighted
            fit, which spares Keras the per-batch weighting).
        batch_size : int
            Samples per gradient step.
        shuffle : bool or str
            ``Model.fit``'s ``shuffle`` (True unless routed otherwise).
        seed : int
            The seed of this fit, for batches drawn by the subclass.

        Returns
        -------
        kwargs : dict
            Keyword arguments for ``Model.fit``.
        """
        return {
            "x": X,
            "y": y,
            "sample_weight": sample_weight,
            "batch_size": batch_size,
            "shuffle": shuffle,
        }

    def _fit_keras(self, X, y, sample_weight, meta: dict, fit_params: dict):
        """Build and train the Keras model on arrays; sets ``model_``, ``history_``.

        ``validation_fraction`` of the samples is held out only when early
        stopping or a callback reads validation metrics
        (:meth:`_holds_out`); otherwise every sample trains the network.
        """
        routed, kwargs, callbacks, seed = self._fit_setup(fit_params)
        if self._holds_out(callbacks):
            train, val = self._split_validation(len(X), y, seed)
        else:
            train, val = np.arange(len(X)), None
        train, val = self._positive_parts(sample_weight, train, val)
        # an autoencoder (y None) learns to output its flattened input
        y_fit = X.reshape(len(X), -1) if y is None else y
        # all-one weights are an unweighted fit: Keras then skips the
        # per-batch weighting (the same mean loss, less work per step)
        unweighted = bool(np.all(sample_weight == 1.0))
        validation_data = None
        if val is not None:
            validation_data = (np.asarray(X[val]), y_fit[val])
            if not unweighted:
                validation_data += (sample_weight[val],)
        if len(train) == len(X):  # every sample: no copy (a memory map stays)
            X_train, y_train, sw_train = X, y_fit, sample_weight
        else:
            X_train = RowSubset(X, train) if isinstance(X, np.memmap) else X[train]
            y_train, sw_train = y_fit[train], sample_weight[train]
        with seeded_keras(seed), keras_floatx(self.dtype):
            self.model_ = self._build_model(meta, routed)
            data = self._training_data(
                X_train,
                y_train,
                None if unweighted else sw_train,
                batch_size=kwargs.pop("batch_size", self.batch_size),
                shuffle=kwargs.pop("shuffle", True),
                seed=seed,
            )
            history = self._run_fit(data, callbacks, validation_data, kwargs)
        return self._set_history(history)

    def _fit_setup(self, fit_params: dict) -> tuple:
        """Routed parameters, ``Model.fit`` arguments, callbacks and seed of a fit."""
        owner = type(self).__name__
        routed = check_routed_params(self.routed_params, owner=owner)
        kwargs = fit_kwargs(routed, fit_params, owner=owner)
        extra = kwargs.pop("callbacks", None) or []
        extra = list(extra) if isinstance(extra, list | tuple) else [extra]
        return routed, kwargs, extra, self._fit_seed()

    def _run_fit(self, data: dict, callbacks: list, validation_data, kwargs: dict):
        """``Model.fit``; an error kept by a checked batch stream is raised as is."""
        try:
            return self.model_.fit(
                **data,
                epochs=kwargs.pop("epochs", self.epochs),
                verbose=kwargs.pop("verbose", self.verbose),
                callbacks=self._callbacks(validation_data is not None, callbacks),
                validation_data=validation_data,
                **kwargs,
            )
        except Exception as exc:
            error = getattr(data.get("x"), "error", None)
            if error is not None and error is not exc:
                raise error from None
            raise

    def _set_history(self, history):
        self.history_ = history_dict(history)
        self.n_iter_ = len(next(iter(self.history_.values()), []))
        return self

    # ------------------------------------------------------------- predicting
    def _predict_raw(self, X: np.ndarray, model=None) -> np.ndarray:
        """Outputs of the Keras model as float64.

        Up to one batch (``batch_size``, or ``predict__batch_size``) the model
        is called directly in inference mode, which traces no function: the
        many small predictions of a search or of the estimator checks stay
        cheap. Larger inputs go through ``Model.predict`` (traced once per
        model, then fast).
        """
        keras = import_keras()
        model = self.model_ if model is None else model
        routed = self.routed_params if isinstance(self.routed_params, dict) else {}
        kwargs = {"batch_size": int(self.batch_size), "verbose": 0}
        kwargs.update(route_params(routed, "predict"))
        if len(X) == 0:
            shape = (0, *(int(s) for s in model.output_shape[1:]))
            return np.zeros(shape, dtype=np.float64)
        if len(X) <= kwargs["batch_size"]:
            out = keras.ops.convert_to_numpy(model(X, training=False))
        else:
            with keras_floatx(self.dtype):
                out = model.predict(X, **kwargs)
        return np.asarray(out, dtype=np.float64)

    def _check_fitted(self) -> None:
        check_is_fitted(self, "model_")

    # -------------------------------------------------------------- pickling
    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())  # a copy: never touch self
        model = state.pop("model_", None)
        if model is not None:
            state["_model_keras_bytes"] = model_to_bytes(model)
        return state

    def __setstate__(self, state: dict) -> None:
        data = state.pop("_model_keras_bytes", None)
        super().__setstate__(state)
        if data is not None:
            self.model_ = model_from_bytes(data)

    # ------------------------------------------------------------------- tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags
