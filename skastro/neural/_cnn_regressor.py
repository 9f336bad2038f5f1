"""CNNRegressor: a convolutional Keras network for targets of cutouts and series."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from skastro.utils._validation import check_layer_sizes

from ._cnn import CNNClassifier
from ._docs_regressor import fill_doc
from ._regressor import KerasRegressorBase, architecture_constraints

__all__ = ["CNNRegressor"]


@fill_doc(builder="cnn_builder")
class CNNRegressor(KerasRegressorBase):
    """Convolutional neural network regressor in Keras, with an optional std.

    The network of :class:`CNNClassifier` (built by
    :func:`skastro.neural._builders.cnn_builder`: ``same``-padded
    convolutions and 2x max-pooling, then dense layers with dropout) ending
    in one linear unit per target, or, with ``loss="gaussian_nll"``, in a
    Gaussian (mean, variance) head, so that ``predict(X, return_std=True)``
    returns a standard deviation per sample. For image cutouts
    ``(n_samples, height, width, channels)`` (``Conv2D``) and regularly
    sampled series ``(n_samples, length[, channels])`` (``Conv1D``), e.g. a
    redshift from galaxy cutouts or a period from a light curve. Targets are
    standardised internally. Keras is imported at fit.

    Parameters
    ----------
    %(cnn_params)s
    %(loss)s
    %(training_params)s

    Attributes
    ----------
    %(regressor_attributes)s
    input_shape_ : tuple of int
        Shape of one sample, channel axis included.
    n_features_in_ : int
        ``X.shape[1]`` at fit (the image height or the series length).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a 2-D ``X`` seen during fit, if any.

    See Also
    --------
    CNNClassifier : The same network for classes.
    KerasMLPRegressor : Dense network for feature tables.

    Notes
    -----
    ``fit(X, y, sample_weight=None, **fit_params)`` hands ``fit_params`` to
    ``keras.Model.fit``; ``callbacks=[...]`` are appended to the estimator's
    own.

    References
    ----------
    .. [1] J. Pasquet et al., "Photometric redshifts from SDSS images using a
       convolutional neural network", A&A 621, A26 (2019).

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.neural import CNNRegressor
    >>> rng = np.random.RandomState(0)
    >>> width = rng.uniform(1, 4, size=60)  # the target: a Gaussian's width
    >>> grid = np.arange(-8, 8)
    >>> X = np.exp(-0.5 * (grid / width[:, None]) ** 2)  # 60 series of 16
    >>> reg = CNNRegressor(conv_filters=(4,), dense_units=(16,), dropout=0.0,
    ...                    epochs=100, batch_size=60, learning_rate=0.01,
    ...                    validation_fraction=0.0, random_state=0)
    >>> bool(reg.fit(X, width).score(X, width) > 0.9)
    True
    >>> reg.input_shape_
    (16, 1)
    """

    # the architecture of CNNClassifier: its parameters, their constraints
    # and its builder
    _architecture_params = CNNClassifier._architecture_params
    _parameter_constraints: dict = {
        **KerasRegressorBase._parameter_constraints,
        **architecture_constraints(CNNClassifier),
    }
    _default_builder = staticmethod(CNNClassifier._default_builder)

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
        loss: str = "squared_error",
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
        self.loss = loss
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

    def _check_architecture(self) -> None:
        for name in ("conv_filters", "dense_units"):
            check_layer_sizes(
                getattr(self, name), param=name, owner=type(self).__name__
            )
