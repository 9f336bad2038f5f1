"""The one input path of the Keras estimators: feature tables, images, series.

Every estimator of :mod:`skastro.neural` reads ``X`` (and ``y``) through
:func:`validate_samples`, which goes through skastro's one validation entry
(:func:`skastro.utils._validation.validate_input`: astropy Tables, named bad
cells) and then casts to the network's ``dtype``. Convolutional networks
("shaped" input) also accept images and series and get a channel axis.
"""

from __future__ import annotations

import numpy as np

from skastro.utils._validation import validate_input

__all__ = ["validate_samples"]


def _with_channel_axis(estimator, X: np.ndarray) -> np.ndarray:
    """Images ``(N, H, W, C)`` as they are; series ``(N, L)`` as ``(N, L, 1)``."""
    if X.ndim > 4:
        raise ValueError(
            f"{type(estimator).__name__} got X of shape {X.shape}; expected images "
            "(n_samples, height, width, channels) or series (n_samples, length) "
            "or (n_samples, length, channels)."
        )
    return X[:, :, None] if X.ndim == 2 else X


def _check_sample_shape(estimator, X: np.ndarray, *, reset: bool) -> None:
    """Record ``input_shape_`` at fit; at predict, require the same shape."""
    shape = tuple(int(s) for s in X.shape[1:])
    if reset:
        estimator.input_shape_ = shape
    elif shape != estimator.input_shape_:
        raise ValueError(
            f"X has sample shape {shape} but {type(estimator).__name__} was "
            f"fitted on samples of shape {estimator.input_shape_} (channel axis "
            "included)."
        )


def validate_samples(estimator, X, y="no_validation", *, reset: bool, shaped: bool):
    """Validate ``X`` (and ``y``) and cast ``X`` to ``estimator.dtype``.

    Parameters
    ----------
    estimator : KerasEstimatorBase
        The estimator being fitted or used.
    X : array-like, pandas DataFrame or astropy Table
        Feature table ``(n_samples, n_features)``; with ``shaped=True`` also
        images ``(n_samples, height, width, channels)`` or series
        ``(n_samples, length[, channels])``.
    y : array-like or "no_validation", default="no_validation"
        Targets, validated with ``X`` when given.
    reset : bool
        True at fit (sets ``n_features_in_`` and, for shaped input,
        ``input_shape_``), False at predict (checks them).
    shaped : bool
        Whether ``X`` feeds a convolutional network: a 2-D ``X`` is read as
        one-channel series and gets a channel axis.

    Returns
    -------
    X : ndarray of dtype ``estimator.dtype``
        The validated samples; ``(X, y)`` when ``y`` is given.
    """
    out = validate_input(
        estimator,
        X,
        y,
        reset=reset,
        dtype=[np.float64, np.float32],
        accept_sparse=False,
        allow_nd=shaped,
    )
    X, y = out if isinstance(out, tuple) else (out, y)
    if shaped:
        X = _with_channel_axis(estimator, X)
    X = X.astype(estimator.dtype, copy=False)
    if shaped:
        _check_sample_shape(estimator, X, reset=reset)
    return X if isinstance(y, str) and y == "no_validation" else (X, y)
