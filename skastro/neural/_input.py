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

from ._keras_runtime import float_dtype

__all__ = ["validate_memmap", "validate_samples"]


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
    X : ndarray of the network's data dtype (float32 for mixed precision)
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
    X = X.astype(float_dtype(estimator.dtype), copy=False)
    if shaped:
        _check_sample_shape(estimator, X, reset=reset)
    return X if isinstance(y, str) and y == "no_validation" else (X, y)


def validate_memmap(estimator, X: np.memmap, y):
    """Check a memory-mapped ``X`` of images or series without reading it.

    Only the shape and the dtype of ``X`` are checked here (and ``y``, which
    is in memory); its values are cast and checked batch by batch as they
    are read (:class:`~skastro.neural._stream.BatchChecker`), so the file
    never has to fit in memory.

    Parameters
    ----------
    estimator : KerasEstimatorBase
        The estimator being fitted (sets ``n_features_in_`` and
        ``input_shape_``).
    X : numpy.memmap
        Images ``(n_samples, height, width, channels)`` or series.
    y : array-like of shape (n_samples,)
        Labels.

    Returns
    -------
    X : numpy.memmap
        ``X`` with a channel axis (a view).
    y : ndarray of shape (n_samples,)
        The labels.
    """
    owner = type(estimator).__name__
    if X.dtype.kind not in "fiu" or X.ndim < 2:
        raise ValueError(
            f"{owner} got a memory-mapped X of dtype {X.dtype} and shape "
            f"{X.shape}; expected numeric images or series."
        )
    if y is None:
        raise ValueError(
            f"This {owner} estimator requires y to be passed, but the target y is None."
        )
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (len(X),):
        raise ValueError(
            f"y of {owner} has shape {y.shape}; expected ({len(X)},), one label "
            "per image of the memory-mapped X."
        )
    X = _with_channel_axis(estimator, X)
    estimator.n_features_in_ = int(X.shape[1])
    _check_sample_shape(estimator, X, reset=True)
    return X, y
