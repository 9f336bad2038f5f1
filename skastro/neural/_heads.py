"""Output heads and losses of the Keras regressors.

A regressor's network is the trunk of a classifier's builder
(:func:`~skastro.neural._builders.mlp_builder`,
:func:`~skastro.neural._builders.cnn_builder`) closed by one of two heads,
chosen by ``meta["output_head"]``:

- ``"linear"``: one linear unit per target (the mean), trained by the mean
  squared error;
- ``"gaussian"``: the mean and the variance of a Gaussian per target, the
  variance through a softplus plus :data:`VARIANCE_FLOOR`, trained by the
  Gaussian negative log-likelihood (:func:`gaussian_nll_loss`).

The heads are standard Keras layers only (``Dense``, ``Rescaling``,
``Concatenate``), so the models save to the ``.keras`` format and load with
``safe_mode=True``.
"""

from __future__ import annotations

import math

from ._keras_runtime import import_keras

__all__ = ["OUTPUT_HEADS", "VARIANCE_FLOOR", "gaussian_nll_loss", "regression_head"]

#: the heads a regressor's network may end with
OUTPUT_HEADS = ("linear", "gaussian")

#: smallest predicted variance, in units of the standardised target
VARIANCE_FLOOR = 1e-6


def regression_head(keras, inputs, h, meta: dict, compile_kwargs: dict, name: str):
    """Close the network ``inputs -> h`` with a regression head; compile.

    Parameters
    ----------
    keras : module
        The Keras module.
    inputs, h : keras.KerasTensor
        Input of the network and output of its trunk.
    meta : dict
        ``dtype``, ``n_outputs_`` (number of targets) and ``output_head``
        (``"linear"`` or ``"gaussian"``).
    compile_kwargs : dict
        Arguments of :meth:`keras.Model.compile`.
    name : str
        Name of the model.

    Returns
    -------
    model : keras.Model
        Output ``(n_samples, n_outputs_)`` means, or for the Gaussian head
        ``(n_samples, 2 * n_outputs_)``: the means, then the variances.
    """
    dtype = meta["dtype"]
    n_outputs = int(meta["n_outputs_"])
    outputs = keras.layers.Dense(n_outputs, dtype=dtype, name="mean")(h)
    if meta["output_head"] == "gaussian":
        variance = keras.layers.Dense(
            n_outputs, activation="softplus", dtype=dtype, name="softplus_variance"
        )(h)
        variance = keras.layers.Rescaling(
            1.0, offset=VARIANCE_FLOOR, dtype=dtype, name="variance"
        )(variance)
        outputs = keras.layers.Concatenate(dtype=dtype, name="mean_variance")(
            [outputs, variance]
        )
    model = keras.Model(inputs, outputs, name=name)
    model.compile(**compile_kwargs)
    return model


def gaussian_nll_loss(dtype: str):
    """The Gaussian negative log-likelihood as a Keras loss.

    For targets ``y`` of shape ``(n, k)`` and outputs ``[mu, var]`` of shape
    ``(n, 2k)`` the loss of a sample is the mean over its targets of
    ``0.5 * (log(2 pi var) + (y - mu)**2 / var)``. The variance is at least
    :data:`VARIANCE_FLOOR` (the head adds it after a softplus), so the
    logarithm and the division stay finite.

    Parameters
    ----------
    dtype : str
        Precision of the loss computation (the network's ``dtype``).

    Returns
    -------
    loss : keras.losses.Loss
        Reduced as ``"mean_with_sample_weight"``.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.neural._heads import gaussian_nll_loss
    >>> loss = gaussian_nll_loss("float64")
    >>> y = np.array([[0.0]])
    >>> out = np.array([[0.0, 1.0]])  # mean 0, variance 1
    >>> bool(np.isclose(float(loss(y, out)), 0.5 * np.log(2 * np.pi)))
    True
    """
    keras = import_keras()
    ops = keras.ops
    half_log_2pi = 0.5 * math.log(2.0 * math.pi)

    class GaussianNLL(keras.losses.Loss):
        def call(self, y_true, y_pred):
            n_outputs = y_pred.shape[-1] // 2
            mean = y_pred[..., :n_outputs]
            variance = y_pred[..., n_outputs:]
            y_true = ops.cast(y_true, y_pred.dtype)
            nll = 0.5 * (ops.log(variance) + ops.square(y_true - mean) / variance)
            return ops.mean(nll, axis=-1) + half_log_2pi

    return GaussianNLL(
        name="gaussian_nll", reduction="mean_with_sample_weight", dtype=dtype
    )
