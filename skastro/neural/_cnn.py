"""CNNClassifier: a convolutional Keras network for cutouts and 1-D series."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Integral, Real

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval

from skastro.utils._validation import check_layer_sizes

from ._augment import augmented_batches
from ._builders import cnn_builder
from ._classifier import KerasClassifierBase
from ._docs import fill_doc
from ._keras_runtime import float_dtype
from ._stream import BatchChecker, RowSubset, is_batch_stream

__all__ = ["CNNClassifier"]


@fill_doc(builder="cnn_builder")
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
        only (a ``ValueError`` is raised for series). Seeded by
        ``random_state``.
    %(class_weight)s
    %(training_params)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    input_shape_ : tuple of int
        Shape of one sample, channel axis included.
    model_ : keras.Model
        The trained network.
    history_ : dict of str to list of float
        Per-epoch ``loss`` and ``accuracy`` (and ``val_*`` when a validation
        part is held out: see ``validation_fraction``).
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
    own (``pipe.fit(X, y, cnnclassifier__callbacks=[cb])`` in a pipeline); a
    callback that monitors a ``val_*`` metric or has a true
    ``needs_validation_data`` attribute (Optuna pruning) makes the estimator
    hold out ``validation_fraction`` and sees ``val_loss`` and
    ``val_accuracy`` after each epoch.

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
        dtype: str = "float32",
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

    def _shaped_input(self) -> bool:
        return True

    def _augments(self) -> bool:
        return bool(self.augment)

    def _training_data(
        self, X, y, sample_weight, *, batch_size: int, shuffle, seed: int
    ) -> dict:
        """Batches read and augmented one at a time, or the arrays themselves.

        With ``augment=True`` or a memory-mapped ``X``, the batches come in
        their own seeded order, reshuffled at each epoch (Keras's ``shuffle``
        does not apply to them); rows of a memory map are read, cast and
        checked batch by batch.
        """
        on_disk = isinstance(X, np.memmap | RowSubset)
        if not (self.augment or on_disk):
            return super()._training_data(
                X, y, sample_weight, batch_size=batch_size, shuffle=shuffle, seed=seed
            )
        if sample_weight is None:
            sample_weight = np.ones(len(X))
        transform = None
        if on_disk:
            augment_rng = np.random.default_rng([seed, 1]) if self.augment else None
            transform = BatchChecker(
                "CNNClassifier",
                float_dtype(self.dtype),
                shaped=True,
                augment_rng=augment_rng,
            ).X
        return {
            "x": augmented_batches(X, y, sample_weight, batch_size, seed, transform)
        }

    @_fit_context(prefer_skip_nested_validation=True)
    @fill_doc()
    def fit(
        self, X, y=None, sample_weight=None, *, classes=None, **fit_params
    ) -> CNNClassifier:
        """Build the network and train it on ``(X, y)`` or on a stream of batches.

        Parameters
        ----------
        X : array-like of shape (n_samples, height, width, channels), \
(n_samples, length) or (n_samples, length, channels); numpy.memmap; \
keras.utils.PyDataset or function returning batches
            Training images or series. A :class:`numpy.memmap` is read batch
            by batch, never whole.
            %(stream_X)s
        %(fit_classifier_params)s

        Returns
        -------
        self : CNNClassifier
            The fitted estimator.
        """
        for name in ("conv_filters", "dense_units"):
            check_layer_sizes(
                getattr(self, name), param=name, owner=type(self).__name__
            )
        if self.augment and not is_batch_stream(X) and np.ndim(X) != 4:
            raise ValueError(
                f"augment=True of CNNClassifier needs images (n_samples, height, "
                f"width, channels); got X with {np.ndim(X)} dimensions."
            )
        return self._fit_classifier(X, y, sample_weight, fit_params, classes)
