"""The classifier side of the Keras estimators: labels, class weights, probabilities.

:class:`KerasClassifierBase` adds to the fit loop of
:class:`~skastro.neural._base.KerasEstimatorBase` what a classifier needs:
labels encoded as integers (``classes_``), ``class_weight`` multiplied into
``sample_weight``, a stratified validation split, the cross-entropy loss and
``predict_proba`` / ``predict``.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight

from skastro.utils._validation import check_n_classes

from ._base import KerasEstimatorBase
from ._docs import fill_doc
from ._keras_runtime import import_keras

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
            reduction="mean_with_sample_weight", dtype=self.dtype
        )

    def _metrics(self) -> list:
        return ["accuracy"]

    def _class_sample_weight(self, sample_weight, X, y, classes) -> np.ndarray:
        """``sample_weight`` times the ``class_weight`` of each sample's class."""
        sw = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if self.class_weight is None:
            return sw
        if isinstance(self.class_weight, dict):
            unknown = set(self.class_weight) - set(classes.tolist())
            if unknown:
                raise ValueError(
                    f"class_weight of {type(self).__name__} names classes "
                    f"{sorted(unknown, key=str)!r} that are not in y; "
                    f"expected keys among {classes.tolist()!r}."
                )
        return sw * compute_sample_weight(self.class_weight, y)

    def _fit_classifier(self, X, y, sample_weight, fit_params: dict):
        X, y = self._validate_X(X, y, reset=True)
        check_classification_targets(y)
        classes, y_encoded = np.unique(y, return_inverse=True)
        check_n_classes(classes, owner=type(self).__name__)
        self.classes_ = classes
        sw = self._class_sample_weight(sample_weight, X, y, classes)
        sw = self._prepare_sample_weight(sw, X)
        meta = {
            **self._meta(X),
            "n_classes_": len(classes),
            "classes_": classes,
        }
        return self._fit_keras(
            X, y_encoded.astype(np.int32), sw, meta, dict(fit_params)
        )

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
