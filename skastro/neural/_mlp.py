"""KerasMLPClassifier: a dense Keras network for catalogue features."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Real

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval

from skastro.utils._validation import check_layer_sizes

from ._builders import mlp_builder
from ._classifier import KerasClassifierBase
from ._docs import fill_doc

__all__ = ["KerasMLPClassifier"]


@fill_doc(builder="mlp_builder")
class KerasMLPClassifier(KerasClassifierBase):
    """Multi-layer perceptron classifier in Keras, the scikit-learn way.

    A stack of ``Dense`` layers with the regularisation knobs (dropout, L2,
    early stopping, class weights) as constructor parameters, so
    :class:`~sklearn.model_selection.GridSearchCV` and Optuna can search
    them. The network is built by :func:`skastro.neural._builders.mlp_builder`
    (or by your own ``model`` builder) and trained with Keras; Keras is
    imported at fit, never at ``import skastro``.

    Parameters
    ----------
    hidden_layer_sizes : sequence of int, default=(64, 32)
        Units of each hidden layer.
    dropout : float, default=0.0
        Dropout rate after each hidden layer.
    l2 : float, default=0.0
        L2 penalty on the kernels of the hidden layers.
    activation : str, default="relu"
        Keras activation of the hidden layers.
    %(class_weight)s
    %(training_params)s

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    model_ : keras.Model
        The trained network.
    history_ : dict of str to list of float
        Per-epoch ``loss`` and ``accuracy``, plus ``val_loss`` and
        ``val_accuracy`` when a validation part is held out (see
        ``validation_fraction``).
    n_iter_ : int
        Number of epochs run.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The scikit-learn network.
    CNNClassifier : Convolutional network for images and series.

    Notes
    -----
    ``fit(X, y, sample_weight=None, **fit_params)`` hands ``fit_params`` to
    ``keras.Model.fit``; a ``callbacks=[...]`` list is appended to the
    estimator's own callbacks (early stopping). In a pipeline it is routed as
    ``pipe.fit(X, y, kerasmlpclassifier__callbacks=[cb])``: this is how an
    Optuna pruning callback (whose ``needs_validation_data`` attribute asks
    for the validation part) sees ``val_loss`` / ``val_accuracy`` after each
    epoch. The loss is the weighted mean of each batch (Keras's
    ``"mean_with_sample_weight"``), so an integer weight acts as repeating the
    sample.

    References
    ----------
    .. [1] A. Géron, "Hands-On Machine Learning with Scikit-Learn, Keras and
       TensorFlow", O'Reilly, 3rd ed., 2022, ch. 10-11.
    .. [2] A. Garcia Badaracco, "SciKeras: scikit-learn compatible wrappers
       for Keras models", https://github.com/adriangb/scikeras.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.neural import KerasMLPClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(80, 3))
    >>> y = np.where(X[:, 0] + X[:, 1] > 0, "star", "qso")
    >>> clf = KerasMLPClassifier((8,), epochs=40, batch_size=80,
    ...                          learning_rate=0.05, validation_fraction=0.0,
    ...                          random_state=0).fit(X, y)
    >>> clf.classes_
    array(['qso', 'star'], dtype='<U4')
    >>> bool(clf.score(X, y) > 0.9)
    True
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        **KerasClassifierBase._parameter_constraints,
        "hidden_layer_sizes": ["array-like"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "l2": [Interval(Real, 0, None, closed="left")],
        "activation": [str],
    }

    _architecture_params = ("hidden_layer_sizes", "dropout", "l2", "activation")
    _default_builder = staticmethod(mlp_builder)

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (64, 32),
        *,
        dropout: float = 0.0,
        l2: float = 0.0,
        activation: str = "relu",
        class_weight: dict | str | None = None,
        epochs: int = 50,
        batch_size: int = 128,
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
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.l2 = l2
        self.activation = activation
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

    @_fit_context(prefer_skip_nested_validation=True)
    @fill_doc()
    def fit(
        self, X, y=None, sample_weight=None, *, classes=None, **fit_params
    ) -> KerasMLPClassifier:
        """Build the network and train it on ``(X, y)`` or on a stream of batches.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), \
keras.utils.PyDataset or function returning batches
            Training features.
            %(stream_X)s
        %(fit_classifier_params)s

        Returns
        -------
        self : KerasMLPClassifier
            The fitted estimator.
        """
        check_layer_sizes(
            self.hidden_layer_sizes,
            param="hidden_layer_sizes",
            owner=type(self).__name__,
        )
        return self._fit_classifier(X, y, sample_weight, fit_params, classes)
