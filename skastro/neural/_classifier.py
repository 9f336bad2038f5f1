"""The classifier side of the Keras estimators: labels, class weights, probabilities.

:class:`KerasClassifierBase` adds to the fit loop of
:class:`~skastro.neural._base.KerasEstimatorBase` what a classifier needs:
labels encoded as integers (``classes_``), ``class_weight`` multiplied into
``sample_weight``, a stratified validation split, the cross-entropy loss,
``predict_proba`` / ``predict``, and training on batch streams or memory maps
(:mod:`~skastro.neural._stream`), whose classes come from fit's ``classes``
or from a first pass over the labels.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight

from skastro.utils._validation import check_n_classes

from ._base import KerasEstimatorBase
from ._docs import fill_doc
from ._input import validate_memmap
from ._keras_runtime import float_dtype, import_keras, keras_floatx, seeded_keras
from ._stream import (
    BatchChecker,
    as_batch_source,
    batches_dataset,
    is_batch_stream,
    needs_first_pass,
)

__all__ = ["KerasClassifierBase"]


class KerasClassifierBase(ClassifierMixin, KerasEstimatorBase):
    """Classifier side of the layer: labels, class weights, probabilities."""

    _parameter_constraints: dict = {
        **KerasEstimatorBase._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    _is_classifier_target = True

    def _loss(self):
        keras = import_keras()
        # in the network's precision: Keras losses default to float32
        return keras.losses.SparseCategoricalCrossentropy(
            reduction="mean_with_sample_weight", dtype=float_dtype(self.dtype)
        )

    def _metrics(self) -> list:
        return ["accuracy"]

    def _check_class_weight(self, classes) -> None:
        """A ``ValueError`` when ``class_weight`` names a class not in ``classes``."""
        if isinstance(self.class_weight, dict):
            unknown = set(self.class_weight) - set(classes.tolist())
            if unknown:
                raise ValueError(
                    f"class_weight of {type(self).__name__} names classes "
                    f"{sorted(unknown, key=str)!r} that are not in y; "
                    f"expected keys among {classes.tolist()!r}."
                )

    def _class_sample_weight(self, sample_weight, X, y, classes) -> np.ndarray:
        """``sample_weight`` times the ``class_weight`` of each sample's class."""
        sw = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if self.class_weight is None:
            return sw
        self._check_class_weight(classes)
        return sw * compute_sample_weight(self.class_weight, y)

    def _checked_classes(self, labels, classes) -> np.ndarray:
        """The sorted classes: fit's ``classes`` (holding every label) or the labels."""
        owner = type(self).__name__
        if classes is None:
            found = np.unique(labels)
        else:
            found = np.unique(np.asarray(classes))
            unseen = np.setdiff1d(labels, found)
            if len(unseen):
                raise ValueError(
                    f"y of {owner} holds labels {unseen.tolist()!r} that are not in "
                    f"classes; expected labels among {found.tolist()!r}."
                )
        check_n_classes(found, owner=owner)
        return found

    def _augments(self) -> bool:
        """Hook: whether training batches are augmented (images of a CNN)."""
        return False

    def _fit_classifier(self, X, y, sample_weight, fit_params: dict, classes=None):
        if is_batch_stream(X):
            return self._fit_stream(X, y, sample_weight, fit_params, classes)
        if isinstance(X, np.memmap) and self._shaped_input():
            X, y = validate_memmap(self, X, y)
        else:
            X, y = self._validate_X(X, y, reset=True)
        check_classification_targets(y)
        self.classes_ = self._checked_classes(y, classes)
        y_encoded = np.searchsorted(self.classes_, y)
        sw = self._class_sample_weight(sample_weight, X, y, self.classes_)
        sw = self._prepare_sample_weight(sw, X)
        meta = {
            **self._meta(X),
            "n_classes_": len(self.classes_),
            "classes_": self.classes_,
        }
        return self._fit_keras(
            X, y_encoded.astype(np.int32), sw, meta, dict(fit_params)
        )

    def _fit_stream(self, X, y, sample_weight, fit_params: dict, classes):
        """Train on a stream of batches (see :mod:`~skastro.neural._stream`)."""
        owner = type(self).__name__
        if y is not None or sample_weight is not None:
            raise ValueError(
                f"{owner}.fit got a stream of batches and a separate y or "
                "sample_weight; expected them inside the batches, as (X_batch, "
                "y_batch[, sample_weight_batch])."
            )
        source = as_batch_source(X, owner=owner)
        checker = BatchChecker(
            owner, float_dtype(self.dtype), shaped=self._shaped_input()
        )
        if needs_first_pass(source, classes, self.class_weight):
            labels = checker.first_pass(source)
        else:  # the classes are given: batch 0 tells the sample shape
            X_0, y_0 = source.get(0)[:2]
            labels = checker.y(0, y_0, len(checker.X(0, X_0)))
        self.classes_ = self._checked_classes(labels, classes)
        weights = self.class_weight
        if isinstance(weights, str):  # "balanced": from the first pass's labels
            weights = compute_class_weight(weights, classes=self.classes_, y=labels)
            weights = dict(zip(self.classes_.tolist(), weights, strict=True))
        self._check_class_weight(self.classes_)
        shape = checker.sample_shape
        self.n_features_in_ = shape[0]
        if self._shaped_input():
            self.input_shape_ = shape
        routed, kwargs, callbacks, seed = self._fit_setup(fit_params)
        checker.classes, checker.class_weight = self.classes_, weights
        if self._augments():
            checker.augment_rng = np.random.default_rng([seed, 1])
        for name in ("batch_size", "shuffle"):  # the batches are the user's
            kwargs.pop(name, None)
        meta = {
            **self._meta(np.broadcast_to(np.float32(0), (len(labels), *shape))),
            "n_classes_": len(self.classes_),
            "classes_": self.classes_,
        }
        with seeded_keras(seed), keras_floatx(self.dtype):
            self.model_ = self._build_model(meta, routed)
            data = {"x": batches_dataset(source, checker)}
            history = self._run_fit(data, callbacks, None, kwargs)
        return self._set_history(history)

    @fill_doc()
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities (softmax outputs, as float64).

        %(X_fitted)s

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class in ``classes_`` order.
        """
        self._check_fitted()
        X = self._validate_X(X, reset=False)
        proba = self._predict_raw(X)
        return proba / proba.sum(axis=1, keepdims=True)

    @fill_doc()
    def predict(self, X) -> np.ndarray:
        """Most probable class of each sample.

        %(X_fitted)s

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels, from ``classes_``.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
