"""Docstring text shared by the Keras estimators, written once.

The blocks are filled in by :func:`skastro.utils._docstrings.fill_doc` (a
line holding only ``%(name)s``; ``$default`` is the parameter's default in
the decorated signature, so defaults are written once). A name of
:data:`GROUPS` stands for several blocks: ``%(training_params)s`` for those
of all the training parameters (:data:`TRAINING_PARAMS`), in signature
order.
"""

from __future__ import annotations

from skastro.utils._docstrings import fill_doc as shared_fill_doc

__all__ = ["DOCS", "GROUPS", "TRAINING_PARAMS", "fill_doc"]

#: numpydoc blocks (name line, then the description indented by 4 spaces)
DOCS = {
    # ------------------------------------------------- constructor parameters
    "class_weight": """\
class_weight : dict, "balanced" or None, default=$default
    Weights of the classes in the loss, multiplied into ``sample_weight``;
    ``"balanced"`` weights each class by ``n_samples / (n_classes *
    count)``, which helps rare classes (QSOs among stars and galaxies).""",
    "epochs": """\
epochs : int, default=$default
    Number of passes over the training data.""",
    "batch_size": """\
batch_size : int, default=$default
    Samples per gradient step (and per prediction batch).""",
    "optimizer": """\
optimizer : str or keras optimizer class, default=$default
    Keras optimizer; its other arguments are routed as
    ``optimizer__<name>`` (e.g. ``optimizer__momentum``).""",
    "learning_rate": """\
learning_rate : float, default=$default
    Learning rate of the optimizer.""",
    "early_stopping": """\
early_stopping : bool, default=$default
    Hold out ``validation_fraction`` of the training data and stop when its
    loss (the training loss if ``validation_fraction=0`` or the data come
    as a stream of batches) has not improved for ``n_iter_no_change``
    epochs; the best weights are kept.""",
    "validation_fraction": """\
validation_fraction : float, default=$default
    Fraction of the training data held out (seeded; stratified by class for
    a classifier) to compute ``val_loss`` (and, for a classifier,
    ``val_accuracy``) after each epoch, *only when something reads them*:
    early stopping, or a callback given to fit that monitors a ``val_*``
    metric (``monitor="val_loss"``, as Keras's ``EarlyStopping``,
    ``ReduceLROnPlateau`` and ``ModelCheckpoint`` have) or has a true
    ``needs_validation_data`` attribute (as
    :func:`skastro.model_selection.keras_pruning_callback` has). Otherwise
    every sample trains the network, as in scikit-learn's
    ``MLPClassifier``.""",
    "n_iter_no_change": """\
n_iter_no_change : int, default=$default
    Patience of early stopping, in epochs.""",
    "dtype": """\
dtype : {"float32", "float64", "mixed_float16"}, default=$default
    Precision of the network. float32 is Keras's own default and the fast
    one (4-5 times faster than float64 on a CPU, far more on a GPU); its
    predictions may change in the last digits (about 1e-7 relative) with
    the composition of the prediction batches. float64 gives predictions
    that do not depend on how samples are batched, for results that must
    be reproducible to the bit. ``"mixed_float16"`` (Keras's mixed
    precision policy) computes the hidden layers in float16 and keeps the
    weights, inputs and outputs in float32: faster on GPUs with tensor
    cores, slower on a CPU.""",
    "model": """\
model : callable or None, default=$default
    Your own model builder, ``model(meta, compile_kwargs, **params)``
    returning a ``keras.Model``, as in scikeras. It receives the
    constructor parameters named in its signature and the routed
    ``model__*`` parameters. None uses ``$builder``.""",
    "routed_params": """\
routed_params : dict or None, default=$default
    Parameters routed as in scikeras: ``model__*`` to the builder,
    ``optimizer__*`` to the optimizer, ``compile__*`` to
    ``Model.compile``, ``fit__*`` to ``Model.fit``, ``predict__*`` to
    ``Model.predict``. ``set_params(optimizer__momentum=0.9)`` stores its
    argument here, so routed names can be grid-searched.""",
    "random_state": """\
random_state : int, RandomState instance or None, default=$default
    Seeds Keras (initial weights, shuffling, any dropout) and the validation
    split at each fit; the same integer gives identical predictions.""",
    "verbose": """\
verbose : int, default=$default
    Keras's ``verbose`` during fit.""",
    # ------------------------------------------------------ method parameters
    "X_fitted": """\
Parameters
----------
X : array-like
    Samples, shaped as at fit.""",
    "y_labels": """\
y : array-like of shape (n_samples,) or None, default=None
    Class labels; None when ``X`` is a stream of batches.""",
    "sample_weight": """\
sample_weight : array-like of shape (n_samples,), default=$default
    Non-negative weights; an integer weight acts as repeating the
    sample.""",
    "classes": """\
classes : array-like or None, default=None
    All the class labels. None takes them from ``y``, or, for a stream of
    batches, from a first pass over its labels before training (which
    reads every batch once); given, that pass is skipped for a
    ``keras.utils.PyDataset`` and a label outside ``classes`` is an
    error.""",
    "stream_X": """\
A ``keras.utils.PyDataset`` whose items are ``(X_batch, y_batch)`` or
``(X_batch, y_batch, sample_weight_batch)`` trains on data that does not
fit in memory (``y`` and ``sample_weight`` then stay None); so does a
function returning a new iterable of such batches at each call (once per
epoch, plus a first pass that counts them): pass ``lambda: my_batches()``,
not a generator object, which can be read once only. Each batch is
checked as it arrives (sample shape as batch 0's, finite values, known
labels: the error names the batch index); no validation part is held
out.""",
    "fit_params": """\
**fit_params : dict
    Extra arguments of ``keras.Model.fit``; ``callbacks`` are appended
    to the estimator's own.""",
}

#: the training parameters every Keras estimator takes, in signature order
TRAINING_PARAMS = (
    "epochs",
    "batch_size",
    "optimizer",
    "learning_rate",
    "early_stopping",
    "validation_fraction",
    "n_iter_no_change",
    "dtype",
    "model",
    "routed_params",
    "random_state",
    "verbose",
)

#: placeholders that stand for several blocks
GROUPS = {
    "training_params": TRAINING_PARAMS,
    "fit_classifier_params": ("y_labels", "sample_weight", "classes", "fit_params"),
}


def fill_doc(**fields: str):
    """Decorator: :func:`skastro.utils._docstrings.fill_doc` with the blocks above.

    Parameters
    ----------
    **fields : str
        Values of the ``$name`` fields of the blocks other than ``$default``
        (e.g. ``builder="mlp_builder"``).

    Returns
    -------
    decorator : callable
        Takes a class or function and returns it with its docstring filled.

    Examples
    --------
    >>> from skastro.neural._docs import fill_doc
    >>> @fill_doc()
    ... def f(epochs=5):
    ...     '''Train.
    ...
    ...     Parameters
    ...     ----------
    ...     %(epochs)s
    ...     '''
    >>> print(f.__doc__.strip())
    Train.
    <BLANKLINE>
        Parameters
        ----------
        epochs : int, default=5
            Number of passes over the training data.
    """
    return shared_fill_doc(docs=DOCS, groups=GROUPS, fields=fields)
