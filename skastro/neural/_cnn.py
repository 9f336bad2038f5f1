"""CNNClassifier: a convolutional Keras network for cutouts and 1-D series."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Integral, Real

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import validate_data

from ._base import KerasClassifierBase
from ._builders import cnn_builder

__all__ = ["CNNClassifier"]


def _validate_shaped(estimator, X, y, reset: bool):
    """Validate images (N, H, W, C) or series (N, L) / (N, L, C).

    A 2-D ``X`` is read as ``n_samples`` series of ``n_features`` steps and
    one channel. Returns X with an explicit channel axis (and y when given).
    Shared by :class:`CNNClassifier` and the convolutional
    :class:`~skastro.neural.Autoencoder`.
    """
    kwargs = {
        "accept_sparse": False,
        "dtype": [np.float64, np.float32],
        "allow_nd": True,
        "reset": reset,
    }
    if isinstance(y, str) and y == "no_validation":
        X = validate_data(estimator, X, **kwargs)
    else:
        X, y = validate_data(estimator, X, y, **kwargs)
    if X.ndim > 4:
        raise ValueError(
            f"{type(estimator).__name__} got X of shape {X.shape}; expected images "
            "(n_samples, height, width, channels) or series (n_samples, length) "
            "or (n_samples, length, channels)."
        )
    if X.ndim == 2:
        X = X[:, :, None]
    X = X.astype(estimator.dtype, copy=False)
    if reset:
        estimator.input_shape_ = tuple(int(s) for s in X.shape[1:])
    elif tuple(X.shape[1:]) != estimator.input_shape_:
        raise ValueError(
            f"X has sample shape {tuple(X.shape[1:])} but "
            f"{type(estimator).__name__} was fitted on samples of shape "
            f"{estimator.input_shape_} (channel axis included)."
        )
    return X if isinstance(y, str) and y == "no_validation" else (X, y)


class CNNClassifier(KerasClassifierBase):
    """Convolutional neural network classifier in Keras, the scikit-learn way.

    For image cutouts ``(n_samples, height, width, channels)`` (``Conv2D``)
    and regularly sampled series ``(n_samples, length)`` or ``(n_samples,
    length, channels)`` (``Conv1D``). A 2-D ``X`` is read as one-channel
    series, so the estimator also works on ordinary feature tables. Each
    convolutional block is a ``same``-padded convolution and a 2x max-pooling;
    then dense layers with dropout and a softmax over the classes (binary and
    multi-class alike). Keras is imported at fit.

    Parameters
    ----------
    conv_filters : sequence of int, default=(16, 32)
        Filters of each convolutional block.
    kernel_size : int, default=3
        Size of the convolution kernels.
    dense_units : sequence of int, default=(128,)
        Units of the dense layers after the convolutions.
    dropout : float, default=0.25
        Dropout rate before each dense layer.
    l2 : float, default=0.0
        L2 penalty on all kernels.
    activation : str, default="relu"
        Keras activation of the hidden layers.
    downsample : int, default=1
        Average-pool the input by this factor before the convolutions (2 turns
        150x150 cutouts into 75x75: about 4 times faster to train).
    augment : bool, default=False
        Train on randomly flipped and 90-degree rotated images (rotations for
        square images only): the sky has no preferred orientation, so these
        are physically valid copies of each cutout. Applied to each training
        batch in NumPy, never to validation data or at prediction; images
        only (a ``ValueError`` is raised for series).
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, multiplied into ``sample_weight``.
    epochs : int, default=30
        Number of passes over the training data.
    batch_size : int, default=32
        Samples per gradient step (and per prediction batch).
    optimizer : str or keras optimizer class, default="adam"
        Keras optimizer; its other arguments are routed as ``optimizer__*``.
    learning_rate : float, default=1e-3
        Learning rate of the optimizer.
    early_stopping : bool, default=False
        Stop when the validation loss (the training loss if
        ``validation_fraction=0``) has not improved for ``n_iter_no_change``
        epochs, and keep the best weights.
    validation_fraction : float, default=0.1
        Fraction of the training data held out (stratified, seeded) to compute
        ``val_loss`` and ``val_accuracy`` after each epoch; held out whenever
        positive. Set 0 to train on all the data.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    dtype : {"float64", "float32"}, default="float64"
        Precision of the network. float64 gives predictions that do not depend
        on how samples are batched; float32 trains about twice as fast on a
        CPU and is the sensible choice for large images.
    model : callable or None, default=None
        Your own model builder ``model(meta, compile_kwargs, **params)``, as
        in scikeras; None uses ``cnn_builder``.
    routed_params : dict or None, default=None
        scikeras-style routed parameters (``model__*``, ``optimizer__*``,
        ``compile__*``, ``fit__*``, ``predict__*``).
    random_state : int, RandomState instance or None, default=None
        Seeds Keras, the validation split and the augmentation at each fit.
    verbose : int, default=0
        Keras's ``verbose`` during fit.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    input_shape_ : tuple of int
        Shape of one sample, channel axis included.
    model_ : keras.Model
        The trained network.
    history_ : dict of str to list of float
        Per-epoch ``loss`` and ``accuracy`` (and ``val_*`` when validating).
    n_iter_ : int
        Number of epochs run.
    n_features_in_ : int
        ``X.shape[1]`` at fit (the image height or the series length).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a 2-D ``X`` seen during fit, if any.

    See Also
    --------
    KerasMLPClassifier : Dense network for feature tables.
    Autoencoder : Dense or convolutional autoencoder for outliers.

    Notes
    -----
    ``fit(X, y, sample_weight=None, **fit_params)`` hands ``fit_params`` to
    ``keras.Model.fit``; ``callbacks=[...]`` are appended to the estimator's
    own (``pipe.fit(X, y, cnnclassifier__callbacks=[cb])`` in a pipeline), and
    with ``validation_fraction > 0`` they see ``val_loss`` and
    ``val_accuracy`` after each epoch (Optuna pruning).

    References
    ----------
    .. [1] H. Tang, A. M. M. Scaife and J. P. Leahy, "Transfer learning for
       radio galaxy classification", MNRAS 488, 3358 (2019).
    .. [2] S. Dieleman, K. W. Willett and J. Dambre, "Rotation-invariant
       convolutional neural networks for galaxy morphology prediction",
       MNRAS 450, 1441 (2015).

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.neural import CNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(scale=0.3, size=(40, 8, 8, 1))
    >>> y = np.repeat([0, 1], 20)
    >>> X[y == 0, 3:5, :, 0] += 2.0  # horizontal bars
    >>> X[y == 1, :, 3:5, 0] += 2.0  # vertical bars
    >>> clf = CNNClassifier(conv_filters=(4,), dense_units=(8,), epochs=15,
    ...                     batch_size=40, learning_rate=0.02,
    ...                     validation_fraction=0.0, random_state=0).fit(X, y)
    >>> bool(clf.score(X, y) > 0.9)
    True
    >>> clf.input_shape_
    (8, 8, 1)
    """

    _parameter_constraints: dict = {
        **KerasClassifierBase._parameter_constraints,
        "conv_filters": ["array-like"],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "dense_units": ["array-like"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "l2": [Interval(Real, 0, None, closed="left")],
        "activation": [str],
        "downsample": [Interval(Integral, 1, None, closed="left")],
        "augment": ["boolean"],
    }

    _architecture_params = (
        "conv_filters",
        "kernel_size",
        "dense_units",
        "dropout",
        "l2",
        "activation",
        "downsample",
    )
    _default_builder = staticmethod(cnn_builder)

    def __init__(
        self,
        conv_filters: Sequence[int] = (16, 32),
        *,
        kernel_size: int = 3,
        dense_units: Sequence[int] = (128,),
        dropout: float = 0.25,
        l2: float = 0.0,
        activation: str = "relu",
        downsample: int = 1,
        augment: bool = False,
        class_weight: dict | str | None = None,
        epochs: int = 30,
        batch_size: int = 32,
        optimizer: str | type = "adam",
        learning_rate: float = 1e-3,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        dtype: str = "float64",
        model: Callable | None = None,
        routed_params: dict | None = None,
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
    ):
        self.conv_filters = conv_filters
        self.kernel_size = kernel_size
        self.dense_units = dense_units
        self.dropout = dropout
        self.l2 = l2
        self.activation = activation
        self.downsample = downsample
        self.augment = augment
        self.class_weight = class_weight
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.dtype = dtype
        self.model = model
        self.routed_params = routed_params
        self.random_state = random_state
        self.verbose = verbose

    def _validate_X(self, X, y="no_validation", *, reset: bool):
        return _validate_shaped(self, X, y, reset)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **fit_params) -> CNNClassifier:
        """Build the network and train it on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, height, width, channels), \
(n_samples, length) or (n_samples, length, channels)
            Training images or series.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; an integer weight acts as repeating the
            sample.
        **fit_params : dict
            Extra arguments of ``keras.Model.fit``; ``callbacks`` are appended
            to the estimator's own.

        Returns
        -------
        self : CNNClassifier
            The fitted estimator.
        """
        for name in ("conv_filters", "dense_units"):
            for units in getattr(self, name):
                if not isinstance(units, Integral) or units < 1:
                    raise ValueError(
                        f"{name}={getattr(self, name)!r} of CNNClassifier has the "
                        f"entry {units!r}; expected positive integers."
                    )
        if self.augment and np.ndim(X) != 4:
            raise ValueError(
                f"augment=True of CNNClassifier needs images (n_samples, height, "
                f"width, channels); got X with {np.ndim(X)} dimensions."
            )
        return self._fit_classifier(X, y, sample_weight, fit_params)
