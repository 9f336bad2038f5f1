"""The regressor side of the Keras estimators: scaled targets, mean and std.

:class:`KerasRegressorBase` adds to the fit loop of
:class:`~skastro.neural._base.KerasEstimatorBase` what a regressor needs:
numeric targets, one or several (``(n_samples, n_targets)``), standardised
before training and put back in their units at predict; the loss
(``"squared_error"`` or ``"gaussian_nll"``, :mod:`skastro.neural._heads`)
and ``predict(X, return_std=False)``.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.preprocessing._data import _handle_zeros_in_scale
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import _check_y, check_consistent_length

from ._base import KerasEstimatorBase
from ._docs_regressor import fill_doc
from ._heads import gaussian_nll_loss
from ._keras_runtime import float_dtype, import_keras
from ._stream import is_batch_stream

__all__ = ["KerasRegressorBase", "architecture_constraints"]


def architecture_constraints(classifier: type) -> dict:
    """The parameter constraints of ``classifier``'s architecture parameters.

    A regressor built on a classifier's network takes the same architecture
    parameters (``classifier._architecture_params``) with the same
    constraints.
    """
    constraints = classifier._parameter_constraints
    return {name: constraints[name] for name in classifier._architecture_params}


class KerasRegressorBase(RegressorMixin, KerasEstimatorBase):
    """Regressor side of the layer: target scaling, Gaussian head, ``return_std``."""

    _parameter_constraints: dict = {
        **KerasEstimatorBase._parameter_constraints,
        "loss": [StrOptions({"squared_error", "gaussian_nll"})],
    }

    def _loss(self):
        # in the network's precision: Keras losses default to float32
        dtype = float_dtype(self.dtype)
        if self.loss == "gaussian_nll":
            return gaussian_nll_loss(dtype)
        keras = import_keras()
        return keras.losses.MeanSquaredError(
            reduction="mean_with_sample_weight", dtype=dtype
        )

    def _scale_targets(self, y: np.ndarray, sample_weight: np.ndarray) -> np.ndarray:
        """Set ``y_mean_``, ``y_scale_`` (weighted); return the standardised ``y``."""
        y2 = y.reshape(len(y), -1)
        self.n_outputs_ = y2.shape[1]
        self.y_mean_ = np.average(y2, axis=0, weights=sample_weight)
        variance = np.average((y2 - self.y_mean_) ** 2, axis=0, weights=sample_weight)
        self.y_scale_ = _handle_zeros_in_scale(np.sqrt(variance))
        return (y2 - self.y_mean_) / self.y_scale_

    def _check_architecture(self) -> None:  # pragma: no cover - overridden
        """Hook: raise a ``ValueError`` for bad architecture parameters."""

    @_fit_context(prefer_skip_nested_validation=True)
    @fill_doc()
    def fit(self, X, y, sample_weight=None, **fit_params) -> KerasRegressorBase:
        """Build the network and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like
            Training samples: a feature table ``(n_samples, n_features)``, or
            for :class:`CNNRegressor` images ``(n_samples, height, width,
            channels)`` or series ``(n_samples, length[, channels])``.
        %(fit_regressor_params)s

        Returns
        -------
        self : estimator instance
            The fitted estimator.
        """
        self._check_architecture()
        return self._fit_regressor(X, y, sample_weight, fit_params)

    def _fit_regressor(self, X, y, sample_weight, fit_params: dict):
        if is_batch_stream(X):
            raise TypeError(
                f"{type(self).__name__}.fit got a stream of batches; the "
                "regressors train on arrays (n_samples, ...) held in memory, "
                "streams are read by the classifiers only."
            )
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        X = self._validate_X(X, reset=True)
        y = _check_y(y, multi_output=True, y_numeric=True, estimator=self)
        check_consistent_length(X, y)
        y = np.asarray(y, dtype=np.float64)
        self._y_ndim = y.ndim
        sw = self._prepare_sample_weight(sample_weight, X)
        y_scaled = self._scale_targets(y, sw)
        meta = {
            **self._meta(X),
            "n_outputs_": self.n_outputs_,
            "output_head": "gaussian" if self.loss == "gaussian_nll" else "linear",
        }
        return self._fit_keras(
            X, y_scaled.astype(float_dtype(self.dtype)), sw, meta, dict(fit_params)
        )

    @fill_doc()
    def predict(self, X, return_std: bool = False):
        """Predicted mean of each target, and its standard deviation on request.

        %(X_fitted)s
        return_std : bool, default=False
            Also return the predicted standard deviation (needs
            ``loss="gaussian_nll"``), as
            :meth:`sklearn.gaussian_process.GaussianProcessRegressor.predict`
            does.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Predicted means, in the units of ``y`` (1-D when ``y`` was 1-D
            at fit).
        y_std : ndarray of the shape of ``y_mean``
            Predicted standard deviations, in the units of ``y``; only with
            ``return_std=True``.
        """
        self._check_fitted()
        X = self._validate_X(X, reset=False)
        out = self._predict_raw(X)
        k = self.n_outputs_
        mean = out[:, :k] * self.y_scale_ + self.y_mean_
        if self._y_ndim == 1:
            mean = mean[:, 0]
        if not return_std:
            return mean
        if out.shape[1] != 2 * k:
            raise ValueError(
                f"return_std=True needs a {type(self).__name__} fitted with "
                "loss='gaussian_nll', which predicts a variance; this one was "
                "fitted with loss='squared_error'."
            )
        std = np.sqrt(out[:, k:]) * self.y_scale_
        return mean, (std[:, 0] if self._y_ndim == 1 else std)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
